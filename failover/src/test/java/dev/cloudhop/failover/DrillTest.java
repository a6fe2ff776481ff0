package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Drills with a plain blob-writing workload against facades with scheduled probes (real time). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrillTest {

    /** Writes one blob per call and checks at the end that every acknowledged write is readable. */
    private static final class Writes implements Drill.Workload {
        private final FailoverCloud cloud;
        private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

        Writes(FailoverCloud cloud) {
            this.cloud = cloud;
            cloud.blobs().createContainer("drill");
        }

        @Override
        public void call(int client, long seq) {
            String name = "c" + client + "-" + seq;
            cloud.blobs().put(BlobId.of("drill", name), BlobContent.ofUtf8(name));
            acknowledged.add(name);
        }

        @Override
        public Map<String, Object> verify() {
            long missing = acknowledged.stream().filter(n -> cloud.blobs().stat(BlobId.of("drill", n)).isEmpty()).count();
            return Map.of("acknowledged", acknowledged.size(), "missingAtActiveSite", missing);
        }
    }

    private static FailoverCloud facade(Fixture f) {
        return FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).build();
    }

    @Test
    void aRegionOutageIsDetectedAndClientsRecoverAtTheSecondary() throws Exception {
        try (Fixture f = new Fixture(); FailoverCloud cloud = facade(f)) {
            DrillReport report = Drill.run(cloud, Drill.Scenario.regionOutage("azure"), new Writes(cloud),
                    new Drill.Options(2, Duration.ofMillis(5), Duration.ofMillis(300), Duration.ofSeconds(1),
                            Duration.ofMillis(300), false));
            assertThat(report.siteAfter()).isEqualTo("aws");
            assertThat(report.detection()).isNotNull();
            assertThat(report.rto()).as("detection under traffic is the feature: generous bound").isLessThan(Duration.ofSeconds(2));
            assertThat(report.rto()).as("clients cannot be served at the new site before the fault is detected")
                    .isGreaterThanOrEqualTo(report.detection());
            assertThat(report.runbooks()).singleElement().satisfies(r -> assertThat(r.ok()).isTrue());
            assertThat(report.timeline()).anySatisfy(e -> assertThat(e.what()).startsWith("clients redirected azure -> aws"));
            assertThat(report.summary()).contains("RTO", "RPO");
        }
    }

    @Test
    void theReportLaysTheFailoverOnTheDrillsTimeAndCountsCallsPer100Ms() throws Exception {
        try (Fixture f = new Fixture(); FailoverCloud cloud = facade(f)) {
            DrillReport report = Drill.run(cloud, Drill.Scenario.regionOutage("azure"), new Writes(cloud),
                    new Drill.Options(2, Duration.ofMillis(5), Duration.ofMillis(300), Duration.ofSeconds(1),
                            Duration.ofMillis(300), false));

            assertThat(report.faultAt()).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(report.took());
            assertThat(report.redirect()).as("clients were redirected after the fault was detected")
                    .isNotNull().isGreaterThanOrEqualTo(report.detection());
            assertThat(report.runbookStarts()).hasSameSizeAs(report.runbooks());
            RunbookReport failover = report.runbooks().get(0);
            Duration runbookStart = report.runbookStarts().get(0);
            assertThat(runbookStart).as("the runbook began after the fault").isGreaterThanOrEqualTo(report.faultAt());
            RunbookReport.Step redirect = failover.steps().stream().filter(s -> s.name().equals("redirect")).findFirst().orElseThrow();
            assertThat(failover.steps()).allSatisfy(s -> assertThat(s.at()).isNotNull());
            assertThat(failover.steps()).extracting(RunbookReport.Step::at).isSorted();
            // clients are redirected during the redirect step; the runbook's start is placed from its completion event,
            // which arrives a few microseconds after the runbook measured its duration: 1 ms of slack covers that
            Duration redirected = report.faultAt().plus(report.redirect());
            Duration slack = Duration.ofMillis(1);
            assertThat(runbookStart.plus(redirect.at())).as("the redirect step began before clients were redirected")
                    .isLessThanOrEqualTo(redirected.plus(slack));
            assertThat(runbookStart.plus(redirect.at()).plus(redirect.took())).as("and ended after")
                    .isGreaterThanOrEqualTo(redirected.minus(slack));
            assertThat(report.callsPer100ms()).as("one bucket per 100 ms of the drill")
                    .hasSize((int) (report.took().toMillis() / 100) + 1);
            assertThat(report.callsPer100ms().stream().mapToInt(Integer::intValue).sum()).isEqualTo(report.calls());
            assertThat(report.failedCallsPer100ms().stream().mapToInt(Integer::intValue).sum()).isEqualTo(report.failedCalls());
            int firstFailed = report.failedCallsPer100ms().indexOf(report.failedCallsPer100ms().stream()
                    .filter(n -> n > 0).findFirst().orElse(-1));
            if (report.failedCalls() > 0) {
                assertThat(firstFailed * 100L).as("no call failed before the fault")
                        .isGreaterThanOrEqualTo(report.faultAt().toMillis() - 100);
            }
        }
    }

    @Test
    void sendsCapturedLocallyDuringTheOutageDoNotEndTheRto() throws Exception {
        try (Fixture f = new Fixture(); FailoverCloud cloud = facade(f)) {
            cloud.queues().createQueue("drill");
            Drill.Workload sends = (client, seq) -> cloud.queues().send("drill", OutgoingMessage.of("m" + client + "-" + seq));
            DrillReport report = Drill.run(cloud, Drill.Scenario.regionOutage("azure"), sends,
                    new Drill.Options(2, Duration.ofMillis(5), Duration.ofMillis(300), Duration.ofSeconds(1),
                            Duration.ofMillis(300), false));
            assertThat(report.siteAfter()).isEqualTo("aws");
            assertThat(report.failedCalls()).as("sends the site cannot take are captured, not failed").isZero();
            assertThat(report.rto()).as("the clients' work reaches the new site only after the redirect")
                    .isGreaterThanOrEqualTo(report.detection()).isPositive();
        }
    }

    @Test
    void networkLatencySlowsCallsWithoutAFailover() throws Exception {
        try (Fixture f = new Fixture(); FailoverCloud cloud = facade(f)) {
            Writes writes = new Writes(cloud);
            DrillReport report = Drill.run(cloud, Drill.Scenario.networkLatency("azure", Duration.ofMillis(30)), writes,
                    new Drill.Options(1, Duration.ofMillis(5), Duration.ofMillis(200), Duration.ofMillis(600),
                            Duration.ofMillis(100), false));
            assertThat(report.siteAfter()).isEqualTo("azure");
            assertThat(report.failedCalls()).isZero();
            assertThat(report.rto()).isZero();
            assertThat(report.runbooks()).isEmpty();
            assertThat(report.workload()).containsEntry("missingAtActiveSite", 0L);
        }
    }

    @Test
    void aBlackholedNetworkFailsOverAfterTheCallTimeout() throws Exception {
        try (Fixture f = new Fixture(); FailoverCloud cloud = facade(f)) {
            DrillReport report = Drill.run(cloud, Drill.Scenario.networkOutage("azure"), new Writes(cloud),
                    new Drill.Options(2, Duration.ofMillis(5), Duration.ofMillis(200), Duration.ofSeconds(2),
                            Duration.ofMillis(200), false));
            assertThat(report.siteAfter()).isEqualTo("aws");
            assertThat(report.rto()).as("call timeout 300 ms, probe timeout 500 ms").isLessThan(Duration.ofSeconds(3));
            assertThat(report.rto()).as("calls that hang through the failover are part of the outage")
                    .isGreaterThanOrEqualTo(report.detection()).isPositive();
        }
    }
}
