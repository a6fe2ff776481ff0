package dev.cloudhop.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.naming.NameKind;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link QueueService}: queue life cycle, at-least-once delivery with visibility timeouts,
 * acknowledgement, long polling, depth, de-duplication, delayed delivery, size limits, error mapping and
 * concurrent use.
 *
 * <p>A provider runs it by extending this class and implementing {@link #createCloud()}. Every test needs
 * {@link Capability#QUEUE}; de-duplication and delay tests also need {@link Capability#QUEUE_DEDUP} and
 * {@link Capability#QUEUE_DELAY}. Each test works on its own uniquely named queues and deletes them
 * afterwards. Visibility timeouts are 1 to 2 seconds and every wait is bounded, so the suite runs in
 * seconds against an in-memory provider.
 *
 * <p>Counts that providers only report approximately or eventually (the depth, a redelivery after the
 * visibility timeout) are polled for up to {@link #settleTimeout()} rather than asserted at once.
 */
public abstract class QueueServiceContract extends CloudContract {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);


    /**
     * How long a test waits for something a provider reports eventually: a depth, a redelivered or
     * delayed message. Default 10 s; providers with slow eventual consistency may raise it.
     */
    protected Duration settleTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * The queue naming rules of the provider under test. The invalid-name test only tries names these
     * rules reject (for example {@code "a"} is a valid SQS queue name). The default picks the rules of the
     * known provider ids ({@code aws}, {@code azure}, {@code onprem}) and otherwise the strictest,
     * {@link NamingRules#LOCAL}; a provider test may return its {@code CloudProvider.namingRules()}.
     */
    protected NamingRules namingRules() {
        return switch (cloud().site().provider()) {
            case "aws" -> NamingRules.AWS;
            case "azure" -> NamingRules.AZURE;
            case "onprem" -> NamingRules.ONPREM;
            default -> NamingRules.LOCAL;
        };
    }

    @BeforeEach
    final void requireQueues() {
        requireCapability(Capability.QUEUE);
    }


    // ------------------------------------------------------------------------------------------------
    // life cycle

    @Test
    void createQueueIsIdempotentAndTheQueueExistsAndIsListed() {
        String queue = uniqueName("tck");
        afterTest(() -> queues().deleteQueue(queue));

        assertThat(queues().createQueue(queue)).as("first create").isTrue();
        assertThat(queues().createQueue(queue)).as("second create").isFalse();
        assertThat(queues().queueExists(queue)).isTrue();
        assertThat(queues().listQueues()).contains(queue);
    }

    @Test
    void deleteQueueIsIdempotentAndRemovesTheQueue() {
        String queue = newQueue();
        queues().send(queue, OutgoingMessage.of("to be deleted"));

        assertThat(queues().deleteQueue(queue)).as("first delete").isTrue();
        assertThat(queues().deleteQueue(queue)).as("second delete").isFalse();
        assertThat(queues().queueExists(queue)).isFalse();
        assertThat(queues().listQueues()).doesNotContain(queue);
    }

    @Test
    void aMissingQueueDoesNotExist() {
        assertThat(queues().queueExists(uniqueName("tck"))).isFalse();
    }

    // ------------------------------------------------------------------------------------------------
    // delivery

    @Test
    void sendAndReceiveRoundTripBodyAndAttributes() {
        String queue = newQueue();
        Instant before = Instant.now();
        OutgoingMessage out = OutgoingMessage.of("hello, queue")
                .withAttribute("kind", "greeting")
                .withAttribute("lang", "en-GB");

        String id = queues().send(queue, out);

        assertThat(id).isNotBlank();
        ReceivedMessage in = receiveOne(queue, options(Duration.ofSeconds(30)));
        assertThat(in.bodyAsString()).isEqualTo("hello, queue");
        assertThat(in.attributes()).isEqualTo(Map.of("kind", "greeting", "lang", "en-GB"));
        assertThat(in.deliveryCount()).isEqualTo(1);
        assertThat(in.messageId()).as("received message id equals the id send returned").isEqualTo(id);
        assertThat(in.receipt()).isNotBlank();
        // generous bounds: a remote provider's clock may differ from ours
        assertThat(in.sentAt()).isBetween(before.minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofMinutes(5)));
    }

    @Test
    void binaryBodyWithAllByteValuesRoundTrips() {
        String queue = newQueue();
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }

        queues().send(queue, OutgoingMessage.of(body));

        assertThat(receiveOne(queue, options(Duration.ofSeconds(30))).body()).isEqualTo(body);
    }

    @Test
    void oneByteBodyRoundTrips() {
        String queue = newQueue();

        queues().send(queue, OutgoingMessage.of(new byte[] {42}));

        assertThat(receiveOne(queue, options(Duration.ofSeconds(30))).body()).containsExactly(42);
    }

    @Test
    void ackRemovesTheMessage() {
        String queue = newQueue();
        queues().send(queue, OutgoingMessage.of("ack me"));
        ReceivedMessage in = receiveOne(queue, options(Duration.ofSeconds(1)));

        queues().ack(queue, in.receipt());

        awaitDepth(queue, 0);
        // longer than the visibility timeout: an acknowledged message never comes back
        assertThat(queues().receive(queue, options(Duration.ofSeconds(1)).withWait(Duration.ofMillis(1500))))
                .as("messages received after ack")
                .isEmpty();
        // ack is idempotent for a message already deleted
        queues().ack(queue, in.receipt());
    }

    @Test
    void aReceivedMessageIsHiddenForItsVisibilityTimeoutThenRedelivered() {
        String queue = newQueue();
        String id = queues().send(queue, OutgoingMessage.of("redeliver me"));
        ReceivedMessage first = receiveOne(queue, options(Duration.ofSeconds(1)));
        assertThat(first.deliveryCount()).isEqualTo(1);

        assertThat(queues().receive(queue, options(Duration.ofSeconds(1))))
                .as("receive while the message is in flight")
                .isEmpty();

        ReceivedMessage second = receiveOne(queue, options(Duration.ofSeconds(30)));
        assertThat(second.messageId()).as("message id is stable across deliveries").isEqualTo(first.messageId()).isEqualTo(id);
        assertThat(second.bodyAsString()).isEqualTo("redeliver me");
        assertThat(second.deliveryCount()).isEqualTo(2);
        assertThat(second.receipt()).as("a redelivery gets a new receipt").isNotEqualTo(first.receipt());

        queues().ack(queue, second.receipt());
        awaitDepth(queue, 0);
        assertThat(queues().receive(queue, options(Duration.ofSeconds(1)))).isEmpty();
    }

    @Test
    void aSupersededReceiptDoesNotDeleteTheRedeliveredMessage() {
        String queue = newQueue();
        queues().send(queue, OutgoingMessage.of("stale receipt"));
        ReceivedMessage first = receiveOne(queue, options(Duration.ofSeconds(1)));
        ReceivedMessage second = receiveOne(queue, options(Duration.ofSeconds(30)));
        assertThat(second.deliveryCount()).isEqualTo(2);

        // providers that can tell throw ConflictException, others (SQS) ignore the stale receipt
        try {
            queues().ack(queue, first.receipt());
        } catch (ConflictException expected) {
            assertThat(expected.site()).isEqualTo(cloud().site());
        }

        awaitDepth(queue, 1);
        queues().ack(queue, second.receipt());
        awaitDepth(queue, 0);
    }

    @Test
    void extendVisibilityWithASupersededReceiptIsAConflict() {
        String queue = newQueue();
        queues().send(queue, OutgoingMessage.of("stale extend"));
        ReceivedMessage first = receiveOne(queue, options(Duration.ofSeconds(1)));
        ReceivedMessage second = receiveOne(queue, options(Duration.ofSeconds(30)));

        assertThatThrownBy(() -> queues().extendVisibility(queue, first.receipt(), Duration.ofSeconds(30)))
                .isInstanceOf(ConflictException.class);

        queues().ack(queue, second.receipt());
    }

    @Test
    void extendVisibilityKeepsTheMessageHiddenPastTheOriginalTimeout() {
        String queue = newQueue();
        queues().send(queue, OutgoingMessage.of("keep me hidden"));
        long received = System.nanoTime();
        ReceivedMessage in = receiveOne(queue, options(Duration.ofSeconds(1)));

        queues().extendVisibility(queue, in.receipt(), Duration.ofSeconds(4));

        // poll until well past the original 1 s timeout, but before the extended one ends
        while (elapsedSince(received).compareTo(Duration.ofMillis(2500)) < 0) {
            assertThat(queues().receive(queue, options(Duration.ofSeconds(1))))
                    .as("receive %s ms after the original receive, visibility extended to 4 s",
                            elapsedSince(received).toMillis())
                    .isEmpty();
            sleep(Duration.ofMillis(200));
        }
        queues().ack(queue, in.receipt());
        awaitDepth(queue, 0);
    }

    @Test
    void receiveReturnsAtMostMaxMessagesAndEventuallyEveryMessageExactlyOnce() {
        String queue = newQueue();
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            String body = "batch-" + i;
            sent.add(body);
            queues().send(queue, OutgoingMessage.of(body));
        }

        List<String> received = new ArrayList<>();
        ReceiveOptions batch = new ReceiveOptions(10, Duration.ofSeconds(30), Duration.ofSeconds(1));
        long deadline = deadline(settleTimeout());
        while (received.size() < 25 && System.nanoTime() < deadline) {
            List<ReceivedMessage> messages = queues().receive(queue, batch);
            assertThat(messages).as("one receive with maxMessages 10").hasSizeLessThanOrEqualTo(10);
            for (ReceivedMessage m : messages) {
                received.add(m.bodyAsString());
                queues().ack(queue, m.receipt());
            }
        }

        assertThat(received).as("bodies received").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        awaitDepth(queue, 0);
    }

    // ------------------------------------------------------------------------------------------------
    // long polling

    @Test
    void longPollReturnsAsSoonAsAMessageArrives() throws Exception {
        String queue = newQueue();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        try {
            long start = System.nanoTime();
            ScheduledFuture<String> sent = sender.schedule(
                    () -> queues().send(queue, OutgoingMessage.of("late arrival")), 300, TimeUnit.MILLISECONDS);

            List<ReceivedMessage> messages = queues().receive(queue,
                    options(Duration.ofSeconds(30)).withWait(Duration.ofSeconds(5)));
            Duration elapsed = elapsedSince(start);

            sent.get(5, TimeUnit.SECONDS);
            assertThat(messages).as("messages of a 5 s long poll").hasSize(1);
            assertThat(messages.get(0).bodyAsString()).isEqualTo("late arrival");
            assertThat(elapsed).as("long poll returned early").isLessThan(Duration.ofSeconds(4));
        } finally {
            sender.shutdownNow();
        }
    }

    @Test
    void longPollOnAnEmptyQueueWaitsThenReturnsNothing() {
        String queue = newQueue();
        long start = System.nanoTime();

        List<ReceivedMessage> messages = queues().receive(queue,
                options(Duration.ofSeconds(30)).withWait(Duration.ofSeconds(1)));
        Duration elapsed = elapsedSince(start);

        assertThat(messages).isEmpty();
        assertThat(elapsed).as("time a 1 s long poll waited").isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(elapsed).as("time a 1 s long poll waited").isLessThan(Duration.ofSeconds(10));
    }

    // ------------------------------------------------------------------------------------------------
    // depth

    @Test
    void approximateDepthCountsVisibleAndInFlightMessages() {
        String queue = newQueue();
        assertThat(queues().approximateDepth(queue)).as("depth of a new queue").isZero();
        for (int i = 0; i < 3; i++) {
            queues().send(queue, OutgoingMessage.of("depth-" + i));
        }

        receiveOne(queue, options(Duration.ofSeconds(30)));

        awaitDepth(queue, 3);
    }

    // ------------------------------------------------------------------------------------------------
    // dedup and delay

    @Test
    void sendsWithTheSameDedupKeyDeliverOneMessage() {
        requireCapability(Capability.QUEUE_DEDUP);
        String queue = newQueue();
        String key = uniqueName("dedup");

        queues().send(queue, OutgoingMessage.of("once").withDedupKey(key));
        queues().send(queue, OutgoingMessage.of("once").withDedupKey(key));

        assertThat(drain(queue)).containsExactly("once");
    }

    @Test
    void sendsWithDifferentDedupKeysDeliverTwoMessages() {
        requireCapability(Capability.QUEUE_DEDUP);
        String queue = newQueue();

        queues().send(queue, OutgoingMessage.of("same body").withDedupKey(uniqueName("dedup")));
        queues().send(queue, OutgoingMessage.of("same body").withDedupKey(uniqueName("dedup")));

        assertThat(drain(queue)).containsExactly("same body", "same body");
    }

    @Test
    void aDelayedMessageIsDeliveredOnlyAfterItsDelay() {
        requireCapability(Capability.QUEUE_DELAY);
        String queue = newQueue();
        long sent = System.nanoTime();

        queues().send(queue, OutgoingMessage.of("later").withDelay(Duration.ofSeconds(2)));

        assertThat(queues().receive(queue, options(Duration.ofSeconds(30))))
                .as("receive at once after a 2 s delayed send")
                .isEmpty();
        awaitDepth(queue, 1); // the depth counts delayed messages
        ReceivedMessage in = receiveOne(queue, options(Duration.ofSeconds(30)));
        assertThat(in.bodyAsString()).isEqualTo("later");
        // allow for clock granularity: the message must not arrive much before its delay
        assertThat(elapsedSince(sent)).as("time until the delayed message arrived")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    // ------------------------------------------------------------------------------------------------
    // limits and errors

    @Test
    void aMessageOverTheLimitIsRejectedNamingItsSizeAndTheLimitAndNotSent() {
        String queue = newQueue();
        int limit = queues().limits().maxMessageBytes();
        byte[] body = new byte[limit + 1];
        Arrays.fill(body, (byte) 'x');

        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> queues().send(queue, OutgoingMessage.of(body)));

        assertThat(e).as("exception for a message of limit + 1 bytes").isNotNull();
        assertThat(e.getMessage()).contains(String.valueOf(limit + 1)).contains(String.valueOf(limit));
        assertThat(e.retryable()).isFalse();
        assertThat(queues().approximateDepth(queue)).as("depth after the rejected send").isZero();
        assertThat(queues().receive(queue, options(Duration.ofSeconds(30)))).isEmpty();
    }

    @Test
    void aMessageOfExactlyTheLimitIsAccepted() {
        String queue = newQueue();
        int limit = queues().limits().maxMessageBytes();
        OutgoingMessage attributesOnly = OutgoingMessage.of(new byte[0]).withAttribute("kind", "max");
        int bodySize = Math.toIntExact(limit - attributesOnly.sizeInBytes());
        byte[] body = new byte[bodySize];
        Arrays.fill(body, (byte) 'm');
        OutgoingMessage out = OutgoingMessage.of(body).withAttribute("kind", "max");
        assertThat(out.sizeInBytes()).isEqualTo(limit);

        queues().send(queue, out);

        ReceivedMessage in = receiveOne(queue, options(Duration.ofSeconds(30)));
        assertThat(in.body()).isEqualTo(body);
        assertThat(in.attributes()).isEqualTo(Map.of("kind", "max"));
    }

    @Test
    void operationsOnAMissingQueueAreNotFound() {
        String queue = uniqueName("tck");

        assertNotFound(queue, () -> queues().send(queue, OutgoingMessage.of("nowhere")));
        assertNotFound(queue, () -> queues().receive(queue, options(Duration.ofSeconds(1))));
        assertNotFound(queue, () -> queues().approximateDepth(queue));
    }

    @Test
    void invalidQueueNamesAreRejectedNamingTheName() {
        List<String> candidates = List.of("UPPER_case!", "a", "q".repeat(300));
        NamingRules rules = namingRules();
        List<String> invalid = candidates.stream()
                .filter(name -> !rules.violations(NameKind.QUEUE, name).isEmpty())
                .toList();
        assertThat(invalid).as("names invalid for provider %s", rules.provider()).isNotEmpty();

        for (String name : invalid) {
            afterTest(() -> queues().deleteQueue(name));
            assertThatThrownBy(() -> queues().createQueue(name))
                    .as("createQueue(\"%s\")", name)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining(name);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // concurrency

    @Test
    void concurrentProducersAndConsumersDeliverEveryMessageAtLeastOnce() throws Exception {
        String queue = newQueue();
        int producers = 4;
        int perProducer = 50;
        Set<String> expected = IntStream.range(0, producers).boxed()
                .flatMap(p -> IntStream.range(0, perProducer).mapToObj(i -> "p" + p + "-m" + i))
                .collect(Collectors.toSet());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        long deadline = deadline(settleTimeout().multipliedBy(3));

        ExecutorService pool = Executors.newFixedThreadPool(producers + 4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        queues().send(queue, OutgoingMessage.of("p" + producer + "-m" + i));
                    }
                }));
            }
            ReceiveOptions batch = new ReceiveOptions(10, Duration.ofSeconds(5), Duration.ofMillis(500));
            for (int c = 0; c < 4; c++) {
                futures.add(pool.submit(() -> {
                    while (acked.size() < expected.size() && System.nanoTime() < deadline) {
                        for (ReceivedMessage m : queues().receive(queue, batch)) {
                            String body = m.bodyAsString();
                            if (!seen.add(body) && m.deliveryCount() < 2) {
                                violations.add(body + " delivered again with deliveryCount " + m.deliveryCount());
                            }
                            queues().ack(queue, m.receipt());
                            acked.add(body);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(deadlineRemaining(deadline) + 5_000, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(violations).as("duplicates with deliveryCount 1").isEmpty();
        assertThat(seen).as("bodies seen").isEqualTo(expected);
        assertThat(acked).as("bodies acknowledged").isEqualTo(expected);
        awaitDepth(queue, 0);
    }

    // ------------------------------------------------------------------------------------------------
    // helpers

    /** The service under test. */
    private QueueService queues() {
        return cloud().queues();
    }

    private String newQueue() {
        String queue = uniqueName("tck");
        afterTest(() -> queues().deleteQueue(queue));
        assertThat(queues().createQueue(queue)).as("create %s", queue).isTrue();
        return queue;
    }

    private static ReceiveOptions options(Duration visibility) {
        return new ReceiveOptions(1, visibility, Duration.ZERO);
    }

    /** Polls until one message is received, for up to {@link #settleTimeout()}. */
    private ReceivedMessage receiveOne(String queue, ReceiveOptions options) {
        ReceiveOptions one = options.withMaxMessages(1);
        return eventually().alias("a message received from " + queue).until(() -> {
            List<ReceivedMessage> messages = queues().receive(queue, one);
            assertThat(messages).as("one receive with maxMessages 1").hasSizeLessThanOrEqualTo(1);
            return messages;
        }, messages -> !messages.isEmpty()).get(0);
    }

    /**
     * Receives (and acknowledges) until a 1 s long poll returns nothing, bounded by
     * {@link #settleTimeout()}; returns the bodies in the order received.
     */
    private List<String> drain(String queue) {
        List<String> bodies = new ArrayList<>();
        ReceiveOptions batch = new ReceiveOptions(10, Duration.ofSeconds(30), Duration.ofSeconds(1));
        long deadline = deadline(settleTimeout());
        while (System.nanoTime() < deadline) {
            List<ReceivedMessage> messages = queues().receive(queue, batch);
            if (messages.isEmpty()) {
                break;
            }
            for (ReceivedMessage m : messages) {
                bodies.add(m.bodyAsString());
                queues().ack(queue, m.receipt());
            }
        }
        return bodies;
    }

    private void awaitDepth(String queue, long expected) {
        eventually().untilAsserted(() -> assertThat(queues().approximateDepth(queue))
                .as("approximateDepth of %s", queue).isEqualTo(expected));
    }

    /** Waits up to {@link #settleTimeout()} for what a provider reports eventually, checking at once first. */
    private ConditionFactory eventually() {
        return Awaitility.await().atMost(settleTimeout()).pollDelay(Duration.ZERO).pollInterval(POLL_INTERVAL);
    }

    private void assertNotFound(String queue, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        NotFoundException e = catchThrowableOfType(NotFoundException.class, call);
        assertThat(e).as("NotFoundException for missing queue %s", queue).isNotNull();
        assertThat(e.site()).isEqualTo(cloud().site());
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains(queue);
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static long deadlineRemaining(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static Duration elapsedSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Paces a test that asserts something holds while time passes; never a wait for a condition. */
    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
