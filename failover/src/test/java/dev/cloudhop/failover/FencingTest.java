package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.failover.event.FailoverEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fence every write and send passes: fail closed when it cannot be read, conditional fence writes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FencingTest {

    private static final String MANUAL = Fixture.failoverWith("automatic = false").replace("client-wait = 3 s", "client-wait = 300 ms");
    private static final BlobId FENCE = BlobId.of(FailoverCloud.SYSTEM_CONTAINER, "fence");

    @Test
    void aFenceThatCannotBeReadRefusesWritesAndSendsAtThatSiteAndSaysWhy() {
        try (Fixture f = new Fixture(MANUAL); FailoverCloud cloud = f.facade()) {
            cloud.blobs().createContainer("catalog");
            cloud.queues().createQueue("orders");
            cloud.switchboard().inject("azure", Service.BLOB, "get", Fault.unavailable()); // the fence's read only
            f.clock.advance(Duration.ofSeconds(2)); // past the fence's one-second reuse

            BlobId id = BlobId.of("catalog", "item-1");
            assertThatThrownBy(() -> cloud.blobs().put(id, BlobContent.ofUtf8("v1")))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("write refused at site azure")
                    .hasMessageContaining("fence (cloudhop-system/fence) is unreadable")
                    .satisfies(e -> assertThat(((UnavailableException) e).retryable()).isTrue());
            assertThat(cloud.rawSite("azure").blobs().get(id)).as("nothing written at azure").isEmpty();
            assertThat(cloud.rawSite("aws").blobs().get(id)).as("nothing written elsewhere").isEmpty();

            String sent = cloud.queues().send("orders", OutgoingMessage.of("o-1"));
            assertThat(sent).as("a send the fence cannot confirm is kept for a fenced replay").startsWith("captured:");
            assertThat(cloud.rawSite("azure").queues().approximateDepth("orders")).isZero();

            cloud.switchboard().clearAll();
            cloud.blobs().put(id, BlobContent.ofUtf8("v1"));
            assertThat(cloud.rawSite("azure").blobs().get(id)).isPresent();
        }
    }

    @Test
    void aStaleInstanceCannotSendOrWriteAtAFencedSite() {
        try (Fixture f = new Fixture(MANUAL); FailoverCloud a = f.facade(); FailoverCloud b = f.facade()) {
            a.queues().createQueue("orders");
            a.failover("aws");
            f.clock.advance(Duration.ofSeconds(2));
            // b still believes azure at epoch 1; azure's fence says epoch 2 for aws
            assertThatThrownBy(() -> b.queues().send("orders", OutgoingMessage.of("o-1")))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("another instance moved the fleet to aws");
            assertThat(b.activeSite()).isEqualTo("aws");
            assertThat(b.epoch()).isEqualTo(a.epoch());
            assertThat(b.events().history()).anyMatch(e -> e instanceof FailoverEvent.WriteFenced);
            assertThat(f.sites.site("azure").queues().approximateDepth("orders")).isZero();
        }
    }

    @Test
    void aFenceWriteNeverOverwritesAnEpochAnotherInstanceDecided() {
        try (Fixture f = new Fixture(MANUAL); FailoverCloud a = f.facade(); FailoverCloud b = f.facade()) {
            a.failover("aws");
            // b, still at epoch 1, decides to move to onprem: its fence step finds epoch 2 decided and stops
            RunbookReport report = b.failover("onprem");
            assertThat(report.ok()).isFalse();
            assertThat(report.steps()).anySatisfy(s -> assertThat(s.detail())
                    .contains("another instance moved the fleet to aws at epoch 2"));
            assertThat(report.steps()).noneMatch(s -> s.name().equals("redirect"));
            assertThat(b.activeSite()).isEqualTo("aws");
            assertThat(b.epoch()).isEqualTo(2);
            for (String site : f.config.sites().stream().map(s -> s.id()).toList()) {
                assertThat(new String(f.sites.site(site).blobs().get(FENCE).orElseThrow().readAllBytes(), StandardCharsets.UTF_8))
                        .as("fence at " + site).isEqualTo("2 aws");
            }
        }
    }
}
