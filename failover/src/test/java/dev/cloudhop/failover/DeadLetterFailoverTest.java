package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.failover.capture.CaptureJournal;
import dev.cloudhop.failover.drill.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Dead-letter queues through the facade: policies follow their queues to new sites, keys survive capture and merge. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadLetterFailoverTest {

    private static final DeadLetterPolicy POLICY = new DeadLetterPolicy("orders-dead", 3);
    private static final ReceiveOptions BATCH = ReceiveOptions.DEFAULT.withMaxMessages(10);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Fixture fixture;

    private FailoverCloud facade(String failover) {
        fixture = new Fixture(failover);
        toClose.add(fixture);
        FailoverCloud c = fixture.facade();
        toClose.add(c);
        return c;
    }

    private static void failOverToAws(FailoverCloud cloud) {
        cloud.switchboard().inject("azure", Fault.unavailable());
        cloud.probeNow();
        cloud.probeNow();
        Awaitility.await("failover to aws").atMost(Duration.ofSeconds(10)).until(() -> "aws".equals(cloud.activeSite()));
        assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
    }

    private static ReceivedMessage receiveOne(QueueService queues, String queue) {
        List<ReceivedMessage> got = queues.receive(queue, BATCH);
        assertThat(got).as("messages in %s", queue).hasSize(1);
        return got.get(0);
    }

    @Test
    void aQueueCreatedWithAPolicyHasItAtTheNewSiteAfterAFailover() {
        FailoverCloud cloud = facade(Fixture.DEFAULT_FAILOVER);
        assertThat(cloud.capabilities()).contains(Capability.QUEUE_DEAD_LETTER);

        assertThat(cloud.queues().createQueue("orders", POLICY)).isTrue();

        assertThat(cloud.rawSite("azure").queues().queueExists("orders-dead")).as("the target, created first").isTrue();
        assertThat(cloud.rawSite("azure").queues().deadLetterPolicy("orders")).contains(POLICY);
        assertThat(cloud.queues().deadLetterPolicy("orders")).contains(POLICY);
        // aws lost both queues (say, a region rebuilt from scratch): the runbook's prepare step recreates them
        cloud.rawSite("aws").queues().deleteQueue("orders");
        cloud.rawSite("aws").queues().deleteQueue("orders-dead");

        failOverToAws(cloud);

        assertThat(cloud.rawSite("aws").queues().deadLetterPolicy("orders")).contains(POLICY);
        assertThat(cloud.rawSite("aws").queues().deadLetterPolicy("orders-dead")).isEmpty();
        assertThat(cloud.queues().deadLetterPolicy("orders")).as("through the facade, now at aws").contains(POLICY);
        assertThat(cloud.queues().createQueue("orders", POLICY)).as("a second create").isFalse();
    }

    @Test
    void aCapturedSendReplayedAfterRecoveryKeepsItsDedupKeyAndLandsInAQueueWithThePolicy() {
        FailoverCloud cloud = facade(Fixture.DEFAULT_FAILOVER);
        cloud.queues().createQueue("orders", POLICY);
        cloud.switchboard().inject("azure", Service.QUEUE, Fault.unavailable());
        cloud.probeNow();
        cloud.probeNow();
        // the queue service came back empty: the replay recreates the queue with its policy before sending
        cloud.rawSite("azure").queues().deleteQueue("orders");
        cloud.rawSite("azure").queues().deleteQueue("orders-dead");

        String id = cloud.queues().send("orders", OutgoingMessage.of("order 1").withDedupKey("order-1")
                .withAttribute("tenant", "t-1"));
        assertThat(id).isEqualTo("captured:order-1");
        assertThat(cloud.queues().deadLetterPolicy("orders")).as("remembered while the site cannot answer")
                .contains(POLICY);

        cloud.switchboard().clear("azure");
        cloud.probeNow();
        assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();

        assertThat(cloud.capturedMessages()).isZero();
        assertThat(cloud.rawSite("azure").queues().deadLetterPolicy("orders")).contains(POLICY);
        ReceivedMessage m = receiveOne(cloud.queues(), "orders");
        assertThat(m.bodyAsString()).isEqualTo("order 1");
        assertThat(m.dedupKey()).contains("order-1");
        assertThat(m.attributes()).containsEntry("tenant", "t-1").containsEntry(FailoverCloud.DEDUP_ATTRIBUTE, "order-1");
        assertThat(cloud.rawSite("azure").queues().receive("orders", BATCH)).as("nothing else").isEmpty();
    }

    @Test
    void theJournalKeepsAQueuesPolicyForAReplayAfterARestart(@TempDir Path dir) {
        OutgoingMessage message = OutgoingMessage.of("kept").withDedupKey("k-1").withAttribute("tenant", "t-1");
        new CaptureJournal(dir).capture("orders", message, Optional.of(POLICY));
        new CaptureJournal(dir).capture("plain", message);

        List<CaptureJournal.Captured> read = new CaptureJournal(dir).list(Optional.empty());

        assertThat(read).extracting(CaptureJournal.Captured::queue).containsExactly("orders", "plain");
        assertThat(read).extracting(CaptureJournal.Captured::policy).containsExactly(Optional.of(POLICY), Optional.empty());
        assertThat(read.get(0).message().dedupKey()).contains("k-1");
        assertThat(read.get(0).message().attributes()).containsEntry("tenant", "t-1");
    }

    @Test
    void aPoisonMessageDeadLettersThroughTheFacadeAndARedriveBringsItBack() {
        FailoverCloud cloud = facade(Fixture.DEFAULT_FAILOVER);
        cloud.queues().createQueue("jobs", new DeadLetterPolicy("jobs-dead", 2));
        cloud.queues().send("jobs", OutgoingMessage.of("poison").withDedupKey("job-1"));

        for (int delivery = 1; delivery <= 2; delivery++) {
            ReceivedMessage m = receiveOne(cloud.queues(), "jobs");
            assertThat(m.deliveryCount()).isEqualTo(delivery);
            cloud.queues().extendVisibility("jobs", m.receipt(), Duration.ZERO); // the consumer failed: retry now
        }
        assertThat(cloud.queues().receive("jobs", BATCH)).as("delivered past its maximum").isEmpty();

        ReceivedMessage dead = receiveOne(cloud.queues(), "jobs-dead");
        assertThat(dead.bodyAsString()).isEqualTo("poison");
        assertThat(dead.dedupKey()).contains("job-1");
        assertThat(dead.attributes()).containsEntry(DeadLetterPolicy.SOURCE_ATTRIBUTE, "jobs");
        assertThat(dead.receipt()).startsWith("azure|");
        cloud.queues().extendVisibility("jobs-dead", dead.receipt(), Duration.ZERO);

        assertThat(cloud.queues().redrive("jobs-dead", "jobs", 10)).isEqualTo(1);
        ReceivedMessage back = receiveOne(cloud.queues(), "jobs");
        assertThat(back.bodyAsString()).isEqualTo("poison");
        assertThat(back.dedupKey()).contains("job-1");
        assertThat(back.deliveryCount()).isEqualTo(1);
        cloud.queues().ack("jobs", back.receipt());
        assertThat(cloud.queues().approximateDepth("jobs-dead")).isZero();
    }

    @Test
    void aMergeKeepsDedupKeysAndMovesDeadLettersIntoTheDeadLetterQueue() {
        FailoverCloud cloud = facade(Fixture.failoverWith("replication.merge-interval = 10 s"));
        cloud.queues().createQueue("orders", POLICY);
        QueueService aws = cloud.rawSite("aws").queues();
        aws.send("orders", OutgoingMessage.of("stranded").withDedupKey("s-1"));
        aws.send("orders-dead", OutgoingMessage.of("dead").withDedupKey("d-1")
                .withAttribute(DeadLetterPolicy.SOURCE_ATTRIBUTE, "orders"));

        fixture.clock.advance(Duration.ofSeconds(10));
        cloud.probeNow();
        assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();

        assertThat(aws.approximateDepth("orders")).isZero();
        assertThat(aws.approximateDepth("orders-dead")).isZero();
        ReceivedMessage moved = receiveOne(cloud.queues(), "orders");
        assertThat(moved.bodyAsString()).isEqualTo("stranded");
        assertThat(moved.dedupKey()).as("the key it was sent with, not the move's").contains("s-1");
        ReceivedMessage dead = receiveOne(cloud.queues(), "orders-dead");
        assertThat(dead.bodyAsString()).isEqualTo("dead");
        assertThat(dead.dedupKey()).contains("d-1");
        assertThat(dead.attributes()).containsEntry(DeadLetterPolicy.SOURCE_ATTRIBUTE, "orders");
        assertThat(dead.receipt()).startsWith("azure|");
    }
}
