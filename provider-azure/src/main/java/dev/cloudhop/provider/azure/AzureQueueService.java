package dev.cloudhop.provider.azure;

import com.azure.core.util.Context;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.models.PeekedMessageItem;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import com.azure.storage.queue.models.QueuesSegmentOptions;
import com.azure.storage.queue.models.SendMessageResult;
import com.azure.storage.queue.models.UpdateMessageResult;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.naming.NameKind;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueLimits;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Azure Storage Queues through the Azure SDK.
 *
 * <ul>
 *   <li>Body and attributes travel base64-encoded in one envelope ({@link QueueEnvelope}); the limit is
 *       {@value QueueEnvelope#MAX_PAYLOAD_BYTES} bytes of body plus attributes, so that the text stays within
 *       Azure's 64 KiB. Larger messages are refused with {@link InvalidRequestException} naming both sizes.</li>
 *   <li>Receipts are {@code messageId + ' ' + popReceipt}. Azure issues a new pop receipt when visibility is
 *       extended; the old receipt stays usable in this process (an alias), so callers keep one receipt.</li>
 *   <li>Delays are the initial visibility timeout of Put Message (up to 7 days less a second, within the
 *       default 7-day time to live). Azure has no long polling: a receive with a wait polls, backing off from
 *       100 ms to 1 s, until a message is visible or the wait ends.</li>
 *   <li>Dedup keys are claimed through {@link DedupLedger} marker blobs in the same storage account.</li>
 *   <li>The depth is the queue's approximate message count, which counts visible, invisible (in flight) and
 *       delayed messages.</li>
 * </ul>
 * Thread-safe.
 */
final class AzureQueueService implements QueueService {

    static final Duration MAX_VISIBILITY = Duration.ofDays(7);
    static final Duration MAX_DELAY = Duration.ofDays(7).minusSeconds(1);
    static final Duration MAX_WAIT = Duration.ofSeconds(20);

    private final SiteInfo site;
    private final NamingRules rules;
    private final Function<ErrorContext, QueueServiceClient> service;
    private final DedupLedger dedup;
    private final QueueLimits limits;
    /** Receipt handed out -> current pop receipt, after extendVisibility renewed it. */
    private final Cache<String, String> receiptAliases = CacheBuilder.newBuilder()
            .expireAfterWrite(MAX_VISIBILITY).maximumSize(100_000).build();

    AzureQueueService(SiteInfo site, NamingRules rules, Function<ErrorContext, QueueServiceClient> service,
                      DedupLedger dedup) {
        this.site = Objects.requireNonNull(site, "site");
        this.rules = rules;
        this.service = service;
        this.dedup = dedup;
        this.limits = new QueueLimits(QueueEnvelope.MAX_PAYLOAD_BYTES, MAX_DELAY, MAX_VISIBILITY, MAX_WAIT,
                dedup.window());
    }

    @Override
    public QueueLimits limits() {
        return limits;
    }

    private ErrorContext ctx(String operation, String queue) {
        return ErrorContext.of(site, operation, queue);
    }

    private QueueClient queue(String name, ErrorContext ctx) {
        rules.firstViolation(NameKind.QUEUE, name).ifPresent(reason -> {
            throw new InvalidRequestException(ctx, "queue name '" + name + "' is invalid for provider "
                    + rules.provider() + ": " + String.join("; ", rules.violations(NameKind.QUEUE, name)));
        });
        return service.apply(ctx).getQueueClient(name);
    }

    private static <T> T call(ErrorContext ctx, Supplier<T> action) {
        return AzureErrors.call(ctx, action);
    }

    private static NotFoundException queueNotFound(ErrorContext ctx, Throwable cause) {
        return new NotFoundException(ctx, "queue '" + ctx.target() + "' does not exist", cause);
    }

    private static boolean isQueueNotFound(QueueStorageException e) {
        return e.getStatusCode() == 404 && "QueueNotFound".equals(AzureErrors.code(e));
    }

    @Override
    public boolean createQueue(String name) {
        ErrorContext ctx = ctx("queue.create", name);
        QueueClient q = queue(name, ctx);
        // 201: created; 204: it existed with the same metadata; 409: it existed with other metadata
        return call(ctx, () -> {
            try {
                return q.createWithResponse(null, null, Context.NONE).getStatusCode() == 201;
            } catch (QueueStorageException e) {
                if (e.getStatusCode() == 409) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public boolean deleteQueue(String name) {
        ErrorContext ctx = ctx("queue.delete", name);
        QueueClient q = queue(name, ctx);
        boolean existed = call(ctx, q::deleteIfExists);
        if (existed) {
            dedup.forget(name);
        }
        return existed;
    }

    @Override
    public boolean queueExists(String name) {
        ErrorContext ctx = ctx("queue.exists", name);
        QueueClient q = queue(name, ctx);
        return call(ctx, () -> {
            try {
                q.getProperties();
                return true;
            } catch (QueueStorageException e) {
                if (e.getStatusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public Stream<String> listQueues() {
        ErrorContext ctx = ctx("queue.list", "");
        // include=metadata: the SDK otherwise sends an empty include=, which Azurite rejects with 400
        return call(ctx, () -> service.apply(ctx).listQueues(new QueuesSegmentOptions().setIncludeMetadata(true), null,
                Context.NONE).stream().map(q -> q.getName()).toList()).stream();
    }

    @Override
    public String send(String name, OutgoingMessage message) {
        ErrorContext ctx = ctx("queue.send", name);
        Objects.requireNonNull(message, "message");
        QueueClient q = queue(name, ctx);
        long size = message.sizeInBytes();
        if (size > limits.maxMessageBytes()) {
            throw new InvalidRequestException(ctx, "message of " + size + " bytes (body plus attributes) exceeds the "
                    + "limit of " + limits.maxMessageBytes() + " bytes for queue '" + name + "' (Azure allows 64 KiB of "
                    + "message text; base64 leaves 48 KiB); nothing was sent");
        }
        if (message.delay().compareTo(MAX_DELAY) > 0) {
            throw new InvalidRequestException(ctx, "delay " + message.delay() + " exceeds Azure's maximum of " + MAX_DELAY);
        }
        String text = QueueEnvelope.text(QueueEnvelope.envelope(message.body(), message.attributes()));
        if (text.length() > QueueEnvelope.MAX_TEXT_CHARS) {
            throw new InvalidRequestException(ctx, "message with " + message.attributes().size() + " attributes encodes to "
                    + text.length() + " characters, over Azure's limit of " + QueueEnvelope.MAX_TEXT_CHARS
                    + "; use fewer or shorter attributes; nothing was sent");
        }
        Duration visibility = message.delay().isZero() ? null : ceilSeconds(message.delay());
        if (message.dedupKey().isEmpty()) {
            return call(ctx, () -> put(q, text, visibility, ctx));
        }
        return call(ctx, () -> {
            DedupLedger.Claim claim = dedup.claim(name, message.dedupKey().get());
            if (claim instanceof DedupLedger.Duplicate duplicate) {
                return duplicate.messageId();
            }
            DedupLedger.Claimed claimed = (DedupLedger.Claimed) claim;
            String id;
            try {
                id = put(q, text, visibility, ctx);
            } catch (RuntimeException e) {
                dedup.release(claimed);
                throw e;
            }
            dedup.recordSent(claimed, id);
            return id;
        });
    }

    private static String put(QueueClient q, String text, Duration visibility, ErrorContext ctx) {
        try {
            SendMessageResult result = q.sendMessageWithResponse(text, visibility, null, null, Context.NONE).getValue();
            return result.getMessageId();
        } catch (QueueStorageException e) {
            if (isQueueNotFound(e)) {
                throw queueNotFound(ctx, e);
            }
            throw e;
        }
    }

    @Override
    public List<ReceivedMessage> receive(String name, ReceiveOptions options) {
        ErrorContext ctx = ctx("queue.receive", name);
        QueueClient q = queue(name, ctx);
        if (options.visibilityTimeout().compareTo(MAX_VISIBILITY) > 0) {
            throw new InvalidRequestException(ctx, "visibility timeout " + options.visibilityTimeout()
                    + " exceeds Azure's maximum of " + MAX_VISIBILITY);
        }
        Duration wait = options.waitTime().compareTo(MAX_WAIT) > 0 ? MAX_WAIT : options.waitTime();
        Duration visibility = ceilSeconds(options.visibilityTimeout());
        return call(ctx, () -> {
            long deadline = System.nanoTime() + wait.toNanos();
            long backoff = 100;
            while (true) {
                List<ReceivedMessage> out = new ArrayList<>();
                try {
                    for (QueueMessageItem item : q.receiveMessages(options.maxMessages(), visibility, null, Context.NONE)) {
                        out.add(received(item));
                    }
                } catch (QueueStorageException e) {
                    if (isQueueNotFound(e)) {
                        throw queueNotFound(ctx, e);
                    }
                    throw e;
                }
                long remaining = deadline - System.nanoTime();
                if (!out.isEmpty() || remaining <= 0) {
                    return out;
                }
                sleep(Math.min(backoff, Math.max(1, remaining / 1_000_000)));
                backoff = Math.min(backoff * 2, 1000);
            }
        });
    }

    /** Azure's Peek Messages: see {@link AzureQueues#peek}. */
    List<AzureQueues.PeekedMessage> peek(String name, int max) {
        ErrorContext ctx = ctx("queue.peek", name);
        QueueClient q = queue(name, ctx);
        if (max < 1 || max > AzureQueues.MAX_PEEK) {
            throw new InvalidRequestException(ctx, "peek of " + max + " messages: Azure peeks 1 to "
                    + AzureQueues.MAX_PEEK + " at a time");
        }
        return call(ctx, () -> {
            List<AzureQueues.PeekedMessage> out = new ArrayList<>();
            try {
                for (PeekedMessageItem item : q.peekMessages(max, null, Context.NONE)) {
                    QueueEnvelope.Decoded decoded = QueueEnvelope.decode(item.getBody() == null ? null
                            : item.getBody().toString());
                    out.add(new AzureQueues.PeekedMessage(item.getMessageId(), decoded.body(), decoded.attributes(),
                            item.getDequeueCount(), item.getInsertionTime() == null ? Instant.now()
                            : item.getInsertionTime().toInstant(), java.util.Optional.ofNullable(item.getExpirationTime())
                            .map(java.time.OffsetDateTime::toInstant)));
                }
            } catch (QueueStorageException e) {
                if (isQueueNotFound(e)) {
                    throw queueNotFound(ctx, e);
                }
                throw e;
            }
            return out;
        });
    }

    private static ReceivedMessage received(QueueMessageItem item) {
        QueueEnvelope.Decoded decoded = QueueEnvelope.decode(item.getBody() == null ? null : item.getBody().toString());
        Instant sentAt = item.getInsertionTime() == null ? Instant.now() : item.getInsertionTime().toInstant();
        return new ReceivedMessage(item.getMessageId(), decoded.body(), decoded.attributes(),
                item.getMessageId() + " " + item.getPopReceipt(), (int) Math.max(1, item.getDequeueCount()), sentAt);
    }

    /** The message id and the current pop receipt of a receipt. */
    private String[] parse(String receipt, ErrorContext ctx) {
        Objects.requireNonNull(receipt, "receipt");
        int space = receipt.indexOf(' ');
        if (space <= 0 || space == receipt.length() - 1) {
            throw new InvalidRequestException(ctx, "'" + receipt + "' is not a receipt of this provider");
        }
        String current = receiptAliases.getIfPresent(receipt);
        return new String[] {receipt.substring(0, space), current != null ? current : receipt.substring(space + 1)};
    }

    @Override
    public void ack(String name, String receipt) {
        ErrorContext ctx = ctx("queue.ack", name);
        QueueClient q = queue(name, ctx);
        String[] parts = parse(receipt, ctx);
        call(ctx, () -> {
            try {
                q.deleteMessage(parts[0], parts[1]);
            } catch (QueueStorageException e) {
                String code = AzureErrors.code(e);
                if (isQueueNotFound(e)) {
                    throw queueNotFound(ctx, e);
                }
                if (e.getStatusCode() == 404) {
                    return null; // already deleted: ack is idempotent
                }
                if ("PopReceiptMismatch".equals(code)) {
                    throw new ConflictException(ctx, "receipt of message " + parts[0] + " is no longer current: the "
                            + "message was delivered again after its visibility timeout; it was not deleted", e);
                }
                throw e;
            }
            receiptAliases.invalidate(receipt);
            return null;
        });
    }

    @Override
    public void extendVisibility(String name, String receipt, Duration visibility) {
        ErrorContext ctx = ctx("queue.extend", name);
        QueueClient q = queue(name, ctx);
        Objects.requireNonNull(visibility, "visibility");
        if (visibility.isNegative() || visibility.compareTo(MAX_VISIBILITY) > 0) {
            throw new InvalidRequestException(ctx, "visibility " + visibility + " is outside 0 s to " + MAX_VISIBILITY);
        }
        String[] parts = parse(receipt, ctx);
        call(ctx, () -> {
            try {
                UpdateMessageResult result = q.updateMessage(parts[0], parts[1], null, ceilSeconds(visibility));
                receiptAliases.put(receipt, result.getPopReceipt());
            } catch (QueueStorageException e) {
                if (isQueueNotFound(e)) {
                    throw queueNotFound(ctx, e);
                }
                if (e.getStatusCode() == 404 || "PopReceiptMismatch".equals(AzureErrors.code(e))) {
                    throw new ConflictException(ctx, "receipt of message " + parts[0] + " is no longer current (the "
                            + "message was deleted or delivered again)", e);
                }
                throw e;
            }
            return null;
        });
    }

    @Override
    public long approximateDepth(String name) {
        ErrorContext ctx = ctx("queue.depth", name);
        QueueClient q = queue(name, ctx);
        return call(ctx, () -> {
            try {
                return q.getProperties().getApproximateMessagesCountLong();
            } catch (QueueStorageException e) {
                if (isQueueNotFound(e) || e.getStatusCode() == 404) {
                    throw queueNotFound(ctx, e);
                }
                throw e;
            }
        });
    }

    private static Duration ceilSeconds(Duration d) {
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(seconds, 0));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "AzureQueueService[" + site + "]";
    }
}
