package dev.cloudhop.provider.local;

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
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local provider's queues, held in memory with the semantics of SQS and Azure Storage Queues:
 * at-least-once delivery with visibility timeouts, per-delivery receipts, delayed delivery, dedup keys
 * and long polling.
 *
 * <p>Dead-letter queues are built here: a receive that finds a visible message already delivered
 * {@link DeadLetterPolicy#maxDeliveries()} times takes it out of its queue under the queue's lock (so one
 * receiver alone moves it) and sends it to the dead-letter queue with a dedup key derived from its id; if that
 * send fails (the dead-letter queue was deleted), the message goes back, visible at once.
 *
 * <p>Every decision about time (visibility, delay, dedup window) uses the injected {@link Clock}, so tests
 * can move time forward without sleeping. Only the blocking of a long poll uses the real wall clock: a
 * waiting receiver wakes at once when a message is sent, a visibility is changed or the queue is deleted,
 * and in any case at least every {@value #RECHECK_MILLIS} ms to notice messages that became visible by the
 * passing of (injected) time.
 *
 * <p>Thread-safe: the set of queues is a concurrent map; each queue guards its state with its own lock.
 */
final class InMemoryQueueService implements QueueService {

    /** How often a long poll re-checks visibility at the latest, in milliseconds. */
    static final long RECHECK_MILLIS = 50;

    /**
     * A receipt: the message id (a lower-case UUID) and the delivery it belongs to. The delivery number is
     * the message's delivery count at the time of that delivery, so a later delivery supersedes it.
     */
    private static final Pattern RECEIPT = Pattern.compile(
            "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([1-9][0-9]{0,9})");

    private final SiteInfo site;
    private final NamingRules rules;
    private final Clock clock;
    private final QueueLimits limits;
    private final ConcurrentMap<String, QueueState> queues = new ConcurrentHashMap<>();

    InMemoryQueueService(SiteInfo site, NamingRules rules, Clock clock, QueueLimits limits) {
        this.site = Objects.requireNonNull(site, "site");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * The limits of SQS standard queues: 256 KiB per message, 15 min delay, 12 h visibility, 20 s long
     * poll, 5 min dedup window.
     */
    static QueueLimits defaultLimits() {
        return new QueueLimits(256 * 1024, Duration.ofMinutes(15), Duration.ofHours(12), Duration.ofSeconds(20),
                Duration.ofMinutes(5));
    }

    @Override
    public QueueLimits limits() {
        return limits;
    }

    // ---------------------------------------------------------------------------------------------
    // Queues

    @Override
    public boolean createQueue(String queue) {
        validateName("queue.create", queue);
        return queues.putIfAbsent(queue, new QueueState(null)) == null;
    }

    @Override
    public boolean createQueue(String queue, DeadLetterPolicy policy) {
        String op = "queue.create";
        validateName(op, queue);
        Objects.requireNonNull(policy, "policy");
        validateName(op, policy.targetQueue());
        policy.checkFor(queue, ctx(op, queue));
        if (!queues.containsKey(policy.targetQueue())) {
            throw new NotFoundException(ctx(op, queue), "dead-letter queue '" + policy.targetQueue()
                    + "' does not exist");
        }
        return queues.putIfAbsent(queue, new QueueState(policy)) == null;
    }

    @Override
    public Optional<DeadLetterPolicy> deadLetterPolicy(String queue) {
        String op = "queue.policy";
        validateName(op, queue);
        return Optional.ofNullable(existing(op, queue).policy);
    }

    @Override
    public int redrive(String deadLetterQueue, String targetQueue, int maxMessages) {
        String op = "queue.redrive";
        validateName(op, deadLetterQueue);
        validateName(op, targetQueue);
        existing(op, targetQueue);
        return QueueService.redrive(this, deadLetterQueue, maxMessages, m -> enqueue(op, targetQueue,
                QueueService.redriven(deadLetterQueue, m), m.dedupKey(), true));
    }

    @Override
    public boolean deleteQueue(String queue) {
        validateName("queue.delete", queue);
        QueueState state = queues.remove(queue);
        if (state == null) {
            return false;
        }
        state.lock.lock();
        try {
            state.deleted = true;
            state.byId.clear();
            state.byVisibility.clear();
            state.dedup.clear();
            state.changed.signalAll();
        } finally {
            state.lock.unlock();
        }
        return true;
    }

    @Override
    public boolean queueExists(String queue) {
        validateName("queue.exists", queue);
        return queues.containsKey(queue);
    }

    @Override
    public Stream<String> listQueues() {
        return new TreeSet<>(queues.keySet()).stream();
    }

    // ---------------------------------------------------------------------------------------------
    // Messages

    @Override
    public String send(String queue, OutgoingMessage message) {
        String op = "queue.send";
        validateName(op, queue);
        if (message == null) {
            throw invalid(op, queue, "message must not be null");
        }
        return enqueue(op, queue, message, message.dedupKey(), true);
    }

    /**
     * Sends {@code message}, de-duplicated by its dedup key, carrying {@code carriedKey} as the dedup key its
     * receivers see: the two differ when a message is dead-lettered or redriven.
     */
    private String enqueue(String op, String queue, OutgoingMessage message, Optional<String> carriedKey,
                           boolean checkSize) {
        long size = message.sizeInBytes();
        if (checkSize && size > limits.maxMessageBytes()) {
            throw invalid(op, queue, "message of " + size + " bytes exceeds the limit of " + limits.maxMessageBytes()
                    + " bytes for queue '" + queue + "'");
        }
        if (message.delay().compareTo(limits.maxDelay()) > 0) {
            throw invalid(op, queue, "delay of " + message.delay() + " exceeds the limit of " + limits.maxDelay()
                    + " for queue '" + queue + "'");
        }
        QueueState state = existing(op, queue);
        state.lock.lock();
        try {
            state.requireNotDeleted(op, queue);
            Instant now = clock.instant();
            Optional<String> key = message.dedupKey();
            if (key.isPresent()) {
                state.expireDedupKeys(now, limits.dedupWindow());
                DedupEntry seen = state.dedup.get(key.get());
                if (seen != null && now.isBefore(plus(seen.firstSeen(), limits.dedupWindow()))) {
                    return seen.messageId();
                }
            }
            Message m = new Message(UUID.randomUUID().toString(), message.body(), message.attributes(), carriedKey,
                    now, state.nextSeq++, plus(now, message.delay()));
            state.byId.put(m.id, m);
            state.byVisibility.add(m);
            if (key.isPresent()) {
                // Re-insert so that the insertion order of the dedup map stays the order of first sight.
                state.dedup.remove(key.get());
                state.dedup.put(key.get(), new DedupEntry(m.id, now));
            }
            state.changed.signalAll();
            return m.id;
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public List<ReceivedMessage> receive(String queue, ReceiveOptions options) {
        String op = "queue.receive";
        validateName(op, queue);
        if (options == null) {
            throw invalid(op, queue, "receive options must not be null");
        }
        if (options.visibilityTimeout().compareTo(limits.maxVisibility()) > 0) {
            throw invalid(op, queue, "visibility timeout of " + options.visibilityTimeout() + " exceeds the limit of "
                    + limits.maxVisibility() + " for queue '" + queue + "'");
        }
        if (options.waitTime().compareTo(limits.maxWait()) > 0) {
            throw invalid(op, queue, "wait time of " + options.waitTime() + " exceeds the limit of " + limits.maxWait()
                    + " for queue '" + queue + "'");
        }
        QueueState state = existing(op, queue);
        long waitNanos = saturatedNanos(options.waitTime());
        long deadline = System.nanoTime() + waitNanos;
        state.lock.lock();
        try {
            while (true) {
                state.requireNotDeleted(op, queue);
                List<Message> poison = new ArrayList<>();
                List<ReceivedMessage> delivered = state.deliver(clock.instant(), options, poison);
                if (!poison.isEmpty()) {
                    state.lock.unlock();
                    try {
                        deadLetter(queue, state, poison);
                    } finally {
                        state.lock.lock();
                    }
                }
                if (!delivered.isEmpty()) {
                    return delivered;
                }
                if (!poison.isEmpty()) {
                    continue; // more may be visible now
                }
                long remaining = waitNanos == 0 ? 0 : deadline - System.nanoTime();
                if (remaining <= 0) {
                    return List.of();
                }
                try {
                    state.changed.awaitNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(RECHECK_MILLIS)));
                } catch (InterruptedException e) {
                    // The caller wants to stop waiting: keep the flag and report nothing received.
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }
        } finally {
            state.lock.unlock();
        }
    }

    /**
     * Sends messages taken out of {@code queue} to its dead-letter queue; called without the queue's lock. A
     * message that cannot be sent goes back to {@code queue}, visible at once.
     */
    private void deadLetter(String queue, QueueState state, List<Message> poison) {
        DeadLetterPolicy policy = state.policy;
        for (Message m : poison) {
            int delivered = m.deliveryCount;
            OutgoingMessage moved = new OutgoingMessage(m.body, m.attributes,
                    Optional.of(DeadLetterPolicy.moveKey(queue, m.id)), Duration.ZERO)
                    .withAttribute(DeadLetterPolicy.REASON_ATTRIBUTE, policy.reason(delivered))
                    .withAttribute(DeadLetterPolicy.SOURCE_ATTRIBUTE, queue);
            try {
                enqueue("queue.dead-letter", policy.targetQueue(), moved, m.dedupKey, false);
            } catch (RuntimeException e) {
                state.lock.lock();
                try {
                    if (!state.deleted) {
                        m.visibleAt = clock.instant();
                        state.byId.put(m.id, m);
                        state.byVisibility.add(m);
                        state.changed.signalAll();
                    }
                } finally {
                    state.lock.unlock();
                }
                throw e;
            }
        }
    }

    @Override
    public void ack(String queue, String receipt) {
        String op = "queue.ack";
        validateName(op, queue);
        Receipt r = parseReceipt(op, queue, receipt);
        QueueState state = existing(op, queue);
        state.lock.lock();
        try {
            state.requireNotDeleted(op, queue);
            Message m = state.byId.get(r.messageId());
            if (m == null) {
                return; // already deleted: acknowledging again is a no-op
            }
            requireCurrent(op, queue, m, r, receipt);
            state.byId.remove(m.id);
            state.byVisibility.remove(m);
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public void extendVisibility(String queue, String receipt, Duration visibility) {
        String op = "queue.extend";
        validateName(op, queue);
        Receipt r = parseReceipt(op, queue, receipt);
        if (visibility == null) {
            throw invalid(op, queue, "visibility must not be null");
        }
        if (visibility.isNegative()) {
            throw invalid(op, queue, "visibility must not be negative, was " + visibility);
        }
        if (visibility.compareTo(limits.maxVisibility()) > 0) {
            throw invalid(op, queue, "visibility timeout of " + visibility + " exceeds the limit of "
                    + limits.maxVisibility() + " for queue '" + queue + "'");
        }
        QueueState state = existing(op, queue);
        state.lock.lock();
        try {
            state.requireNotDeleted(op, queue);
            Message m = state.byId.get(r.messageId());
            if (m == null) {
                throw new NotFoundException(ctx(op, queue), "message " + r.messageId() + " of receipt '" + receipt
                        + "' is no longer in queue '" + queue + "'");
            }
            requireCurrent(op, queue, m, r, receipt);
            state.byVisibility.remove(m);
            m.visibleAt = plus(clock.instant(), visibility);
            state.byVisibility.add(m);
            state.changed.signalAll(); // a zero visibility makes it receivable at once
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public long approximateDepth(String queue) {
        String op = "queue.depth";
        validateName(op, queue);
        QueueState state = existing(op, queue);
        state.lock.lock();
        try {
            state.requireNotDeleted(op, queue);
            return state.byId.size();
        } finally {
            state.lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private void validateName(String op, String queue) {
        Optional<String> violation = rules.firstViolation(NameKind.QUEUE, queue);
        if (violation.isPresent()) {
            throw new InvalidRequestException(ctx(op, queue),
                    "queue name '" + queue + "' is invalid: " + violation.get());
        }
    }

    private QueueState existing(String op, String queue) {
        QueueState state = queues.get(queue);
        if (state == null) {
            throw notFound(op, queue);
        }
        return state;
    }

    private Receipt parseReceipt(String op, String queue, String receipt) {
        if (receipt == null) {
            throw invalid(op, queue, "receipt must not be null");
        }
        Matcher m = RECEIPT.matcher(receipt);
        if (!m.matches()) {
            throw invalid(op, queue, "receipt '" + abbreviate(receipt) + "' is malformed");
        }
        long delivery = Long.parseLong(m.group(2));
        if (delivery > Integer.MAX_VALUE) {
            throw invalid(op, queue, "receipt '" + abbreviate(receipt) + "' is malformed");
        }
        return new Receipt(m.group(1), (int) delivery);
    }

    private void requireCurrent(String op, String queue, Message m, Receipt r, String receipt) {
        if (r.delivery() == m.deliveryCount) {
            return;
        }
        if (r.delivery() < m.deliveryCount) {
            throw new ConflictException(ctx(op, queue), "receipt '" + receipt + "' of message " + m.id
                    + " is superseded: the message was delivered again (delivery " + m.deliveryCount + ")");
        }
        throw invalid(op, queue, "receipt '" + receipt + "' was never issued for message " + m.id);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private ErrorContext ctx(String op, String queue) {
        return ErrorContext.of(site, op, queue == null ? "" : queue);
    }

    private InvalidRequestException invalid(String op, String queue, String message) {
        return new InvalidRequestException(ctx(op, queue), message);
    }

    private NotFoundException notFound(String op, String queue) {
        return new NotFoundException(ctx(op, queue), "queue '" + queue + "' does not exist");
    }

    /** {@code instant + d}, saturating at {@link Instant#MAX} instead of failing. */
    private static Instant plus(Instant instant, Duration d) {
        try {
            return instant.plus(d);
        } catch (DateTimeException | ArithmeticException e) {
            return Instant.MAX;
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2; // far enough in the future, without overflowing the deadline sum
        }
    }

    private record Receipt(String messageId, int delivery) {
    }

    private record DedupEntry(String messageId, Instant firstSeen) {
    }

    /** A message in a queue; mutable state is guarded by its queue's lock. */
    private static final class Message {
        final String id;
        final byte[] body;
        final Map<String, String> attributes;
        final Optional<String> dedupKey;
        final Instant sentAt;
        final long seq;
        int deliveryCount;
        /** Only changed while the message is out of {@link QueueState#byVisibility}. */
        Instant visibleAt;

        Message(String id, byte[] body, Map<String, String> attributes, Optional<String> dedupKey, Instant sentAt,
                long seq, Instant visibleAt) {
            this.id = id;
            this.body = body;
            this.attributes = attributes;
            this.dedupKey = dedupKey;
            this.sentAt = sentAt;
            this.seq = seq;
            this.visibleAt = visibleAt;
        }

        String receipt() {
            return id + ":" + deliveryCount;
        }
    }

    private static final Comparator<Message> BY_VISIBILITY =
            Comparator.comparing((Message m) -> m.visibleAt).thenComparingLong(m -> m.seq);

    /** The state of one queue, guarded by {@link #lock}. */
    private final class QueueState {
        final ReentrantLock lock = new ReentrantLock();
        /** Signalled when a message may have become receivable, or the queue was deleted. */
        final Condition changed = lock.newCondition();
        final Map<String, Message> byId = new HashMap<>();
        /** Every message, ordered by when it becomes visible, then by send order. */
        final NavigableSet<Message> byVisibility = new TreeSet<>(BY_VISIBILITY);
        /** Dedup keys in the order they were first seen. */
        final LinkedHashMap<String, DedupEntry> dedup = new LinkedHashMap<>();
        /** Where poison messages go; null for none. */
        final DeadLetterPolicy policy;
        long nextSeq;
        boolean deleted;

        QueueState(DeadLetterPolicy policy) {
            this.policy = policy;
        }

        void requireNotDeleted(String op, String queue) {
            if (deleted) {
                throw notFound(op, queue);
            }
        }

        /** Drops dedup keys older than the window, oldest first, stopping at the first that is still fresh. */
        void expireDedupKeys(Instant now, Duration window) {
            Iterator<DedupEntry> it = dedup.values().iterator();
            while (it.hasNext()) {
                if (now.isBefore(plus(it.next().firstSeen(), window))) {
                    return;
                }
                it.remove();
            }
        }

        /**
         * Delivers up to {@code options.maxMessages()} messages visible at {@code now}, in order of visibility;
         * visible messages that have had all their deliveries are taken out and added to {@code poison}.
         */
        List<ReceivedMessage> deliver(Instant now, ReceiveOptions options, List<Message> poison) {
            List<Message> due = new ArrayList<>();
            for (Message m : byVisibility) {
                if (m.visibleAt.isAfter(now) || due.size() == options.maxMessages()) {
                    break;
                }
                if (policy != null && policy.exhausted(m.deliveryCount)) {
                    poison.add(m);
                } else {
                    due.add(m);
                }
            }
            for (Message m : poison) {
                byVisibility.remove(m);
                byId.remove(m.id);
            }
            if (due.isEmpty()) {
                return List.of();
            }
            Instant invisibleUntil = plus(now, options.visibilityTimeout());
            List<ReceivedMessage> out = new ArrayList<>(due.size());
            for (Message m : due) {
                byVisibility.remove(m);
                m.deliveryCount++;
                m.visibleAt = invisibleUntil;
                byVisibility.add(m);
                out.add(new ReceivedMessage(m.id, m.body, m.attributes, m.receipt(), m.deliveryCount, m.sentAt,
                        m.dedupKey));
            }
            return List.copyOf(out);
        }
    }
}
