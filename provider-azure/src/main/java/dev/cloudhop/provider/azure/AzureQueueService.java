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
import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueLimits;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *   <li>Dead-letter queues are built here, as Storage Queues have none: the policy is queue metadata
 *       ({@value #POLICY_TARGET}, {@value #POLICY_MAX}), read once per {@link #POLICY_CACHE}. A receive that
 *       gets a message whose dequeue count says it had all its deliveries sends it to the dead-letter queue
 *       under a dedup key derived from its id ({@link DeadLetterPolicy#moveKey}), then deletes it with its pop
 *       receipt. If another consumer got the message meanwhile, that delete fails and the other consumer's
 *       move is a duplicate of the key: the message arrives once and is never lost. The producer's dedup key
 *       travels in the envelope as the hidden attribute {@value #DEDUP_KEY_ATTRIBUTE}.</li>
 * </ul>
 * Thread-safe.
 */
final class AzureQueueService implements QueueService {

    static final Duration MAX_VISIBILITY = Duration.ofDays(7);
    static final Duration MAX_DELAY = Duration.ofDays(7).minusSeconds(1);
    static final Duration MAX_WAIT = Duration.ofSeconds(20);

    /** The envelope attribute carrying the producer's dedup key, hidden from receivers' attributes. */
    static final String DEDUP_KEY_ATTRIBUTE = "cloudhop.dedup-key";
    /** Queue metadata naming the dead-letter queue (Azure metadata names are C# identifiers). */
    static final String POLICY_TARGET = "cloudhopdeadlettertarget";
    /** Queue metadata holding the maximum deliveries. */
    static final String POLICY_MAX = "cloudhopdeadlettermax";
    /** How long a queue's dead-letter policy is used before it is read again. */
    static final Duration POLICY_CACHE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(AzureQueueService.class);

    private final SiteInfo site;
    private final NamingRules rules;
    private final Function<ErrorContext, QueueServiceClient> service;
    private final DedupLedger dedup;
    private final QueueLimits limits;
    /** Receipt handed out -> current pop receipt, after extendVisibility renewed it. */
    private final Cache<String, String> receiptAliases = CacheBuilder.newBuilder()
            .expireAfterWrite(MAX_VISIBILITY).maximumSize(100_000).build();
    private final Cache<String, Optional<DeadLetterPolicy>> policies = CacheBuilder.newBuilder()
            .expireAfterWrite(POLICY_CACHE).maximumSize(10_000).build();

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
        return create(queue(name, ctx), null, ctx);
    }

    @Override
    public boolean createQueue(String name, DeadLetterPolicy policy) {
        ErrorContext ctx = ctx("queue.create", name);
        QueueClient q = queue(name, ctx);
        Objects.requireNonNull(policy, "policy");
        QueueClient target = queue(policy.targetQueue(), ctx);
        policy.checkFor(name, ctx);
        call(ctx, () -> {
            try {
                return target.getProperties();
            } catch (QueueStorageException e) {
                if (e.getStatusCode() == 404) {
                    throw new NotFoundException(ctx, "dead-letter queue '" + policy.targetQueue() + "' does not exist", e);
                }
                throw e;
            }
        });
        boolean created = create(q, Map.of(POLICY_TARGET, policy.targetQueue(),
                POLICY_MAX, String.valueOf(policy.maxDeliveries())), ctx);
        policies.invalidate(name);
        return created;
    }

    @Override
    public Optional<DeadLetterPolicy> deadLetterPolicy(String name) {
        ErrorContext ctx = ctx("queue.policy", name);
        QueueClient q = queue(name, ctx);
        Optional<DeadLetterPolicy> policy = call(ctx, () -> {
            try {
                return policy(q.getProperties().getMetadata());
            } catch (QueueStorageException e) {
                if (e.getStatusCode() == 404) {
                    throw queueNotFound(ctx, e);
                }
                throw e;
            }
        });
        policies.put(name, policy);
        return policy;
    }

    private static Optional<DeadLetterPolicy> policy(Map<String, String> metadata) {
        String target = metadata == null ? null : metadata.get(POLICY_TARGET);
        String max = metadata == null ? null : metadata.get(POLICY_MAX);
        if (target == null || max == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DeadLetterPolicy(target, Integer.parseInt(max)));
        } catch (IllegalArgumentException e) {
            LOG.warn("queue metadata names an invalid dead-letter policy ({} {}, {} {}); it is ignored", POLICY_TARGET,
                    target, POLICY_MAX, max);
            return Optional.empty();
        }
    }

    /** The cached policy of a queue, reading it on a miss. */
    private Optional<DeadLetterPolicy> cachedPolicy(String name) {
        try {
            return policies.get(name, () -> deadLetterPolicy(name));
        } catch (ExecutionException | com.google.common.util.concurrent.UncheckedExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public int redrive(String deadLetterQueue, String targetQueue, int maxMessages) {
        ErrorContext ctx = ctx("queue.redrive", targetQueue);
        queue(deadLetterQueue, ctx);
        queue(targetQueue, ctx);
        return QueueService.redrive(this, deadLetterQueue, maxMessages,
                m -> sendWith(targetQueue, QueueService.redriven(deadLetterQueue, m), m.dedupKey(), ctx));
    }

    /** Creates a queue with this metadata (or none); false if it existed. */
    private static boolean create(QueueClient q, Map<String, String> metadata, ErrorContext ctx) {
        // 201: created; 204: it existed with the same metadata; 409: it existed with other metadata
        return call(ctx, () -> {
            try {
                return q.createWithResponse(metadata, null, Context.NONE).getStatusCode() == 201;
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
            policies.invalidate(name);
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
        if (message.attributes().containsKey(DEDUP_KEY_ATTRIBUTE)) {
            throw new InvalidRequestException(ctx, "attribute name '" + DEDUP_KEY_ATTRIBUTE + "' is reserved");
        }
        return sendWith(name, message, message.dedupKey(), ctx);
    }

    /**
     * Sends {@code message}, de-duplicated by its dedup key, carrying {@code carriedKey} as the dedup key
     * receivers see: the two differ when a message is dead-lettered or redriven.
     */
    private String sendWith(String name, OutgoingMessage message, Optional<String> carriedKey, ErrorContext ctx) {
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
        Map<String, String> attributes = new HashMap<>(message.attributes());
        carriedKey.ifPresent(k -> attributes.put(DEDUP_KEY_ATTRIBUTE, k));
        String text = QueueEnvelope.text(QueueEnvelope.envelope(message.body(), attributes));
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
        Optional<DeadLetterPolicy> policy;
        try {
            policy = cachedPolicy(name);
        } catch (NotFoundException e) {
            throw queueNotFound(ctx, e);
        }
        return call(ctx, () -> {
            long deadline = System.nanoTime() + wait.toNanos();
            long backoff = 100;
            while (true) {
                List<ReceivedMessage> out = new ArrayList<>();
                try {
                    for (QueueMessageItem item : q.receiveMessages(options.maxMessages(), visibility, null, Context.NONE)) {
                        ReceivedMessage m = received(item);
                        if (policy.isPresent() && policy.get().exhausted(m.deliveryCount() - 1)) {
                            deadLetter(q, name, policy.get(), m, item.getPopReceipt());
                        } else {
                            out.add(m);
                        }
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

    /**
     * Moves a message that had all its deliveries: sends it to the dead-letter queue under its move key, then
     * deletes it with this delivery's pop receipt. A failed delete means another consumer received it since;
     * its move is then a duplicate of the same key.
     */
    private void deadLetter(QueueClient q, String name, DeadLetterPolicy policy, ReceivedMessage m, String popReceipt) {
        int delivered = m.deliveryCount() - 1;
        OutgoingMessage moved = new OutgoingMessage(m.body(), m.attributes(),
                Optional.of(DeadLetterPolicy.moveKey(name, m.messageId())), Duration.ZERO)
                .withAttribute(DeadLetterPolicy.REASON_ATTRIBUTE, policy.reason(delivered))
                .withAttribute(DeadLetterPolicy.SOURCE_ATTRIBUTE, name);
        sendWith(policy.targetQueue(), moved, m.dedupKey(), ctx("queue.dead-letter", policy.targetQueue()));
        try {
            q.deleteMessage(m.messageId(), popReceipt);
        } catch (QueueStorageException e) {
            if (e.getStatusCode() != 404 && !"PopReceiptMismatch".equals(AzureErrors.code(e))) {
                throw e;
            }
            LOG.debug("site {} queue.dead-letter {}: message {} was taken by another consumer while it was moved ({})",
                    site.id(), name, m.messageId(), AzureErrors.code(e));
        }
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
                    Map<String, String> attributes = new HashMap<>(decoded.attributes());
                    attributes.remove(DEDUP_KEY_ATTRIBUTE);
                    out.add(new AzureQueues.PeekedMessage(item.getMessageId(), decoded.body(), attributes,
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
        Map<String, String> attributes = new HashMap<>(decoded.attributes());
        Optional<String> dedupKey = Optional.ofNullable(attributes.remove(DEDUP_KEY_ATTRIBUTE));
        return new ReceivedMessage(item.getMessageId(), decoded.body(), attributes,
                item.getMessageId() + " " + item.getPopReceipt(), (int) Math.max(1, item.getDequeueCount()), sentAt,
                dedupKey);
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
