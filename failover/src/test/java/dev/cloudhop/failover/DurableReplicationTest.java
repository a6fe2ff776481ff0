package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.replication.ReconcileReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication that never forgets: the backlog journaled across a restart of the facade, and reconciliation, which
 * repairs replicas however they diverged. Sites are read through their own clients, not through the facade. (The
 * same guarantee across a SIGKILL of a separate process: {@code FleetReplicationCrashTest} in the samples.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurableReplicationTest {

    private static final String TWO_SITES = """
            sites {
              azure { provider = local, region = westeurope }
              aws   { provider = local, region = us-east-1 }
            }
            """;

    @TempDir
    Path journal;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Fixture fixture;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Fixture sites() {
        if (fixture == null) {
            fixture = new Fixture(TWO_SITES, failover(""));
            toClose.add(fixture);
        }
        return fixture;
    }

    private static String failover(String replication) {
        return """
                failover {
                  priority = [azure, aws]
                  automatic = false
                  probe { interval = 100 ms, timeout = 500 ms, tolerated-failures = 2 }
                  client-wait = 3 s
                  call-timeout = 300 ms
                  replication { mode = async, %s }
                }
                """.formatted(replication);
    }

    /** A facade over the shared sites with {@code replication} keys. */
    private FailoverCloud facade(String replication) {
        Fixture f = sites();
        FailoverCloud cloud = FailoverCloud.builder(f.sites, FailoverConfig.of(config(replication)))
                .clock(f.clock).scheduledProbes(false).build();
        toClose.add(cloud);
        return cloud;
    }

    private static CloudhopConfig config(String replication) {
        return CloudhopConfig.parse(TWO_SITES + failover(replication), "test.conf", Map.of(), ProviderRegistry.discover());
    }

    private String journalKeys(boolean reconcileAtStart) {
        return "journal { directory = \"" + journal + "\", fsync = true }, reconcile-at-start = " + reconcileAtStart;
    }

    private BlobStore raw(String site) {
        return sites().sites.site(site).blobs();
    }

    /** Name to content of a container at a site, read through the site's own client. */
    private Map<String, String> contents(String site, String container) {
        BlobStore store = raw(site);
        if (!store.containerExists(container)) {
            return Map.of();
        }
        try (var entries = store.list(container)) {
            return entries.filter(e -> e instanceof BlobEntry.Item).map(e -> ((BlobEntry.Item) e).id())
                    .collect(Collectors.toMap(BlobId::name, id -> store.get(id).map(b -> new String(b.readAllBytes(),
                            StandardCharsets.UTF_8)).orElse("<gone>"), (x, y) -> x, TreeMap::new));
        }
    }

    @Test
    void writesAcknowledgedBeforeARestartReachTheReplicaAfterIt() {
        FailoverCloud first = facade(journalKeys(false));
        first.blobs().createContainer("orders");
        first.switchboard().inject("aws", Service.BLOB, Fault.unavailable());
        Map<String, String> acked = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            first.blobs().put(BlobId.of("orders", "o" + i), BlobContent.ofUtf8("order " + i));
            acked.put("o" + i, "order " + i);
        }
        first.blobs().delete(BlobId.of("orders", "o3"));
        acked.remove("o3");
        assertThat(first.replicationBacklog("aws")).isGreaterThanOrEqualTo(20);
        first.close(); // the backlog is not replicated: aws is still failing in this facade's view
        assertThat(contents("aws", "orders")).doesNotContainKey("o7");

        FailoverCloud second = facade(journalKeys(false)); // no reconciliation: the journal alone must do it
        Awaitility.await("the journaled backlog replicated").atMost(Duration.ofSeconds(20))
                .until(() -> second.replicationBacklog("aws") == 0);
        assertThat(contents("aws", "orders")).isEqualTo(acked).isEqualTo(contents("azure", "orders"));
    }

    @Test
    void syncWritesAcknowledgedAsDegradedSurviveARestartInTheJournal() {
        String keys = "mode = sync, on-insufficient-replicas = degrade, " + journalKeys(false);
        FailoverCloud degraded = facade(keys);
        degraded.blobs().createContainer("ledger");
        degraded.switchboard().inject("aws", Service.BLOB, Fault.unavailable());
        for (int i = 0; i < 5; i++) {
            degraded.blobs().put(BlobId.of("ledger", "t" + i), BlobContent.ofUtf8("entry " + i));
        }
        assertThat(contents("aws", "ledger")).isEmpty();
        degraded.close();

        FailoverCloud restarted = facade(keys);
        Awaitility.await("the degraded writes replicated after the restart").atMost(Duration.ofSeconds(20))
                .until(() -> restarted.replicationBacklog("aws") == 0);
        assertThat(contents("aws", "ledger")).hasSize(5).isEqualTo(contents("azure", "ledger"));
    }

    @Test
    void withoutAJournalARestartForgetsAndOnlyReconciliationRepairs() {
        FailoverCloud first = facade("reconcile-at-start = false");
        first.blobs().createContainer("orders");
        first.switchboard().inject("aws", Service.BLOB, Fault.unavailable());
        for (int i = 0; i < 10; i++) {
            first.blobs().put(BlobId.of("orders", "o" + i), BlobContent.ofUtf8("order " + i));
        }
        first.close();
        FailoverCloud forgetful = facade("reconcile-at-start = false");
        assertThat(forgetful.replicationBacklog("aws")).isZero();
        forgetful.close();

        List<FailoverEvent.Reconciled> events = new CopyOnWriteArrayList<>();
        FailoverCloud repaired = FailoverCloud.builder(sites().sites, FailoverConfig.of(config("reconcile-at-start = true")))
                .clock(sites().clock).scheduledProbes(false).build();
        toClose.add(repaired);
        repaired.events().subscribe(e -> {
            if (e instanceof FailoverEvent.Reconciled r) {
                events.add(r);
            }
        });
        Awaitility.await("reconciled at start").atMost(Duration.ofSeconds(20))
                .until(() -> contents("aws", "orders").equals(contents("azure", "orders")));
        assertThat(contents("aws", "orders")).hasSize(10);
    }

    @Test
    void reconciliationRepairsAReplicaWrittenBehindCloudhopsBack() {
        FailoverCloud cloud = facade("reconcile-at-start = false");
        cloud.blobs().createContainer("orders");
        for (int i = 0; i < 10; i++) {
            cloud.blobs().put(BlobId.of("orders", "o" + i), BlobContent.ofUtf8("order " + i));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cloud.replicationBacklog("aws") == 0);
        List<FailoverEvent.Reconciled> events = new CopyOnWriteArrayList<>();
        cloud.events().subscribe(e -> {
            if (e instanceof FailoverEvent.Reconciled r) {
                events.add(r);
            }
        });
        // behind Cloudhop's back: same size other content, one deleted, one extra, one written at the primary only
        raw("aws").put(BlobId.of("orders", "o1"), BlobContent.ofUtf8("ORDER 1"));
        raw("aws").delete(BlobId.of("orders", "o2"));
        raw("aws").put(BlobId.of("orders", "stray"), BlobContent.ofUtf8("not ours"));
        raw("azure").put(BlobId.of("orders", "o10"), BlobContent.ofUtf8("order 10"));

        ReconcileReport report = cloud.reconcile(Duration.ofSeconds(10));

        assertThat(report.source()).isEqualTo("azure");
        ReconcileReport.Target aws = report.targets().get(0);
        assertThat(aws.site()).isEqualTo("aws");
        assertThat(aws.compared()).isEqualTo(11);
        assertThat(aws.missing()).isEqualTo(2);
        assertThat(aws.extra()).isEqualTo(1);
        assertThat(aws.differing()).isEqualTo(1);
        assertThat(aws.repaired()).isEqualTo(4);
        assertThat(report.converged()).isTrue();
        assertThat(contents("aws", "orders")).isEqualTo(contents("azure", "orders")).hasSize(11)
                .containsEntry("o1", "order 1").doesNotContainKey("stray");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.target()).isEqualTo("aws");
            assertThat(e.diverged()).isEqualTo(4);
        });
        // a second pass finds nothing
        assertThat(cloud.reconcile(Duration.ofSeconds(5)).diverged()).isZero();
        assertThat(cloud.meters().get("cloudhop.reconcile.diverged").tag("site", "aws").functionCounter().count())
                .isEqualTo(4.0);
    }

    @Test
    void aPlannedFailbackReconcilesItsTargetFirstAndReportsIt() {
        FailoverCloud cloud = facade("reconcile-at-start = false");
        cloud.blobs().createContainer("orders");
        assertThat(cloud.failover("aws").ok()).isTrue();
        cloud.blobs().put(BlobId.of("orders", "after-failover"), BlobContent.ofUtf8("x"));
        raw("azure").put(BlobId.of("orders", "stale"), BlobContent.ofUtf8("left behind"));

        RunbookReport back = cloud.failback();

        assertThat(back.ok()).isTrue();
        assertThat(back.steps()).filteredOn(s -> s.name().equals("reconcile")).singleElement()
                .satisfies(s -> assertThat(s.detail()).contains("1 extra"));
        assertThat(contents("azure", "orders")).containsOnlyKeys("after-failover");
    }

    @Test
    void twoFacadesCannotShareAJournal() {
        facade(journalKeys(false));
        assertThatThrownBy(() -> facade(journalKeys(false))).hasMessageContaining("replication.journal.directory")
                .hasMessageContaining("in use");
    }
}
