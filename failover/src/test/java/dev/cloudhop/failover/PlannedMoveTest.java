package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.runbook.RunbookContext;
import dev.cloudhop.failover.runbook.RunbookStep;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Planned moves (manual failover, failback) under steady writes from several threads: RPO 0, or no move. What was
 * acknowledged is the workload's own record, checked at the sites through their own clients, not through the facade.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PlannedMoveTest {

    /** One blob per call, named and filled with the same unique text; remembers every acknowledged one. */
    private static final class Writes implements Drill.Workload {
        private final FailoverCloud cloud;
        final Map<String, String> acknowledged = new ConcurrentHashMap<>();

        Writes(FailoverCloud cloud) {
            this.cloud = cloud;
            cloud.blobs().createContainer("orders");
        }

        @Override
        public void call(int client, long seq) {
            String name = "c" + client + "-" + seq;
            cloud.blobs().put(BlobId.of("orders", name), BlobContent.ofUtf8(name));
            acknowledged.put(name, name);
        }

        /** Acknowledged writes that {@code site} lacks or holds with other content. */
        long missingAt(Cloud site) {
            return acknowledged.entrySet().stream()
                    .filter(e -> !e.getValue().equals(site.blobs().get(BlobId.of("orders", e.getKey()))
                            .map(b -> new String(b.readAllBytes(), StandardCharsets.UTF_8)).orElse(null)))
                    .count();
        }
    }

    /**
     * Placed just before {@code redirect}: writes are held, so every write acknowledged so far must already be at the
     * target; records how many are not (replication could otherwise heal a loss after the move).
     */
    private static final class AcknowledgedAtTarget implements RunbookStep {
        private final Writes[] writes;
        final List<String> checks = new CopyOnWriteArrayList<>();

        AcknowledgedAtTarget(Writes[] writes) {
            this.writes = writes;
        }

        @Override
        public String name() {
            return "check-acknowledged";
        }

        @Override
        public String run(RunbookContext c) {
            String check = c.to() + ": " + writes[0].missingAt(c.site(c.to())) + " of " + writes[0].acknowledged.size()
                    + " missing";
            checks.add(check);
            return check;
        }
    }

    private static String config(String replication) {
        return Fixture.DEFAULT_FAILOVER.replace("client-wait = 3 s", "client-wait = 10 s")
                .replace("priority = [azure, aws, onprem]", "priority = [azure, aws, onprem]\n  replication { " + replication + " }");
    }

    private static FailoverCloud facade(Fixture f, RunbookStep check) {
        return FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).clock(f.clock).scheduledProbes(false)
                .runbookStep(RunbookStep.Position.before("redirect"), check).build();
    }

    @Test
    void aPlannedFailoverAndFailbackUnderSteadyWritesHaveRpoZero() throws Exception {
        Writes[] writes = new Writes[1];
        AcknowledgedAtTarget check = new AcknowledgedAtTarget(writes);
        try (Fixture f = new Fixture(config("presync-threshold = 20, max-pause = 5 s")); FailoverCloud cloud = facade(f, check)) {
            // copies lag behind the writes, so each move has a backlog to drain
            cloud.switchboard().inject("aws", Service.BLOB, "put", Fault.latency(Duration.ofMillis(2)));
            cloud.switchboard().inject("azure", Service.BLOB, "put", Fault.latency(Duration.ofMillis(2)));
            writes[0] = new Writes(cloud);

            DrillReport report = Drill.run(cloud, Drill.Scenario.plannedMove("azure", "aws"), writes[0],
                    new Drill.Options(4, Duration.ofMillis(1), Duration.ofMillis(600), Duration.ofMillis(600),
                            Duration.ofMillis(300), true));

            assertThat(report.runbooks()).extracting(RunbookReport::to).containsExactly("aws", "azure");
            assertThat(report.runbooks()).allSatisfy(r -> {
                assertThat(r.ok()).as(r.steps().toString()).isTrue();
                assertThat(r.unreplicatedWrites()).as("RPO of " + r.reason()).isZero();
                assertThat(r.steps()).extracting(RunbookReport.Step::name).containsSubsequence("pre-sync", "drain", "fence",
                        "check-acknowledged", "redirect");
            });
            assertThat(report.rpoWrites()).isZero();
            assertThat(report.siteAfter()).isEqualTo("azure");
            assertThat(report.failedCalls()).as("writes wait out the pause").isZero();
            assertThat(check.checks).as("every write acknowledged before the redirect is at the target")
                    .hasSize(2).allSatisfy(c -> assertThat(c).contains(": 0 of "));
            assertThat(writes[0].acknowledged).hasSizeGreaterThan(100);
            assertThat(writes[0].missingAt(f.sites.site("azure"))).isZero();
        }
    }

    @Test
    void aMoveThatCannotDrainWithinMaxPauseIsAbortedAndWritesGoOnAtTheOldSite() throws Exception {
        Writes[] writes = new Writes[1];
        AcknowledgedAtTarget check = new AcknowledgedAtTarget(writes);
        try (Fixture f = new Fixture(config("presync-threshold = 0, presync-timeout = 200 ms, max-pause = 300 ms"));
             FailoverCloud cloud = facade(f, check)) {
            // the target is slow: no copy to it finishes within the pause
            cloud.switchboard().inject("aws", Service.BLOB, "put", Fault.latency(Duration.ofMillis(1500)));
            writes[0] = new Writes(cloud);
            long epoch = cloud.epoch();
            AtomicInteger acknowledgedAtAbort = new AtomicInteger(-1);
            List<RunbookReport> moves = new ArrayList<>();
            Drill.Scenario move = new Drill.Scenario("planned-move", "azure", "manual failover to a slow aws", c -> {
                moves.add(c.failover("aws"));
                acknowledgedAtAbort.set(writes[0].acknowledged.size());
            }, c -> { });

            DrillReport report = Drill.run(cloud, move, writes[0], new Drill.Options(3, Duration.ofMillis(2),
                    Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofMillis(400), false));

            RunbookReport aborted = moves.get(0);
            assertThat(aborted.ok()).isFalse();
            assertThat(aborted.steps()).extracting(RunbookReport.Step::name).containsExactly("reconcile", "pre-sync", "drain");
            assertThat(aborted.steps().get(2).detail()).matches(
                    "MoveAbortedException: \\d+ of \\d+ writes still to replicate to aws after max-pause 300 ms; "
                            + "move aborted, clients stay at azure \\(epoch " + epoch + "\\)");
            assertThat(cloud.activeSite()).isEqualTo("azure");
            assertThat(cloud.epoch()).as("the fence was never raised").isEqualTo(epoch);
            assertThat(check.checks).isEmpty();
            assertThat(cloud.events().history()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
                    FailoverEvent.RunbookStepCompleted.class, s -> {
                        assertThat(s.step()).isEqualTo("drain");
                        assertThat(s.ok()).isFalse();
                    }));
            assertThat(report.siteAfter()).isEqualTo("azure");
            assertThat(report.failedCalls()).isZero();
            assertThat(writes[0].acknowledged.size()).as("writes go on at azure after the abort")
                    .isGreaterThan(acknowledgedAtAbort.get());
            assertThat(writes[0].missingAt(f.sites.site("azure"))).isZero();
        }
    }
}
