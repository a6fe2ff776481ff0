package dev.cloudhop.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of dead-letter queues ({@link Capability#QUEUE_DEAD_LETTER}): a message delivered
 * {@link DeadLetterPolicy#maxDeliveries()} times leaves its queue and arrives in the dead-letter queue exactly
 * once, with its body, attributes, dedup key and the reason; a redrive brings it back; consumers racing over a
 * poison message neither lose nor duplicate it.
 *
 * <p>A provider runs it by extending this class and implementing {@link #createCloud()}. Whether the move
 * happens in the service (SQS, Artemis) or in the client at receive (Azure Storage Queues, local), it happens
 * on a receive from the source queue after the last delivery's visibility timeout ended, so the tests keep
 * receiving from the source while they wait. Waits are bounded by {@link #settleTimeout()}.
 */
public abstract class DeadLetterQueueContract extends CloudContract {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final ReceiveOptions SHORT = new ReceiveOptions(1, Duration.ofSeconds(1), Duration.ZERO);

    /** How long a test waits for a move the provider makes eventually. Default 20 s. */
    protected Duration settleTimeout() {
        return Duration.ofSeconds(20);
    }

    /**
     * Whether a message the service moved carries {@value DeadLetterPolicy#REASON_ATTRIBUTE} and
     * {@value DeadLetterPolicy#SOURCE_ATTRIBUTE}. True by default; a provider whose emulator lacks what the
     * attributes are built from says so here, with the evidence in a comment and its README.
     */
    protected boolean reportsTheReason() {
        return true;
    }

    @BeforeEach
    final void requireDeadLetterQueues() {
        requireCapability(Capability.QUEUE);
        requireCapability(Capability.QUEUE_DEAD_LETTER);
    }

    @Test
    void thePolicyReadsBackAndAQueueWithoutOneHasNone() {
        String dlq = newQueue("dlq");
        String source = newQueue("src", new DeadLetterPolicy(dlq, 3));

        assertThat(queues().deadLetterPolicy(source)).contains(new DeadLetterPolicy(dlq, 3));
        assertThat(queues().deadLetterPolicy(dlq)).isEmpty();
        assertThat(queues().createQueue(source, new DeadLetterPolicy(dlq, 3))).as("second create").isFalse();
    }

    @Test
    void aPolicyNamingAMissingTargetIsNotFound() {
        String missing = uniqueName("dlq");
        String source = uniqueName("src");
        afterTest(() -> queues().deleteQueue(source));

        assertThatThrownBy(() -> queues().createQueue(source, new DeadLetterPolicy(missing, 2)))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(missing);
    }

    @Test
    void aMessageDeliveredMaxTimesMovesToTheDeadLetterQueueOnceWithItsAttributesAndTheReason() {
        String dlq = newQueue("dlq");
        String source = newQueue("src", new DeadLetterPolicy(dlq, 2));
        Optional<String> key = dedupKey();
        String id = queues().send(source, poison("poison", key));

        for (int delivery = 1; delivery <= 2; delivery++) {
            ReceivedMessage in = receiveOne(source);
            assertThat(in.messageId()).isEqualTo(id);
            assertThat(in.deliveryCount()).as("delivery count").isEqualTo(delivery);
        }
        awaitDeadLettered(source, dlq, 1);

        ReceivedMessage dead = receiveOne(dlq);
        assertThat(dead.bodyAsString()).isEqualTo("poison");
        assertThat(dead.attributes()).containsEntry("kind", "order").containsEntry("tenant", "t-1");
        if (reportsTheReason()) {
            assertThat(dead.attributes())
                    .containsEntry(DeadLetterPolicy.REASON_ATTRIBUTE, "delivered 2 times, max 2")
                    .containsEntry(DeadLetterPolicy.SOURCE_ATTRIBUTE, source);
        }
        assertThat(dead.dedupKey()).as("dedup key of the dead-lettered message").isEqualTo(key);
        queues().ack(dlq, dead.receipt());
        assertThat(drain(dlq)).as("further copies in the dead-letter queue").isEmpty();
        assertThat(queues().receive(source, SHORT)).as("left in the source").isEmpty();
        awaitDepth(source, 0);
    }

    @Test
    void redriveMovesDeadLettersBackWithBodyAttributesAndDedupKey() {
        String dlq = newQueue("dlq");
        String source = newQueue("src", new DeadLetterPolicy(dlq, 1));
        Optional<String> key = dedupKey();
        queues().send(source, poison("come back", key));
        receiveOne(source);
        awaitDeadLettered(source, dlq, 1);

        int moved = queues().redrive(dlq, source, 10);

        assertThat(moved).as("messages redriven").isEqualTo(1);
        awaitDepth(dlq, 0);
        ReceivedMessage back = receiveOne(source);
        assertThat(back.bodyAsString()).isEqualTo("come back");
        assertThat(back.attributes()).isEqualTo(Map.of("kind", "order", "tenant", "t-1"));
        assertThat(back.deliveryCount()).as("delivery count after a redrive").isEqualTo(1);
        assertThat(back.dedupKey()).as("dedup key after a redrive").isEqualTo(key);
        queues().ack(source, back.receipt());
        assertThat(drain(source)).as("further copies in the source").isEmpty();
        assertThat(queues().redrive(dlq, source, 10)).as("a second redrive").isZero();
    }

    @Test
    void racingConsumersNeitherLoseNorDuplicateAPoisonMessage() throws Exception {
        String dlq = newQueue("dlq");
        String source = newQueue("src", new DeadLetterPolicy(dlq, 1));
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            bodies.add("poison-" + i);
            queues().send(source, OutgoingMessage.of("poison-" + i));
        }
        ReceiveOptions batch = new ReceiveOptions(10, Duration.ofSeconds(1), Duration.ZERO);
        List<String> first = new ArrayList<>();
        eventually().until(() -> {
            queues().receive(source, batch).forEach(m -> first.add(m.bodyAsString()));
            return first.size() >= bodies.size();
        });
        assertThat(first).as("first deliveries").containsExactlyInAnyOrderElementsOf(bodies);

        List<String> redelivered = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> consumers = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                consumers.add(pool.submit(() -> {
                    while (!done.get()) {
                        queues().receive(source, batch.withWait(Duration.ofMillis(200)))
                                .forEach(m -> redelivered.add(m.bodyAsString() + " #" + m.deliveryCount()));
                    }
                }));
            }
            try {
                eventually().untilAsserted(() -> assertThat(queues().approximateDepth(dlq))
                        .as("depth of the dead-letter queue").isEqualTo(bodies.size()));
            } finally {
                done.set(true);
            }
            for (Future<?> f : consumers) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(redelivered).as("poison messages delivered past their maximum").isEmpty();
        assertThat(drain(dlq)).as("bodies in the dead-letter queue").containsExactlyInAnyOrderElementsOf(bodies);
        awaitDepth(source, 0);
    }

    // ------------------------------------------------------------------------------------------------
    // helpers

    private QueueService queues() {
        return cloud().queues();
    }

    private Optional<String> dedupKey() {
        return cloud().supports(Capability.QUEUE_DEDUP) ? Optional.of(uniqueName("key")) : Optional.empty();
    }

    private static OutgoingMessage poison(String body, Optional<String> key) {
        OutgoingMessage m = OutgoingMessage.of(body).withAttribute("kind", "order").withAttribute("tenant", "t-1");
        return key.map(m::withDedupKey).orElse(m);
    }

    private String newQueue(String prefix) {
        String queue = uniqueName(prefix);
        afterTest(() -> queues().deleteQueue(queue));
        assertThat(queues().createQueue(queue)).as("create %s", queue).isTrue();
        return queue;
    }

    private String newQueue(String prefix, DeadLetterPolicy policy) {
        String queue = uniqueName(prefix);
        afterTest(() -> queues().deleteQueue(queue));
        assertThat(queues().createQueue(queue, policy)).as("create %s with %s", queue, policy).isTrue();
        return queue;
    }

    /** Receives from the source (which makes client-side providers move) until the DLQ holds {@code n}. */
    private void awaitDeadLettered(String source, String dlq, long n) {
        eventually().alias(n + " messages moved from " + source + " to " + dlq).untilAsserted(() -> {
            assertThat(queues().receive(source, SHORT)).as("delivered past the maximum from " + source).isEmpty();
            assertThat(queues().approximateDepth(dlq)).as("depth of " + dlq).isEqualTo(n);
        });
    }

    private ReceivedMessage receiveOne(String queue) {
        return eventually().alias("a message received from " + queue)
                .until(() -> queues().receive(queue, SHORT), m -> !m.isEmpty()).get(0);
    }

    /** Receives and acknowledges until a 1 s long poll returns nothing; the bodies in the order received. */
    private List<String> drain(String queue) {
        List<String> out = new ArrayList<>();
        ReceiveOptions batch = new ReceiveOptions(10, Duration.ofSeconds(30), Duration.ofSeconds(1));
        long deadline = System.nanoTime() + settleTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            List<ReceivedMessage> got = queues().receive(queue, batch);
            if (got.isEmpty()) {
                break;
            }
            for (ReceivedMessage m : got) {
                out.add(m.bodyAsString());
                queues().ack(queue, m.receipt());
            }
        }
        return out;
    }

    private void awaitDepth(String queue, long expected) {
        eventually().untilAsserted(() -> assertThat(queues().approximateDepth(queue))
                .as("approximateDepth of %s", queue).isEqualTo(expected));
    }

    private ConditionFactory eventually() {
        return Awaitility.await().atMost(settleTimeout()).pollDelay(Duration.ZERO).pollInterval(POLL_INTERVAL);
    }
}
