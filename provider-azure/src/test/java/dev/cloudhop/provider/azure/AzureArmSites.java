package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Cloud;

/**
 * Sites whose Resource Manager is the shared {@link RecordedArmServer} (one per test JVM) and whose storage is
 * the shared Azurite: DNS, Traffic Manager and compute are tested against RECORDED responses, blobs and
 * queues against the emulator.
 */
final class AzureArmSites {

    private static RecordedArmServer server;

    private AzureArmSites() {
    }

    static synchronized RecordedArmServer server() {
        if (server == null) {
            // What the Azure SDK's own playback tests do: poll long-running operations every 50 ms instead of
            // the SDK's default 30 s (the recorded server, like many ARM resource providers, sends no Retry-After).
            com.azure.resourcemanager.resources.fluentcore.utils.ResourceManagerUtils.InternalRuntimeContext
                    .setDelayProvider(new com.azure.core.management.provider.DelayProvider() {
                        @Override
                        public java.time.Duration getDelayDuration(java.time.Duration delay) {
                            return java.time.Duration.ofMillis(50);
                        }
                    });
            server = new RecordedArmServer();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "recorded-arm-stop"));
        }
        return server;
    }

    /** The Resource Manager part of a site's configuration. */
    static String armConfig(RecordedArmServer arm, String clientSecret) {
        return "arm { subscription-id = \"" + RecordedArmServer.SUBSCRIPTION + "\", tenant-id = \"" + RecordedArmServer.TENANT
                + "\", client-id = \"" + RecordedArmServer.CLIENT_ID + "\", client-secret = \"literal:" + clientSecret
                + "\", resource-group = " + RecordedArmServer.RESOURCE_GROUP + ", endpoint = \"" + arm.uri()
                + "\", authority-host = \"" + arm.uri() + "\", trusted-certificates = \"" + arm.certificatePem() + "\" }, "
                + "compute { subnet-id = \"" + RecordedArmServer.SUBNET_ID + "\", ssh-public-key = \"ssh-ed25519 "
                + "AAAAC3NzaC1lZDI1NTE5AAAAIFakeTestKeyForTheRecordedArmServerOnly0000 tck\" }, "
                + "timeout = 10 s, retries = 1";
    }

    /** A full site: storage on Azurite, Resource Manager on the recorded server. */
    static Cloud full() {
        RecordedArmServer arm = server();
        return AzureSites.open("sites { tck { provider = azure, region = westeurope, " + AzureSites.azuriteStorage()
                + ", " + armConfig(arm, arm.clientSecret()) + " } }").site("tck");
    }
}
