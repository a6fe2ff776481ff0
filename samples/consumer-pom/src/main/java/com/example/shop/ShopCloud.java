package com.example.shop;

import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverCloudBuilder;
import dev.cloudhop.failover.FailoverConfig;
import java.util.Map;

/**
 * The application's cloud: an Azure primary and an AWS secondary behind one {@link FailoverCloud}. The endpoints
 * are loopback ports on which nothing listens; opening sites connects to nothing.
 */
public final class ShopCloud implements AutoCloseable {

    static final String CONFIG = """
            sites {
              azure { provider = azure, region = westeurope,
                      storage { account = shop, key = "literal:c2VjcmV0LWtleQ==", blob-endpoint = "http://127.0.0.1:9/shop" } }
              aws   { provider = aws, region = eu-west-1, endpoint = "http://127.0.0.1:9" }
            }
            failover { priority = [azure, aws], replication.mode = async }
            """;

    private final Sites sites;
    private final FailoverConfig failover;

    /** Parses the configuration (both providers validate their keys) and opens both sites. */
    public ShopCloud() {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(CONFIG, "shop.conf", Map.of(), providers);
        failover = FailoverConfig.of(config);
        sites = Cloudhop.open(config, providers);
    }

    /** The facade's builder over both sites; {@code build()} would read the sites' fences, so this run stops here. */
    public FailoverCloudBuilder facade() {
        return FailoverCloud.builder(sites, failover);
    }

    /** The open sites. */
    public Sites sites() {
        return sites;
    }

    /** The failover section. */
    public FailoverConfig failover() {
        return failover;
    }

    @Override
    public void close() {
        sites.close();
    }
}
