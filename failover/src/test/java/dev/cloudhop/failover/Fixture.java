package dev.cloudhop.failover;

import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import java.util.Map;

/** Three local sites named like the DR guide's clouds, and facades over them. */
final class Fixture implements AutoCloseable {

    static final String SITES = """
            sites {
              azure  { provider = local, region = westeurope }
              aws    { provider = local, region = us-east-1 }
              onprem { provider = local, region = dc1 }
            }
            """;

    static final String DEFAULT_FAILOVER = """
            failover {
              priority = [azure, aws, onprem]
              probe { interval = 100 ms, timeout = 500 ms, tolerated-failures = 2 }
              passive.consecutive-failures = 3
              client-wait = 3 s
              call-timeout = 300 ms
              dns { zone = shop.example.com, record = www.shop.example.com, ttl = 30 s, sites = [onprem],
                    endpoints { azure = "10.0.0.10", aws = "10.1.0.10", onprem = "192.168.0.10" } }
              capabilities { ordering = [queue, blob], catalog = [blob] }
            }
            """;

    /** The default failover section with {@code keys} (HOCON lines) added. */
    static String failoverWith(String keys) {
        return DEFAULT_FAILOVER.replace("priority = [azure, aws, onprem]", "priority = [azure, aws, onprem]\n  " + keys);
    }

    final Sites sites;
    final CloudhopConfig config;
    final MutableClock clock = new MutableClock();

    Fixture(String failover) {
        this(SITES, failover);
    }

    /** Sites of {@code siteSection}; the DNS zone is created when a site is named onprem. */
    Fixture(String siteSection, String failover) {
        ProviderRegistry providers = ProviderRegistry.discover();
        config = CloudhopConfig.parse(siteSection + failover, "test.conf", Map.of(), providers);
        sites = Cloudhop.open(config, providers);
        if (sites.ids().contains("onprem")) {
            sites.site("onprem").dns().createZone("shop.example.com");
        }
    }

    Fixture() {
        this(DEFAULT_FAILOVER);
    }

    /**
     * A facade without scheduled probes (tests call probeNow()), returned once its reconciliation at start is done, so
     * that its calls to the sites do not mix with a test's faults.
     */
    FailoverCloud facade() {
        FailoverCloud cloud = FailoverCloud.builder(sites, FailoverConfig.of(config)).clock(clock).scheduledProbes(false).build();
        cloud.awaitIdle(java.time.Duration.ofSeconds(10));
        return cloud;
    }

    @Override
    public void close() {
        sites.close();
    }
}
