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

    /** A fresh account SAS of the shared Azurite (blobs and queues, every permission, valid for an hour). */
    static String azuriteSas() {
        AzuriteServer azurite = AzuriteServer.shared();
        return new com.azure.storage.blob.BlobServiceClientBuilder().endpoint(azurite.blobEndpoint().toString())
                .credential(new com.azure.storage.common.StorageSharedKeyCredential(AzuriteServer.ACCOUNT,
                        AzuriteServer.ACCOUNT_KEY)).buildClient()
                .generateAccountSas(new com.azure.storage.common.sas.AccountSasSignatureValues(
                        java.time.OffsetDateTime.now().plusHours(1),
                        com.azure.storage.common.sas.AccountSasPermission.parse("rwdlacup"),
                        com.azure.storage.common.sas.AccountSasService.parse("bq"),
                        com.azure.storage.common.sas.AccountSasResourceType.parse("sco")));
    }

    /** The storage part of a site on the shared Azurite, signed in with {@code sas} instead of the key. */
    static String azuriteSasStorage(String sas) {
        AzuriteServer azurite = AzuriteServer.shared();
        return "storage { account = " + AzuriteServer.ACCOUNT + ", sas = \"literal:" + sas + "\", "
                + "blob-endpoint = \"" + azurite.blobEndpoint() + "\", queue-endpoint = \"" + azurite.queueEndpoint() + "\" }";
    }

    /** A site whose blobs and queues are the shared Azurite (Resource Manager not configured). */
    static Cloud azurite() {
        return open("sites { tck { provider = azure, region = westeurope, " + azuriteStorage() + " } }").site("tck");
    }
}
