package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.testing.AzuriteServer;
import java.util.Map;

/** Opens Azure sites from configuration text, the way an application would. */
final class AzureSites {

    private AzureSites() {
    }

    static Sites open(String hocon) {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(hocon, "test.conf", Map.of(), providers);
        return Cloudhop.open(config, providers);
    }

    /** The storage part of a site on the shared Azurite. */
    static String azuriteStorage() {
        AzuriteServer azurite = AzuriteServer.shared();
        return "storage { account = " + AzuriteServer.ACCOUNT + ", key = \"literal:" + AzuriteServer.ACCOUNT_KEY + "\", "
                + "blob-endpoint = \"" + azurite.blobEndpoint() + "\", queue-endpoint = \"" + azurite.queueEndpoint() + "\" }";
    }

    /** A site whose blobs and queues are the shared Azurite (Resource Manager not configured). */
    static Cloud azurite() {
        return open("sites { tck { provider = azure, region = westeurope, " + azuriteStorage() + " } }").site("tck");
    }
}
