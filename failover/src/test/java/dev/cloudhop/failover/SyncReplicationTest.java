package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.failover.event.FailoverEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code replication.mode = sync}: a write is acknowledged only once {@code min-replicas} other sites hold it; the
 * switchboard fails the DR site's blob service, and {@code on-insufficient-replicas} decides. Sites are checked
 * through their own clients, not through the facade.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyncReplicationTest {

    private static final String TWO_SITES = """
            sites {
              azure { provider = local, region = westeurope }
              aws   { provider = local, region = us-east-1 }
            }
            """;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private FailoverCloud facade(String sites, String priority, String replication) {
        Fixture f = new Fixture(sites, """
                failover {
                  priority = %s
                  automatic = false
                  probe { interval = 100 ms, timeout = 500 ms, tolerated-failures = 2 }
                  client-wait = 3 s
                  call-timeout = 300 ms
                  replication { mode = sync, %s }
                }
                """.formatted(priority, replication));
        toClose.add(f);
        FailoverCloud cloud = f.facade();
        toClose.add(cloud);
        cloud.blobs().createContainer("ledger");
        return cloud;
    }

    private static String text(FailoverCloud cloud, String site, BlobId id) {
        return cloud.rawSite(site).blobs().get(id).map(b -> new String(b.readAllBytes(), StandardCharsets.UTF_8)).orElse(null);
    }

    private static void awaitAt(FailoverCloud cloud, String site, BlobId id, String expected) {
        Awaitility.await(id + " at " + site).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> expected.equals(text(cloud, site, id)));
    }

    @Test
    void failRefusesToAcknowledgeAWriteNoReplicaTookAndReplicatesItLater() {
        FailoverCloud cloud = facade(TWO_SITES, "[azure, aws]", "on-insufficient-replicas = fail");
        cloud.switchboard().inject("aws", Service.BLOB, Fault.unavailable());
        BlobId id = BlobId.of("ledger", "t1");

        assertThatThrownBy(() -> cloud.blobs().put(id, BlobContent.ofUtf8("debit 10")))
                .isInstanceOfSatisfying(UnavailableException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("taken by 0 of the 1 replicas required (replication.min-replicas)")
                .hasMessageContaining("missing: aws (UnavailableException")
                .hasMessageContaining("stays in the replication backlog");

        assertThat(text(cloud, "azure", id)).as("the primary took the write").isEqualTo("debit 10");
        assertThat(text(cloud, "aws", id)).isNull();
        assertThat(cloud.replicationBacklog("aws")).isEqualTo(1);
        assertThat(cloud.events().history()).noneMatch(FailoverEvent.ReplicationDegraded.class::isInstance);

        cloud.switchboard().clear("aws");
        cloud.probeNow();
        awaitAt(cloud, "aws", id, "debit 10");
        cloud.blobs().put(id, BlobContent.ofUtf8("debit 10"));
        assertThat(cloud.replicationBacklog("aws")).as("the retry is acknowledged once aws holds it").isZero();
    }

    @Test
    void degradeAcknowledgesTheWriteAndSaysSoByEventMeterAndLag() {
        FailoverCloud cloud = facade(TWO_SITES, "[azure, aws]", "on-insufficient-replicas = degrade");
        cloud.switchboard().inject("aws", Service.BLOB, Fault.unavailable());
        BlobId id = BlobId.of("ledger", "t2");

        cloud.blobs().put(id, BlobContent.ofUtf8("credit 5"));

        assertThat(text(cloud, "aws", id)).isNull();
        assertThat(cloud.events().history()).filteredOn(FailoverEvent.ReplicationDegraded.class::isInstance).singleElement()
                .satisfies(e -> {
                    FailoverEvent.ReplicationDegraded d = (FailoverEvent.ReplicationDegraded) e;
                    assertThat(d.source()).isEqualTo("azure");
                    assertThat(d.missing()).containsExactly("aws");
                    assertThat(d.blob()).isEqualTo("ledger/t2");
                    assertThat(d.reason()).startsWith("aws (UnavailableException");
                });
        assertThat(cloud.meters().get("cloudhop.replication.degraded").tag("site", "aws").functionCounter().count())
                .isEqualTo(1.0);
        assertThat(cloud.meters().get("cloudhop.replication.degraded").tag("site", "azure").functionCounter().count())
                .isZero();
        assertThat(cloud.replicationBacklog("aws")).as("the RPO counts it").isEqualTo(1);

        cloud.switchboard().clear("aws");
        cloud.probeNow();
        awaitAt(cloud, "aws", id, "credit 5");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cloud.replicationBacklog("aws") == 0);
    }

    @Test
    void twoReplicasOfThreeSitesAreRequiredWhenMinReplicasIsTwo() {
        FailoverCloud cloud = facade(Fixture.SITES, "[azure, aws, onprem]", "min-replicas = 2");
        BlobId both = BlobId.of("ledger", "t3");
        cloud.blobs().put(both, BlobContent.ofUtf8("both"));
        assertThat(text(cloud, "aws", both)).isEqualTo("both");
        assertThat(text(cloud, "onprem", both)).isEqualTo("both");

        cloud.switchboard().inject("onprem", Service.BLOB, Fault.unavailable());
        BlobId one = BlobId.of("ledger", "t4");
        assertThatThrownBy(() -> cloud.blobs().put(one, BlobContent.ofUtf8("one")))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("taken by 1 of the 2 replicas required")
                .hasMessageContaining("missing: onprem (")
                .hasMessageNotContaining("aws (");
        assertThat(text(cloud, "aws", one)).as("the replica that could take it has it").isEqualTo("one");
        assertThat(cloud.replicationBacklog("onprem")).isEqualTo(1);
        assertThat(cloud.replicationBacklog("aws")).isZero();

        assertThatThrownBy(() -> cloud.blobs().delete(both)).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("blob.delete ledger/t3");
        assertThat(cloud.rawSite("aws").blobs().stat(both)).isEmpty();
    }
}
