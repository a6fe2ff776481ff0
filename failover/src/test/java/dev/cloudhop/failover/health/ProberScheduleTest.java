package dev.cloudhop.failover.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Scheduled probes run per site: a frozen site, whose probes each wait out the probe timeout, does not slow the
 * probing of the others. With one round for all sites, a site that failed beside a frozen one was found down only
 * after its probes had waited, round after round, for the frozen site's timeouts (the whole-cloud drill: 1.9 s).
 */
class ProberScheduleTest {

    private static final String CONFIG = """
            sites {
              azure  { provider = local, region = westeurope }
              aws    { provider = local, region = us-east-1 }
              onprem { provider = local, region = dc1 }
            }
            failover {
              priority = [azure, aws, onprem]
              probe { interval = 100 ms, timeout = 2 s, tolerated-failures = 2 }
              failback = manual
            }
            """;

    @Test
    void aFailedSiteIsFoundDownByItsOwnProbesWhileAnotherSiteIsFrozen() {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(CONFIG, "probes.conf", Map.of(), providers);
        Sites sites = Cloudhop.open(config, providers);
        try (FailoverCloud cloud = FailoverCloud.builder(sites, FailoverConfig.of(config)).closeSitesOnClose().build()) {
            AtomicLong azureDownAt = new AtomicLong();
            cloud.events().subscribe(e -> {
                if (e instanceof FailoverEvent.SiteHealthChanged h && !h.up() && h.site().equals("azure")
                        && h.service() == Service.BLOB) {
                    azureDownAt.compareAndSet(0, System.nanoTime());
                }
            });
            cloud.switchboard().inject("aws", Fault.blackhole()); // every probe of aws waits its 2 s timeout
            long failedAt = System.nanoTime();
            cloud.switchboard().inject("azure", Fault.unavailable()); // azure's probes fail at once

            // the bound is the feature: two failed probes 100 ms apart, not two rounds held by aws's 2 s timeouts
            await().atMost(Duration.ofSeconds(10)).until(() -> azureDownAt.get() != 0);
            long ms = (azureDownAt.get() - failedAt) / 1_000_000;
            System.out.println("[probes] azure found down " + ms + " ms after it failed, beside a frozen aws");
            assertThat(ms).as("found down by its own probes, not after aws's 2 s timeouts").isLessThan(1_500);
            cloud.switchboard().clearAll();
        }
    }
}
