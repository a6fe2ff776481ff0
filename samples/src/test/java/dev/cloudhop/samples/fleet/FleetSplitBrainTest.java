package dev.cloudhop.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.testing.ZooKeeperEnsemble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two application instances as two JVMs on one configuration (sites s1, s2, s3 in priority order, async
 * replication). In instance 1's view s1 and s2 fail, in instance 2's view only s1: each decides alone where to
 * go. The independent checker must see the result: without coordination it is a split brain (s3 and s2 both
 * acknowledging writes at epoch 2) unless the instances happen to meet at one site's conditional fence, where the
 * loser follows the winner; a coordinating mode must leave it nothing to report.
 */
class FleetSplitBrainTest {

    private static final List<String> SITES = List.of("s1", "s2", "s3");

    @ParameterizedTest
    @EnumSource(value = FleetMode.class, names = {"SINGLE", "SITES", "ZOOKEEPER"})
    void instancesThatSeeDifferentSitesFailFailOverOnceBetweenThemOrTheCheckerReportsSplitBrain(FleetMode mode) throws Exception {
        Path run = Files.createTempDirectory("cloudhop-fleet-splitbrain-");
        ZooKeeperEnsemble zk = mode.usesZooKeeper() ? ZooKeeperEnsemble.start(3) : null;
        try (zk; Fleet fleet = Fleet.start(run, mode, SITES, 2, zk == null ? null : zk.connectString(), Duration.ofMillis(20))) {
            // instance 1 loses s2 before s1, so that its one failover goes to s3
            fleet.loseSiteInView(0, "s2");
            fleet.loseSiteInView(0, "s1");
            fleet.loseSiteInView(1, "s1");

            // alone, each instance moves by its own view (instance 1 may instead meet instance 2's fence at s3 and
            // follow it to s2, where it cannot write); coordinated, instance 1 (it reaches one site of three) is in the
            // minority: it may neither move the fleet nor acknowledge writes until its view heals
            if (!mode.preventsSplitBrain()) {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                        !fleet.status(0).contains("active=s1") && !fleet.status(1).contains("active=s1"));
            }
            boolean split = !mode.preventsSplitBrain() && !where(fleet.status(0)).equals(where(fleet.status(1)));
            // instance 1 writes only where it still reaches a site: s3
            List<Integer> movers = mode.preventsSplitBrain() || fleet.status(0).contains("active=s2") ? List.of(1) : List.of(0, 1);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                    movers.stream().noneMatch(i -> fleet.status(i).contains("active=s1")));
            Map<Integer, Long> acked = new HashMap<>();
            movers.forEach(i -> acked.put(i, acked(fleet.status(i))));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                    movers.stream().allMatch(i -> acked(fleet.status(i)) >= acked.get(i) + 10));
            System.out.println("[fleet] " + fleet.status(0) + " | " + fleet.status(1));

            // replication settles once every view is whole again
            for (String site : SITES) {
                fleet.clearView(0, site);
                fleet.clearView(1, site);
            }
            if (mode.preventsSplitBrain()) {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                        where(fleet.status(0)).equals(where(fleet.status(1))));
                System.out.println("[fleet] healed: " + fleet.status(0) + " | " + fleet.status(1));
            }
            Map<String, String> stopped = fleet.stopAll();
            System.out.println("[fleet] " + stopped.values());

            FleetReport report = new FleetChecker().check(run, fleet.sites(), 3);
            System.out.println("[fleet] " + mode.kind() + " run in " + run + ": " + report);
            assertThat(report.writesAcked()).isPositive();
            if (!split) {
                assertThat(report.violations()).isEmpty();
            } else {
                assertThat(report.violations()).filteredOn(v -> v.rule() == FleetReport.Rule.EPOCH_WITH_TWO_SITES)
                        .anySatisfy(v -> assertThat(v.detail()).startsWith("epoch 2 acknowledged at s2 by [i2], s3 by [i1]"));
                assertThat(report.violates(FleetReport.Rule.DOUBLE_REDIRECT)).as("two failover decisions at epoch 2").isTrue();
                assertThat(report.violates(FleetReport.Rule.DOUBLE_DNS_SWITCH)).as("no DNS record: nothing switched").isFalse();
            }
        }
    }

    private static String where(String status) {
        return status.replaceAll(".* (active=\\S+ epoch=\\d+).*", "$1");
    }

    private static long acked(String status) {
        return Long.parseLong(status.replaceAll(".* acked=(\\d+).*", "$1"));
    }
}
