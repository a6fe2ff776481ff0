package dev.cloudhop.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.testing.ZooKeeperEnsemble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two application instances as two JVMs on one configuration (sites s1, s2, s3 in priority order, async
 * replication). In instance 1's view s1 and s2 fail, in instance 2's view only s1: each decides alone where to
 * go. The independent checker must see the result: without coordination it is a split brain (s3 and s2 both
 * acknowledging writes at epoch 2); a coordinating mode must leave it nothing to report.
 */
class FleetSplitBrainTest {

    private static final List<String> SITES = List.of("s1", "s2", "s3");

    // SINGLE is today's only mode; ZOOKEEPER and SITES join this list once the facade reads coordination.kind
    @ParameterizedTest
    @EnumSource(value = FleetMode.class, names = {"SINGLE"})
    void instancesThatSeeDifferentSitesFailFailOverOnceBetweenThemOrTheCheckerReportsSplitBrain(FleetMode mode) throws Exception {
        Path run = Files.createTempDirectory("cloudhop-fleet-splitbrain-");
        ZooKeeperEnsemble zk = mode.usesZooKeeper() ? ZooKeeperEnsemble.start(3) : null;
        try (zk; Fleet fleet = Fleet.start(run, mode, SITES, 2, zk == null ? null : zk.connectString(), Duration.ofMillis(20))) {
            // instance 1 loses s2 before s1, so that its one failover goes to s3
            fleet.loseSiteInView(0, "s2");
            fleet.loseSiteInView(0, "s1");
            fleet.loseSiteInView(1, "s1");

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                    !fleet.status(0).contains("active=s1") && !fleet.status(1).contains("active=s1"));
            long[] acked = {acked(fleet.status(0)), acked(fleet.status(1))};
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                    acked(fleet.status(0)) >= acked[0] + 10 && acked(fleet.status(1)) >= acked[1] + 10);
            System.out.println("[fleet] " + fleet.status(0) + " | " + fleet.status(1));

            // replication settles once every view is whole again
            for (String site : SITES) {
                fleet.clearView(0, site);
                fleet.clearView(1, site);
            }
            Map<String, String> stopped = fleet.stopAll();
            System.out.println("[fleet] " + stopped.values());

            FleetReport report = new FleetChecker().check(run, fleet.sites(), 3);
            System.out.println("[fleet] " + mode.kind() + " run in " + run + ": " + report);
            assertThat(report.writesAcked()).isPositive();
            if (mode.preventsSplitBrain()) {
                assertThat(report.violations()).isEmpty();
            } else {
                assertThat(report.violations()).filteredOn(v -> v.rule() == FleetReport.Rule.EPOCH_WITH_TWO_SITES)
                        .anySatisfy(v -> assertThat(v.detail()).startsWith("epoch 2 acknowledged at s2 by [i2], s3 by [i1]"));
                assertThat(report.violates(FleetReport.Rule.DOUBLE_REDIRECT)).as("two failover decisions at epoch 2").isTrue();
                assertThat(report.violates(FleetReport.Rule.DOUBLE_DNS_SWITCH)).as("no DNS record: nothing switched").isFalse();
            }
        }
    }

    private static long acked(String status) {
        return Long.parseLong(status.replaceAll(".* acked=(\\d+).*", "$1"));
    }
}
