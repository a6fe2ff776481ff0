package dev.cloudhop.failover.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.failover.event.FailoverEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With {@code detection.kind = phi}, a site that stops answering (a switchboard blackhole: calls hang, no error)
 * is found down from its unanswered calls while they still wait: long before the call timeout or the probes'
 * count could say so. The calls it holds are cancelled and retried at the site the facade failed over to.
 */
class PhiDetectionFailoverTest {

    private static final String SITES = """
            sites {
              azure { provider = local, region = westeurope }
              aws   { provider = local, region = us-east-1 }
            }
            """;

    private static final String CONFIG = SITES + """
            failover {
              priority = [azure, aws]
              probe { interval = 30 s, timeout = 30 s, tolerated-failures = 2 }
              detection { kind = phi }
              call-timeout = 20 s
              client-wait = 20 s
            }
            """;

    private static FailoverCloud open(String configText) {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(configText, "phi.conf", Map.of(), providers);
        Sites sites = Cloudhop.open(config, providers);
        return FailoverCloud.builder(sites, FailoverConfig.of(config)).closeSitesOnClose().build();
    }

    /** 100 answered puts at azure: the latencies its detector learns. */
    private static void warm(FailoverCloud cloud) {
        cloud.blobs().createContainer("catalog");
        for (int i = 0; i < 100; i++) {
            cloud.blobs().put(BlobId.of("catalog", "p" + i), BlobContent.ofUtf8("v" + i));
        }
    }

    @Test
    void aFrozenSiteIsFoundDownWhileItsCallsStillWaitAndTheFacadeFailsOver() throws Exception {
        try (FailoverCloud cloud = open(CONFIG)) {
            List<String> downs = new CopyOnWriteArrayList<>();
            cloud.events().subscribe(e -> {
                if (e instanceof FailoverEvent.SiteHealthChanged h && !h.up()) {
                    downs.add(h.site() + "/" + h.service().key() + ": " + h.reason());
                }
            });
            warm(cloud);

            cloud.switchboard().inject("azure", Service.BLOB, Fault.blackhole());
            long frozenAt = System.nanoTime();
            CompletableFuture<Object> stuck = CompletableFuture.supplyAsync(
                    () -> cloud.blobs().put(BlobId.of("catalog", "late"), BlobContent.ofUtf8("x")));

            // the bound is the feature: found down while the stuck call has 20 s to go, and failed over
            await().atMost(Duration.ofSeconds(10)).until(() -> cloud.activeSite().equals("aws"));
            long detectedMs = (System.nanoTime() - frozenAt) / 1_000_000;
            System.out.println("[phi] frozen azure found down and left after " + detectedMs + " ms: " + downs);
            assertThat(downs).anySatisfy(d -> assertThat(d).startsWith("azure/blob: phi ").contains("call(s) in flight cancelled"));
            // the call the frozen site held was cut, not waited out (20 s), and retried at the new site
            assertThat(stuck.get(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(cloud.rawSite("aws").blobs().get(BlobId.of("catalog", "late"))).isPresent();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();

            cloud.blobs().put(BlobId.of("catalog", "after"), BlobContent.ofUtf8("y"));
            assertThat(cloud.rawSite("aws").blobs().get(BlobId.of("catalog", "after"))).isPresent();
            cloud.switchboard().clearAll();
        }
    }

    /** Defaults but for the call timeout: phi detection, probes every second. */
    private static final String DEFAULTS = SITES + """
            failover {
              priority = [azure, aws]
              call-timeout = 10 s
              client-wait = 10 s
            }
            """;

    @Test
    void aLongCallAloneIsNoOutageAtTheDefaults() throws Exception {
        try (FailoverCloud cloud = open(DEFAULTS)) {
            assertThat(cloud.config().detection()).isEqualTo(Detection.DEFAULT);
            List<String> changes = new CopyOnWriteArrayList<>();
            cloud.events().subscribe(e -> {
                if (e instanceof FailoverEvent.SiteHealthChanged h) {
                    changes.add(h.site() + "/" + h.service().key() + " " + (h.up() ? "up" : "down") + ": " + h.reason());
                }
            });
            warm(cloud);
            // one upload that takes 3 s, and nothing else asked of azure's blob store but the probes (1 s apart)
            cloud.switchboard().inject("azure", Service.BLOB, "put", Fault.latency(Duration.ofSeconds(3)));
            cloud.blobs().put(BlobId.of("catalog", "large"), BlobContent.ofUtf8("x"));
            cloud.switchboard().clearAll();

            assertThat(cloud.activeSite()).isEqualTo("azure");
            assertThat(changes).as("silence of a call alone, ended by the confirmations").isEmpty();
            assertThat(cloud.rawSite("azure").blobs().get(BlobId.of("catalog", "large"))).isPresent();
        }
    }
}
