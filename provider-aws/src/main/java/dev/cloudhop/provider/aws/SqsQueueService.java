package dev.cloudhop.provider.aws;

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
import dev.cloudhop.jclouds.LazyContext;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * {@link QueueService} over Amazon SQS (AWS SDK v2), standard and FIFO queues (names ending in
 * {@code .fifo}).
 *
 * <ul>
 *   <li>Bodies that are text SQS accepts go as they are; any other bytes go Base64-encoded, marked by the
 *       attribute {@value #ENCODING_ATTRIBUTE} (hidden from receivers), so binary bodies round-trip.</li>
 *   <li>Dedup keys: on FIFO queues they become the {@code MessageDeduplicationId} (SQS remembers it for 5
 *       minutes, across every sender). Standard queues have no such thing: this service remembers the keys
 *       it sent for {@code queue.dedup-window} in memory, so a repeated send <em>from this process</em> is
 *       not delivered again; sends from other processes are not de-duplicated.</li>
 *   <li>Receipts: SQS accepts, and the emulators act on, a receipt handle superseded by a later delivery.
 *       This service remembers the latest handle it received for each message, so a superseded receipt
 *       from this process never deletes the redelivered message (ack ignores it, as SQS documents) and
 *       never extends it ({@link ConflictException}).</li>
 *   <li>Depth is ApproximateNumberOfMessages + NotVisible + Delayed.</li>
 *   <li>Dead-letter queues are SQS redrive policies ({@code RedrivePolicy}: {@code deadLetterTargetArn},
 *       {@code maxReceiveCount}); SQS moves the message itself, with its attributes. The reason and source
 *       attributes are added on receive from the message's {@code DeadLetterQueueSourceArn} and that queue's
 *       policy, where the service reports the source (SQS and LocalStack do, moto does not). A message's dedup
 *       key travels in the hidden attribute {@value #DEDUP_KEY_ATTRIBUTE}, so it survives the move. Redrive
 *       is receive, send, delete: a message is sent before it is deleted from the dead-letter queue.</li>
 * </ul>
 * Thread-safe; the SDK clients are built on first use.
 */
final class SqsQueueService implements QueueService, AutoCloseable {

    /** The attribute marking a Base64-encoded body. */
    static final String ENCODING_ATTRIBUTE = "cloudhop.body-encoding";

    /** The attribute carrying the producer's dedup key, hidden from receivers' attributes. */
    static final String DEDUP_KEY_ATTRIBUTE = "cloudhop.dedup-key";

    private static final Pattern TARGET_ARN = Pattern.compile("\"deadLetterTargetArn\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern MAX_RECEIVES = Pattern.compile("\"maxReceiveCount\"\\s*:\\s*\"?(\\d+)");

    private static final Duration MAX_DELAY = Duration.ofMinutes(15);
    private static final Duration MAX_VISIBILITY = Duration.ofHours(12);
    private static final Duration MAX_WAIT = Duration.ofSeconds(20);
    private static final int MAX_REMEMBERED = 10_000;
    private static final int LOCK_STRIPES = 64;

    private static final Logger LOG = LoggerFactory.getLogger(SqsQueueService.class);

    private final SiteInfo site;
    private final NamingRules rules;
    private final QueueLimits limits;
    private final String fifoGroup;
    private final LazyContext<ClientHolder> client;
    private final LazyContext<ClientHolder> longPollClient;
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final Map<String, Remembered> dedupKeys = boundedMap();
    private final Map<String, String> latestReceipts = boundedMap();
    /** Dead-letter policies by source queue name, read once, for the reason of moved messages. */
    private final Map<String, Optional<DeadLetterPolicy>> policies = new ConcurrentHashMap<>();
    private final ReentrantLock[] sendLocks = new ReentrantLock[LOCK_STRIPES];

    private record Remembered(String messageId, long expiresAtNanos) {
    }

    /** An SqsClient as a Closeable, for {@link LazyContext}. */
    private record ClientHolder(SqsClient sqs) implements Closeable {
        @Override
        public void close() {
            sqs.close();
        }
    }

    /**
     * @param client         builds the client for ordinary calls
     * @param longPollClient builds a client whose read timeout allows a 20 s long poll
     */
    SqsQueueService(SiteInfo site, NamingRules rules, int maxMessageBytes, Duration dedupWindow, String fifoGroup,
                    Supplier<SqsClient> client, Supplier<SqsClient> longPollClient) {
        this.site = Objects.requireNonNull(site, "site");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.limits = new QueueLimits(maxMessageBytes, MAX_DELAY, MAX_VISIBILITY, MAX_WAIT, dedupWindow);
        this.fifoGroup = Objects.requireNonNull(fifoGroup, "fifoGroup");
        this.client = new LazyContext<>(() -> new ClientHolder(client.get()));
        this.longPollClient = new LazyContext<>(() -> new ClientHolder(longPollClient.get()));
        for (int i = 0; i < LOCK_STRIPES; i++) {
            sendLocks[i] = new ReentrantLock();
        }
    }

    private static <V> Map<String, V> boundedMap() {
        return java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_REMEMBERED;
            }
        });
    }

    /** The SDK client: the escape hatch to what the portable API does not cover. */
    SqsClient sqs() {
        return client.get().sqs();
    }

    @Override
    public QueueLimits limits() {
        return limits;
    }

    private ErrorContext ctx(String operation, String queue) {
        return ErrorContext.of(site, operation, queue);
    }

    private void checkName(String queue, ErrorContext ctx) {
        Objects.requireNonNull(queue, "queue");
        List<String> violations = rules.violations(NameKind.QUEUE, queue);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(ctx, "queue name '" + queue + "' is invalid for provider "
                    + rules.provider() + ": " + String.join("; ", violations));
        }
    }

    private static boolean isFifo(String queue) {
        return queue.endsWith(".fifo");
    }

    /** The queue's URL, looked up once; {@link NotFoundException} naming the queue if it does not exist. */
    private String url(String queue, ErrorContext ctx) {
        String cached = urls.get(queue);
        if (cached != null) {
            return cached;
        }
        try {
            String url = sqs().getQueueUrl(b -> b.queueName(queue)).queueUrl();
            urls.put(queue, url);
            return url;
        } catch (QueueDoesNotExistException e) {
            throw missing(queue, ctx, e);
        } catch (AwsServiceException e) {
            if (AwsErrors.translate(e, ctx) instanceof NotFoundException) {
                throw missing(queue, ctx, e);
            }
            throw e;
        }
    }

    private static NotFoundException missing(String queue, ErrorContext ctx, Throwable cause) {
        return new NotFoundException(ctx, "queue '" + queue + "' does not exist", cause);
    }

    /** Runs a call on a queue's URL; a vanished queue forgets its URL and is {@link NotFoundException}. */
    private <T> T onQueue(String queue, ErrorContext ctx, java.util.function.Function<String, T> call) {
        return AwsErrors.call(ctx, () -> {
            String url = url(queue, ctx);
            try {
                return call.apply(url);
            } catch (AwsServiceException e) {
                if (AwsErrors.translate(e, ctx) instanceof NotFoundException) {
                    urls.remove(queue);
                    throw missing(queue, ctx, e);
                }
                throw e;
            }
        });
    }

    @Override
    public boolean createQueue(String queue) {
        ErrorContext ctx = ctx("queue.create", queue);
        checkName(queue, ctx);
        return create(queue, new HashMap<>(), ctx);
    }

    @Override
    public boolean createQueue(String queue, DeadLetterPolicy policy) {
        ErrorContext ctx = ctx("queue.create", queue);
        checkName(queue, ctx);
        Objects.requireNonNull(policy, "policy");
        checkName(policy.targetQueue(), ctx);
        policy.checkFor(queue, ctx);
        if (isFifo(queue) != isFifo(policy.targetQueue())) {
            throw new InvalidRequestException(ctx, "SQS requires the dead-letter queue of a " + (isFifo(queue) ? "FIFO"
                    : "standard") + " queue to be one too; '" + policy.targetQueue() + "' is not");
        }
        String arn = AwsErrors.call(ctx, () -> {
            if (!exists(policy.targetQueue())) {
                throw new NotFoundException(ctx, "dead-letter queue '" + policy.targetQueue() + "' does not exist");
            }
            return sqs().getQueueAttributes(b -> b.queueUrl(urls.get(policy.targetQueue()))
                    .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        });
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        attributes.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn
                + "\",\"maxReceiveCount\":\"" + policy.maxDeliveries() + "\"}");
        boolean created = create(queue, attributes, ctx);
        policies.remove(queue);
        return created;
    }

    @Override
    public Optional<DeadLetterPolicy> deadLetterPolicy(String queue) {
        ErrorContext ctx = ctx("queue.policy", queue);
        checkName(queue, ctx);
        String redrive = onQueue(queue, ctx, url -> sqs().getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes().get(QueueAttributeName.REDRIVE_POLICY));
        Optional<DeadLetterPolicy> policy = parseRedrivePolicy(redrive);
        policies.put(queue, policy);
        return policy;
    }

    /** A RedrivePolicy attribute as a policy; empty for none. */
    static Optional<DeadLetterPolicy> parseRedrivePolicy(String redrive) {
        if (redrive == null || redrive.isBlank()) {
            return Optional.empty();
        }
        Matcher arn = TARGET_ARN.matcher(redrive);
        Matcher max = MAX_RECEIVES.matcher(redrive);
        if (!arn.find() || !max.find()) {
            return Optional.empty();
        }
        return Optional.of(new DeadLetterPolicy(queueName(arn.group(1)), Integer.parseInt(max.group(1))));
    }

    /** The queue name of an SQS queue ARN ({@code arn:aws:sqs:region:account:name}). */
    private static String queueName(String arn) {
        return arn.substring(arn.lastIndexOf(':') + 1);
    }

    @Override
    public int redrive(String deadLetterQueue, String targetQueue, int maxMessages) {
        ErrorContext ctx = ctx("queue.redrive", targetQueue);
        checkName(deadLetterQueue, ctx);
        checkName(targetQueue, ctx);
        boolean fifo = isFifo(targetQueue);
        return QueueService.redrive(this, deadLetterQueue, maxMessages, m -> onQueue(targetQueue, ctx,
                url -> sendNow(url, targetQueue, QueueService.redriven(deadLetterQueue, m), fifo, m.dedupKey())));
    }

    private boolean create(String queue, Map<QueueAttributeName, String> attributes, ErrorContext ctx) {
        return AwsErrors.call(ctx, () -> {
            if (exists(queue)) {
                return false;
            }
            if (isFifo(queue)) {
                attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            }
            try {
                urls.put(queue, sqs().createQueue(b -> b.queueName(queue).attributes(attributes)).queueUrl());
                return true;
            } catch (AwsServiceException e) {
                String code = AwsErrors.code(e);
                if (code.contains("queuealreadyexists") || code.contains("queuenameexists")) {
                    return false;
                }
                throw e;
            }
        });
    }

    private boolean exists(String queue) {
        try {
            urls.put(queue, sqs().getQueueUrl(b -> b.queueName(queue)).queueUrl());
            return true;
        } catch (QueueDoesNotExistException e) {
            urls.remove(queue);
            return false;
        } catch (AwsServiceException e) {
            if (AwsErrors.translate(e, ErrorContext.of(site, "queue.exists", queue)) instanceof NotFoundException) {
                urls.remove(queue);
                return false;
            }
            throw e;
        }
    }

    @Override
    public boolean deleteQueue(String queue) {
        ErrorContext ctx = ctx("queue.delete", queue);
        checkName(queue, ctx);
        return AwsErrors.call(ctx, () -> {
            if (!exists(queue)) {
                return false;
            }
            String url = urls.remove(queue);
            try {
                sqs().deleteQueue(b -> b.queueUrl(url));
            } catch (QueueDoesNotExistException e) {
                return false;
            }
            forgetQueue(queue);
            policies.remove(queue);
            return true;
        });
    }

    private void forgetQueue(String queue) {
        String prefix = queue + "\u0000";
        synchronized (dedupKeys) {
            dedupKeys.keySet().removeIf(k -> k.startsWith(prefix));
        }
        synchronized (latestReceipts) {
            latestReceipts.keySet().removeIf(k -> k.startsWith(prefix));
        }
    }

    @Override
    public boolean queueExists(String queue) {
        ErrorContext ctx = ctx("queue.exists", queue);
        checkName(queue, ctx);
        return AwsErrors.call(ctx, () -> exists(queue));
    }

    @Override
    public Stream<String> listQueues() {
        ErrorContext ctx = ctx("queue.list", "");
        return AwsErrors.call(ctx, () -> {
            List<String> names = new ArrayList<>();
            sqs().listQueuesPaginator(b -> b.maxResults(1000)).queueUrls()
                    .forEach(url -> names.add(url.substring(url.lastIndexOf('/') + 1)));
            return names;
        }).stream();
    }

    @Override
    public String send(String queue, OutgoingMessage message) {
        ErrorContext ctx = ctx("queue.send", queue);
        checkName(queue, ctx);
        Objects.requireNonNull(message, "message");
        long size = message.sizeInBytes();
        if (size > limits.maxMessageBytes()) {
            throw new InvalidRequestException(ctx, "message of " + size + " bytes (body plus attributes) exceeds the "
                    + "limit of " + limits.maxMessageBytes() + " bytes");
        }
        for (String reserved : List.of(ENCODING_ATTRIBUTE, DEDUP_KEY_ATTRIBUTE)) {
            if (message.attributes().containsKey(reserved)) {
                throw new InvalidRequestException(ctx, "attribute name '" + reserved + "' is reserved");
            }
        }
        if (message.delay().compareTo(MAX_DELAY) > 0) {
            throw new InvalidRequestException(ctx, "delay " + message.delay() + " exceeds the SQS limit of " + MAX_DELAY);
        }
        boolean fifo = isFifo(queue);
        if (fifo && !message.delay().isZero()) {
            throw new InvalidRequestException(ctx, "FIFO queue '" + queue + "' takes no per-message delay "
                    + "(SQS sets delays per FIFO queue)");
        }
        if (fifo || message.dedupKey().isEmpty()) {
            return onQueue(queue, ctx, url -> sendNow(url, queue, message, fifo, message.dedupKey()));
        }
        // standard queue with a dedup key: remembered in this process for the dedup window
        String key = queue + "\u0000" + message.dedupKey().get();
        ReentrantLock lock = sendLocks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            Remembered known = dedupKeys.get(key);
            if (known != null && known.expiresAtNanos() - System.nanoTime() > 0) {
                return known.messageId();
            }
            String id = onQueue(queue, ctx, url -> sendNow(url, queue, message, false, message.dedupKey()));
            dedupKeys.put(key, new Remembered(id, System.nanoTime() + limits.dedupWindow().toNanos()));
            return id;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends one message; {@code carriedKey} is the dedup key receivers see, which differs from the message's
     * own (the FIFO deduplication id) when a message is redriven.
     */
    private String sendNow(String url, String queue, OutgoingMessage message, boolean fifo,
                           Optional<String> carriedKey) {
        byte[] body = message.body();
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        message.attributes().forEach((k, v) -> attributes.put(k, stringAttribute(v)));
        carriedKey.ifPresent(k -> attributes.put(DEDUP_KEY_ATTRIBUTE, stringAttribute(k)));
        String text = sqsText(body);
        if (body.length == 0) {
            text = "-"; // SQS refuses empty bodies
            attributes.put(ENCODING_ATTRIBUTE, stringAttribute("empty"));
        } else if (text == null) {
            text = Base64.getEncoder().encodeToString(body);
            attributes.put(ENCODING_ATTRIBUTE, stringAttribute("base64"));
        }
        SendMessageRequest.Builder request = SendMessageRequest.builder()
                .queueUrl(url)
                .messageBody(text)
                .messageAttributes(attributes);
        if (fifo) {
            request.messageGroupId(fifoGroup)
                    .messageDeduplicationId(message.dedupKey().map(SqsQueueService::deduplicationId)
                            .orElseGet(() -> java.util.UUID.randomUUID().toString()));
        } else if (!message.delay().isZero()) {
            request.delaySeconds(Math.toIntExact(ceilSeconds(message.delay())));
        }
        return sqs().sendMessage(request.build()).messageId();
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    /**
     * The body as text SQS accepts (valid UTF-8 of the characters #x9, #xA, #xD, #x20-#xD7FF,
     * #xE000-#xFFFD, #x10000-#x10FFFF), or null when it must be encoded.
     */
    static String sqsText(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        boolean ok = text.codePoints().allMatch(c -> c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF));
        return ok ? text : null;
    }

    /** SQS deduplication ids are 1 to 128 printable ASCII characters; other keys are hashed to fit. */
    static String deduplicationId(String key) {
        if (key.length() <= 128 && key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            return key;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long ceilSeconds(Duration d) {
        long seconds = d.getSeconds();
        return d.getNano() > 0 ? seconds + 1 : seconds;
    }

    @Override
    public List<ReceivedMessage> receive(String queue, ReceiveOptions options) {
        ErrorContext ctx = ctx("queue.receive", queue);
        checkName(queue, ctx);
        Objects.requireNonNull(options, "options");
        if (options.waitTime().compareTo(MAX_WAIT) > 0) {
            throw new InvalidRequestException(ctx, "wait time " + options.waitTime() + " exceeds the SQS limit of "
                    + MAX_WAIT);
        }
        if (options.visibilityTimeout().compareTo(MAX_VISIBILITY) > 0) {
            throw new InvalidRequestException(ctx, "visibility timeout " + options.visibilityTimeout()
                    + " exceeds the SQS limit of " + MAX_VISIBILITY);
        }
        int wait = Math.toIntExact(ceilSeconds(options.waitTime()));
        int visibility = Math.toIntExact(Math.max(1, ceilSeconds(options.visibilityTimeout())));
        SqsClient sqs = wait > 0 ? longPollClient.get().sqs() : sqs();
        ReceiveMessageResponse response = onQueue(queue, ctx, url -> sqs.receiveMessage(b -> b.queueUrl(url)
                .maxNumberOfMessages(options.maxMessages())
                .visibilityTimeout(visibility)
                .waitTimeSeconds(wait)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                        MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN)
                .messageAttributeNames("All")));
        List<ReceivedMessage> out = new ArrayList<>(response.messages().size());
        for (Message m : response.messages()) {
            out.add(received(queue, m));
        }
        return out;
    }

    private ReceivedMessage received(String queue, Message m) {
        Map<String, String> attributes = new HashMap<>();
        String encoding = "";
        Optional<String> dedupKey = Optional.empty();
        for (Map.Entry<String, MessageAttributeValue> e : m.messageAttributes().entrySet()) {
            if (e.getKey().equals(ENCODING_ATTRIBUTE)) {
                encoding = String.valueOf(e.getValue().stringValue());
            } else if (e.getKey().equals(DEDUP_KEY_ATTRIBUTE)) {
                dedupKey = Optional.ofNullable(e.getValue().stringValue());
            } else if (e.getValue().stringValue() != null) {
                attributes.put(e.getKey(), e.getValue().stringValue());
            }
        }
        byte[] body = switch (encoding) {
            case "base64" -> Base64.getDecoder().decode(m.body());
            case "empty" -> new byte[0];
            default -> m.body().getBytes(StandardCharsets.UTF_8);
        };
        Map<MessageSystemAttributeName, String> system = m.attributes();
        int count = parseInt(system.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT), 1);
        String sent = system.get(MessageSystemAttributeName.SENT_TIMESTAMP);
        Instant sentAt = sent == null ? Instant.now() : Instant.ofEpochMilli(Long.parseLong(sent));
        String sourceArn = system.get(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN);
        if (sourceArn != null && !attributes.containsKey(DeadLetterPolicy.REASON_ATTRIBUTE)) {
            String source = queueName(sourceArn);
            attributes.put(DeadLetterPolicy.SOURCE_ATTRIBUTE, source);
            sourcePolicy(source).ifPresent(p -> attributes.put(DeadLetterPolicy.REASON_ATTRIBUTE,
                    p.reason(p.maxDeliveries())));
        }
        latestReceipts.put(queue + "\u0000" + m.messageId(), m.receiptHandle());
        return new ReceivedMessage(m.messageId(), body, attributes, m.messageId() + " " + m.receiptHandle(),
                Math.max(1, count), sentAt, dedupKey);
    }

    /**
     * The policy of the queue a dead-lettered message came from, read once; SQS moves a message on the receive
     * after its maxReceiveCount-th, so it was delivered exactly that often.
     */
    private Optional<DeadLetterPolicy> sourcePolicy(String source) {
        Optional<DeadLetterPolicy> known = policies.get(source);
        if (known != null) {
            return known;
        }
        try {
            return deadLetterPolicy(source);
        } catch (RuntimeException e) {
            LOG.debug("site {}: the policy of dead-letter source queue {} is unreadable: {}", site.id(), source,
                    e.toString());
            return Optional.empty();
        }
    }

    private static int parseInt(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The message id and the SQS receipt handle a receipt of ours carries. */
    private record Receipt(String messageId, String handle) {
        static Receipt parse(String receipt, ErrorContext ctx) {
            Objects.requireNonNull(receipt, "receipt");
            int space = receipt.indexOf(' ');
            if (space <= 0 || space == receipt.length() - 1) {
                throw new InvalidRequestException(ctx, "not a receipt of this provider (expected '<message id> "
                        + "<receipt handle>')");
            }
            return new Receipt(receipt.substring(0, space), receipt.substring(space + 1));
        }
    }

    /** Whether this process has since received the message again, under a newer handle. */
    private boolean superseded(String queue, Receipt receipt) {
        String latest = latestReceipts.get(queue + "\u0000" + receipt.messageId());
        return latest != null && !latest.equals(receipt.handle());
    }

    @Override
    public void ack(String queue, String receipt) {
        ErrorContext ctx = ctx("queue.ack", queue);
        checkName(queue, ctx);
        Receipt r = Receipt.parse(receipt, ctx);
        if (superseded(queue, r)) {
            return; // as SQS documents: the call succeeds, the redelivered message stays
        }
        onQueue(queue, ctx, url -> {
            try {
                sqs().deleteMessage(b -> b.queueUrl(url).receiptHandle(r.handle()));
            } catch (AwsServiceException e) {
                String code = AwsErrors.code(e);
                if (!code.contains("receipthandleisinvalid") && !code.contains("invalidparametervalue")) {
                    throw e;
                }
                // already deleted: ack is idempotent
                LOG.debug("site {} {} {}: message {} already deleted ({})", site.id(), ctx.operation(), queue,
                        r.messageId(), code);
            }
            return null;
        });
        latestReceipts.remove(queue + "\u0000" + r.messageId());
    }

    @Override
    public void extendVisibility(String queue, String receipt, Duration visibility) {
        ErrorContext ctx = ctx("queue.extend", queue);
        checkName(queue, ctx);
        Objects.requireNonNull(visibility, "visibility");
        if (visibility.isNegative() || visibility.compareTo(MAX_VISIBILITY) > 0) {
            throw new InvalidRequestException(ctx, "visibility " + visibility + " must be 0 to " + MAX_VISIBILITY);
        }
        Receipt r = Receipt.parse(receipt, ctx);
        if (superseded(queue, r)) {
            throw new ConflictException(ctx, "receipt of message " + r.messageId()
                    + " was superseded by a later delivery");
        }
        onQueue(queue, ctx, url -> {
            try {
                sqs().changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(r.handle())
                        .visibilityTimeout(Math.toIntExact(ceilSeconds(visibility))));
            } catch (AwsServiceException e) {
                String code = AwsErrors.code(e);
                if (code.contains("receipthandleisinvalid") || code.contains("messagenotinflight")
                        || code.contains("invalidparametervalue")) {
                    throw new ConflictException(ctx, "receipt of message " + r.messageId() + " is no longer current", e);
                }
                throw e;
            }
            return null;
        });
    }

    @Override
    public long approximateDepth(String queue) {
        ErrorContext ctx = ctx("queue.depth", queue);
        checkName(queue, ctx);
        GetQueueAttributesResponse response = onQueue(queue, ctx, url -> sqs().getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)));
        Map<QueueAttributeName, String> a = response.attributes();
        return parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES), 0)
                + (long) parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE), 0)
                + parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED), 0);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            longPollClient.close();
        }
    }

    @Override
    public String toString() {
        return "SqsQueueService[" + site + "]";
    }
}
