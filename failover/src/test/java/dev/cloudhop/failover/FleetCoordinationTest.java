package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.coordination.CoordinationConfig;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.failover.event.FailoverEvent;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances of one configuration over the same three sites ({@code coordination.kind = sites}), each with its
 * own switchboard, so that their views of the sites differ.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetCoordinationTest {

    private static final String SITES_MODE = Fixture.failoverWith("coordination { kind = sites, lease = 300 ms }")
            .replace("client-wait = 3 s", "client-wait = 200 ms");

    /** A facade on the real clock (leases and views age), probed by the test. */
    private static FailoverCloud instance(Fixture f, String id) {
        FailoverConfig config = FailoverConfig.of(f.config);
        CoordinationConfig c = config.coordination();
        return FailoverCloud.builder(f.sites, FailoverConfig.builder().priority(config.priority())
                        .probe(config.probe()).clientWait(config.clientWait()).callTimeout(config.callTimeout())
                        .coordination(new CoordinationConfig(c.kind(), c.share(), c.lease(), java.util.Optional.of(id),
                                c.zookeeperConnect(), c.zookeeperNamespace(), c.zookeeperSessionTimeout()))
                        .build())
                .scheduledProbes(false).build();
    }

    @Test
    void instancesThatSeeDifferentSitesFailEndWithOnePrimaryAndOneEpoch() {
        try (Fixture f = new Fixture(SITES_MODE); FailoverCloud a = instance(f, "a"); FailoverCloud b = instance(f, "b")) {
            run(a, b);
        }
    }

    private static void run(FailoverCloud a, FailoverCloud b) {
        a.blobs().createContainer("orders");
        BlobId id = BlobId.of("orders", "o");
        // in a's view azure and aws fail; in b's only azure
        a.switchboard().inject("azure", Fault.unavailable());
        a.switchboard().inject("aws", Fault.unavailable());
        b.switchboard().inject("azure", Fault.unavailable());

        // every acknowledged write, by (epoch, site)
        Set<String> acked = ConcurrentHashMap.newKeySet();
        Awaitility.await("the fleet moved").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (FailoverCloud c : List.of(a, b)) {
                c.probeNow();
                try {
                    c.blobs().put(id, BlobContent.ofUtf8("x"));
                    acked.add(c.epoch() + " " + c.activeSite());
                } catch (CloudException e) {
                    // refused or unavailable: not acknowledged
                }
            }
            return b.epoch() == 2 && acked.contains("2 aws");
        });
        assertThat(b.activeSite()).as("the fleet's view: azure down (2 of 2), aws up (1 of 2)").isEqualTo("aws");
        assertThat(a.epoch()).as("a, in the minority, never decided").isEqualTo(1);
        assertThat(acked).as("one site per epoch").allSatisfy(w -> assertThat(w).isIn("1 azure", "2 aws"));
        assertThat(acked).doesNotContain("1 azure"); // azure was down for both from the start

        a.switchboard().clearAll();
        Awaitility.await("a follows the fleet").atMost(Duration.ofSeconds(10)).until(() -> a.epoch() == 2);
        assertThat(a.activeSite()).isEqualTo("aws");
        assertThat(a.events().history()).anyMatch(e -> e instanceof FailoverEvent.FleetDecisionAdopted d
                && d.epoch() == 2 && d.site().equals("aws"));
        long redirects = List.of(a, b).stream().flatMap(c -> c.failovers().stream())
                .flatMap(r -> r.steps().stream()).filter(s -> s.name().equals("redirect")).count();
        assertThat(redirects).as("one redirect for epoch 2").isEqualTo(1);
    }

    @Test
    void twoInstancesFailingOverAtOnceLeaveOneWinnerAndTheOtherFollows() {
        try (Fixture f = new Fixture(SITES_MODE.replace("priority = [azure, aws, onprem]",
                "priority = [azure, aws, onprem]\n  automatic = false"));
             FailoverCloud a = instance(f, "a"); FailoverCloud b = instance(f, "b")) {
            race(a, b);
        }
    }

    private static void race(FailoverCloud a, FailoverCloud b) {
        CompletableFuture<RunbookReport> toAws = CompletableFuture.supplyAsync(() -> a.failover("aws"));
        CompletableFuture<RunbookReport> toOnprem = CompletableFuture.supplyAsync(() -> b.failover("onprem"));
        List<RunbookReport> reports = List.of(toAws.join(), toOnprem.join());

        assertThat(reports).filteredOn(RunbookReport::ok).hasSize(1);
        RunbookReport won = reports.stream().filter(RunbookReport::ok).findFirst().orElseThrow();
        RunbookReport lost = reports.stream().filter(r -> !r.ok()).findFirst().orElseThrow();
        assertThat(lost.steps()).anySatisfy(s -> assertThat(s.detail())
                .contains("another instance moved the fleet to " + won.to() + " at epoch 2"));
        assertThat(lost.steps()).extracting(RunbookReport.Step::name).doesNotContain("redirect", "switch-dns", "replay");
        assertThat(List.of(a, b)).allSatisfy(c -> {
            assertThat(c.epoch()).isEqualTo(2);
            assertThat(c.activeSite()).isEqualTo(won.to());
        });
        FailoverCloud loser = won == reports.get(0) ? b : a;
        assertThat(loser.events().history()).anyMatch(e -> e instanceof FailoverEvent.FleetDecisionAdopted);
    }
}
