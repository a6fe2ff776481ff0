package dev.cloudhop.provider.local;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import java.util.Map;

/** Opens local sites from configuration text, the way an application would. */
final class LocalSites {

    private LocalSites() {
    }

    static Sites open(String hocon) {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(hocon, "test.conf", Map.of(), providers);
        return Cloudhop.open(config, providers);
    }

    /** One local site, {@code tck}; closing it releases everything the site holds. */
    static Cloud openOne() {
        return open("sites { tck { provider = local, region = test-region } }").site("tck");
    }
}
