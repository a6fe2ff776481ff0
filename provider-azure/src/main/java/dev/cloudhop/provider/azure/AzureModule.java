package dev.cloudhop.provider.azure;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.spi.SiteCloud;
import dev.cloudhop.jclouds.ConditionalWrites;
import dev.cloudhop.jclouds.JcloudsBlobStore;

/** Binds one Azure site. No I/O: every client connects on first use. */
final class AzureModule extends AbstractModule {

    private final AzureSettings settings;

    AzureModule(AzureSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void configure() {
        bind(AzureSettings.class).toInstance(settings);
    }

    @Provides
    @Singleton
    AzureClients clients() {
        return new AzureClients(settings);
    }

    @Provides
    @Singleton
    ResourceManagerAccess resourceManager(AzureClients clients) {
        return new ResourceManagerAccess(clients);
    }

    @Provides
    @Singleton
    BlobStore blobs(SiteInfo site, AzureClients clients) {
        // jclouds puts request URLs (with a SAS's sig=) into exception messages: scrubbed at this boundary
        return Redaction.guard(BlobStore.class, new AzureBlobStore(site, new JcloudsBlobStore(site, NamingRules.AZURE,
                () -> AzureBlobContexts.build(settings, clients),
                ConditionalWrites.nativeWith(new AzureConditionalPut(clients::blobService, settings.multipartThreshold())),
                settings.multipartThreshold())));
    }

    @Provides
    @Singleton
    AzureQueueService azureQueueService(SiteInfo site, AzureClients clients) {
        ErrorContext ledger = ErrorContext.of(site, "queue.dedup", settings.dedupContainer());
        DedupLedger dedup = new DedupLedger(site, () -> clients.blobService(ledger).getBlobContainerClient(settings.dedupContainer()),
                settings.dedupWindow());
        return new AzureQueueService(site, NamingRules.AZURE, memoized(clients), dedup);
    }

    @Provides
    @Singleton
    QueueService queues(AzureQueueService queues) {
        return Redaction.guard(QueueService.class, queues);
    }

    @Provides
    @Singleton
    AzureQueues azureQueues(AzureQueueService queues) {
        return new AzureQueues(queues);
    }

    private static java.util.function.Function<ErrorContext, com.azure.storage.queue.QueueServiceClient> memoized(
            AzureClients clients) {
        java.util.concurrent.atomic.AtomicReference<com.azure.storage.queue.QueueServiceClient> ref =
                new java.util.concurrent.atomic.AtomicReference<>();
        return ctx -> ref.updateAndGet(c -> c != null ? c : clients.queueService(ctx));
    }

    @Provides
    @Singleton
    DnsService dns(SiteInfo site, ResourceManagerAccess arm) {
        return new AzureDnsService(site, arm::dns, arm::resourceGroup);
    }

    @Provides
    @Singleton
    AzureTrafficManager trafficManager(SiteInfo site, ResourceManagerAccess arm) {
        return new AzureTrafficManager(site, arm);
    }

    @Provides
    @Singleton
    ComputeService compute(SiteInfo site, ResourceManagerAccess arm) {
        return new AzureComputeService(site, NamingRules.AZURE, arm, settings);
    }

    @Provides
    @Singleton
    Cloud cloud(SiteInfo site, BlobStore blobs, QueueService queues, DnsService dns, ComputeService compute,
                AzureTrafficManager trafficManager, AzureQueues azureQueues) {
        return new AzureCloud(new SiteCloud(site, AzureProvider.CAPABILITIES, blobs, queues, dns, compute), trafficManager,
                azureQueues);
    }
}
