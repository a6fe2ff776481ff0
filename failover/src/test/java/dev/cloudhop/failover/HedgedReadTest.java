package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.drill.Fault;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Hedged reads: a read slower than its site's recent p99 is sent again to a replica that holds every write of the
 * blob, the first answer wins, and a replica that has yet to receive a write is never asked. Local sites, the slow
 * read made slow by the switchboard.
 */
class HedgedReadTest {

    private static final BlobId ID = BlobId.of("catalog", "p1");
    private static final String HEDGE = "hedge { reads = true, percentile = 99, min-delay = 10 ms }";

    private static double counter(FailoverCloud cloud, String name) {
        return cloud.meters().get(name).functionCounter().count();
    }

    /** Writes the blob, lets it replicate, and warms the active site's latency window with fast reads. */
    private static void warm(FailoverCloud cloud, String content) {
        cloud.blobs().createContainer("catalog");
        cloud.blobs().put(ID, BlobContent.ofUtf8(content));
        assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
        for (int i = 0; i < 40; i++) {
            cloud.blobs().get(ID).ifPresent(Blob::readAllBytes);
        }
    }

    private static String read(FailoverCloud cloud) {
        Optional<Blob> blob = cloud.blobs().get(ID);
        assertThat(blob).isPresent();
        return new String(blob.get().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aReadSlowerThanTheSitesP99IsAnsweredByAnUpToDateReplica() {
        try (Fixture f = new Fixture(Fixture.failoverWith(HEDGE)); FailoverCloud cloud = f.facade()) {
            warm(cloud, "v1");
            assertThat(counter(cloud, "cloudhop.reads.hedged")).isZero();

            cloud.switchboard().inject("azure", Service.BLOB, "get", Fault.latency(Duration.ofMillis(250)));

            assertThat(read(cloud)).isEqualTo("v1");
            assertThat(counter(cloud, "cloudhop.reads.hedged")).isEqualTo(1);
            assertThat(counter(cloud, "cloudhop.reads.hedged.won")).as("aws answered before azure's 250 ms").isEqualTo(1);
            assertThat(cloud.activeSite()).as("a hedged read moves nothing").isEqualTo("azure");
        }
    }

    @Test
    void aReplicaThatHasYetToReceiveTheNewestWriteIsNeverAsked() {
        try (Fixture f = new Fixture(Fixture.failoverWith(HEDGE)); FailoverCloud cloud = f.facade()) {
            warm(cloud, "v1");
            // v2's copy to aws (first in line for a hedge) takes 3 s: aws is up but behind; onprem gets it at once
            cloud.switchboard().inject("aws", Service.BLOB, "put", Fault.latency(Duration.ofSeconds(3)));
            cloud.blobs().put(ID, BlobContent.ofUtf8("v2"));
            Awaitility.await("onprem's copy of v2").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !cloud.replicationBehind("onprem", ID));
            assertThat(cloud.replicationBehind("aws", ID)).isTrue();
            cloud.switchboard().inject("azure", Service.BLOB, "get", Fault.latency(Duration.ofMillis(250)));

            assertThat(read(cloud)).as("aws still holds v1: it must not answer").isEqualTo("v2");
            assertThat(counter(cloud, "cloudhop.reads.hedged")).isEqualTo(1);
            assertThat(counter(cloud, "cloudhop.reads.hedged.won")).as("onprem answered").isEqualTo(1);
        }
    }

    @Test
    void readsAreNotHedgedUnlessConfigured() {
        try (Fixture f = new Fixture(); FailoverCloud cloud = f.facade()) {
            warm(cloud, "v1");
            cloud.switchboard().inject("azure", Service.BLOB, "get", Fault.latency(Duration.ofMillis(100)));

            assertThat(read(cloud)).isEqualTo("v1");
            assertThat(counter(cloud, "cloudhop.reads.hedged")).isZero();
        }
    }

    @Test
    void hedgeSettingsOutOfRangeAreNamedByKey() {
        assertThat(FailoverConfig.validate(java.util.Map.of("priority", java.util.List.of("a", "b"),
                        "hedge", java.util.Map.of("percentile", 0, "min-delay", "-1 ms", "sometimes", true)),
                java.util.List.of("a", "b"), "test.conf").getError().map(p -> p.key()).toJavaList())
                .contains("failover.hedge.percentile", "failover.hedge.min-delay", "failover.hedge.sometimes");
    }
}
