package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The two send modes of the embedded broker: durable sends are group-committed (dedup keys included, without
 * losing duplicate detection), and async sends that returned are in the journal once the site is closed.
 */
class QueueSendModesTest {

    private static final int THREADS = 16;
    private static final int PER_THREAD = 40;

    @Test
    void concurrentDurableSendsAreGroupCommitted() throws Exception {
        try (Cloud cloud = site(OnPremTestEnvironment.tempDirectory("journal"), "durable")) {
            cloud.queues().createQueue("grouped");
            sendConcurrently(cloud, "grouped", i -> OutgoingMessage.of("m-" + i));

            long[] counts = ((ArtemisQueueService) cloud.queues()).sendBatchCounts();
            int total = THREADS * PER_THREAD;
            assertThat(counts[1]).as("messages sent through the group commit").isEqualTo(total);
            assertThat(counts[0]).as("commits (journal flushes) for %d concurrent sends", total).isLessThan(total);
            assertThat(cloud.queues().approximateDepth("grouped")).isEqualTo(total);
        }
    }

    @Test
    void dedupKeysAreGroupCommittedAndDuplicatesStillDropped() throws Exception {
        try (Cloud cloud = site(OnPremTestEnvironment.tempDirectory("journal"), "durable")) {
            cloud.queues().createQueue("keyed");
            int total = THREADS * PER_THREAD;
            // the even keys first, then every key from 16 threads: each odd key once, each even one a duplicate
            for (int i = 0; i < total; i += 2) {
                cloud.queues().send("keyed", OutgoingMessage.of("first-" + i).withDedupKey("k-" + i));
            }
            long[] before = ((ArtemisQueueService) cloud.queues()).sendBatchCounts();
            sendConcurrently(cloud, "keyed", i -> OutgoingMessage.of("second-" + i).withDedupKey("k-" + i));
            // and the same key from many threads at once: one of them is kept
            sendConcurrently(cloud, "keyed", i -> OutgoingMessage.of("same-key").withDedupKey("k-shared"));

            long[] after = ((ArtemisQueueService) cloud.queues()).sendBatchCounts();
            assertThat(after[1] - before[1]).as("keyed sends through the group commit").isEqualTo(2L * total);
            assertThat(after[0] - before[0]).as("commits for %d concurrent keyed sends", 2 * total)
                    .isLessThan(2L * total);

            List<String> bodies = drain(cloud, "keyed", total + 1);
            List<String> expected = new ArrayList<>();
            IntStream.range(0, total).forEach(i -> expected.add((i % 2 == 0 ? "first-" : "second-") + i));
            expected.add("same-key");
            assertThat(bodies).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(cloud.queues().approximateDepth("keyed")).isZero();
        }
    }

    @Test
    void asyncSendsThatReturnedSurviveClosingTheSiteAndARestartOfTheBroker() throws Exception {
        Path journal = OnPremTestEnvironment.tempDirectory("journal");
        int total = THREADS * PER_THREAD;
        try (Cloud before = site(journal, "async")) {
            before.queues().createQueue("fast");
            sendConcurrently(before, "fast", i -> OutgoingMessage.of("async-" + i));
            assertThat(((ArtemisQueueService) before.queues()).sendBatchCounts()).as("async sends skip the batcher")
                    .containsExactly(0, 0);
        } // close: the connection's pending sends reach the broker, which flushes its journal when it stops

        try (Cloud after = site(journal, "async")) {
            assertThat(after.queues().approximateDepth("fast")).as("depth after the restart").isEqualTo(total);
            assertThat(drain(after, "fast", total)).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, total).mapToObj(i -> "async-" + i).toList());
        }
    }

    private static Cloud site(Path journal, String sendMode) {
        return OnPremTestEnvironment.open("sites { modes { provider = onprem, region = dc-test, "
                + "queue.journal-directory = \"" + journal + "\", queue.send-mode = " + sendMode + " } }").site("modes");
    }

    /** {@value #THREADS} threads send {@value #PER_THREAD} messages each, message {@code i} from {@code factory}. */
    private static void sendConcurrently(Cloud cloud, String queue, java.util.function.IntFunction<OutgoingMessage> factory)
            throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                done.add(senders.submit(() -> {
                    for (int i = first; i < THREADS * PER_THREAD; i += THREADS) {
                        cloud.queues().send(queue, factory.apply(i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            senders.shutdownNow();
        }
    }

    /** Receives and acknowledges until {@code expected} bodies arrived and a further receive is empty, or 30 s. */
    private static List<String> drain(Cloud cloud, String queue, int expected) {
        List<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<ReceivedMessage> got = cloud.queues().receive(queue,
                    new ReceiveOptions(10, Duration.ofSeconds(30), Duration.ofMillis(bodies.size() < expected ? 500 : 200)));
            if (got.isEmpty() && bodies.size() >= expected) {
                break;
            }
            for (ReceivedMessage m : got) {
                bodies.add(m.bodyAsString());
                cloud.queues().ack(queue, m.receipt());
            }
        }
        return bodies;
    }
}
