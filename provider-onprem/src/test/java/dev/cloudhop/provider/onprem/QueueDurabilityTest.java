package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.testing.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Durability of the embedded Artemis broker: what was sent (and not acknowledged) survives a restart of the
 * broker, and a SIGKILL of the process that ran it; dedup keys and delayed messages survive too.
 */
class QueueDurabilityTest {

    @Test
    void messagesInFlightAndDelayedAndDedupKeysSurviveARestartOfTheEmbeddedBroker() throws Exception {
        Path journal = OnPremTestEnvironment.tempDirectory("journal");
        try (Cloud before = site(journal)) {
            before.queues().createQueue("orders");
            for (int i = 0; i < 50; i++) {
                before.queues().send("orders", OutgoingMessage.of("order-" + i).withDedupKey("order-" + i));
            }
            before.queues().send("orders", OutgoingMessage.of("later").withDelay(Duration.ofSeconds(2)));
            List<ReceivedMessage> inFlight = before.queues().receive("orders",
                    new ReceiveOptions(10, Duration.ofMinutes(5), Duration.ofSeconds(1)));
            assertThat(inFlight).hasSize(10);
            before.queues().ack("orders", inFlight.get(0).receipt()); // one is done for good
            awaitDepth(before, "orders", 50); // acknowledgements are asynchronous: the depth follows shortly
        } // closes the connection and stops the broker: in-flight messages go back to the queue

        try (Cloud after = site(journal)) {
            assertThat(after.queues().queueExists("orders")).isTrue();
            assertThat(after.queues().listQueues()).contains("orders");
            assertThat(after.queues().approximateDepth("orders")).as("depth after the restart").isEqualTo(50);
            // a duplicate of a key sent before the restart is still recognised
            after.queues().send("orders", OutgoingMessage.of("order-7 again").withDedupKey("order-7"));

            List<String> bodies = drain(after, "orders", 50);
            Set<String> expected = IntStream.range(1, 50).mapToObj(i -> "order-" + i).collect(Collectors.toSet());
            assertThat(bodies).doesNotHaveDuplicates();
            assertThat(new HashSet<>(bodies)).as("after the restart").containsAll(expected).contains("later")
                    .doesNotContain("order-0", "order-7 again");
            awaitDepth(after, "orders", 0);
        }
    }

    @Test
    void durableSendsSurviveASigkillOfTheProcessRunningTheBroker() {
        Path journal = OnPremTestEnvironment.tempDirectory("journal");
        int count = 200;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ManagedProcess sender = ManagedProcess.builder("queue-sender", List.of(java, "-Xmx128m",
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                        CrashingQueueSender.class.getName(), journal.toString(), "payments", Integer.toString(count)))
                .startTimeout(Duration.ofSeconds(60))
                .readyWhenLogContains("SENT " + count)
                .start();
        sender.kill(); // no clean shutdown: only what the journal had synced when send returned is there

        long start = System.nanoTime();
        try (Cloud recovered = site(journal)) {
            assertThat(recovered.queues().approximateDepth("payments")).as("depth after SIGKILL and recovery")
                    .isEqualTo(count);
            System.out.println("[durability] broker recovered " + count + " messages after SIGKILL in "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
            List<String> bodies = drain(recovered, "payments", count);
            assertThat(bodies).hasSize(count).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, count).mapToObj(i -> "durable-" + i).toList());
        }
    }

    private static void awaitDepth(Cloud cloud, String queue, long expected) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(cloud.queues().approximateDepth(queue)).as("depth of %s", queue).isEqualTo(expected));
    }

    private static Cloud site(Path journal) {
        return OnPremTestEnvironment.open("sites { durable { provider = onprem, region = dc-test, "
                + "queue.journal-directory = \"" + journal + "\" } }").site("durable");
    }

    /** Receives and acknowledges until {@code expected} bodies arrived or 20 s passed. */
    private static List<String> drain(Cloud cloud, String queue, int expected) {
        List<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (bodies.size() < expected && System.nanoTime() < deadline) {
            for (ReceivedMessage m : cloud.queues().receive(queue,
                    new ReceiveOptions(10, Duration.ofSeconds(30), Duration.ofMillis(500)))) {
                bodies.add(m.bodyAsString());
                cloud.queues().ack(queue, m.receipt());
            }
        }
        return bodies;
    }
}
