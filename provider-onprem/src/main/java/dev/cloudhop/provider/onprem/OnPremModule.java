package dev.cloudhop.provider.onprem;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.spi.SiteCloud;

/**
 * Binds one on-prem site. No I/O: the jclouds contexts, the broker connection (or the embedded broker) and
 * the DNS resolvers are created on first use. A service the site does not configure is bound to a stand-in
 * whose operations throw {@link dev.cloudhop.api.UnsupportedCapabilityException}.
 */
final class OnPremModule extends AbstractModule {

    private final OnPremSettings settings;

    OnPremModule(OnPremSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void configure() {
        bind(OnPremSettings.class).toInstance(settings);
    }

    @Provides
    @Singleton
    BlobStore blobs(SiteInfo site) {
        return settings.blob().<BlobStore>map(b -> OnPremBlobs.create(site, b))
                .orElseGet(() -> Unconfigured.service(BlobStore.class, site, "blob",
                        "set blob.directory (or blob.kind = s3 with blob.endpoint and its keys)"));
    }

    @Provides
    @Singleton
    QueueService queues(SiteInfo site) {
        return settings.queue().<QueueService>map(q -> new ArtemisQueueService(site, OnPremProvider.NAMING, q))
                .orElseGet(() -> Unconfigured.service(QueueService.class, site, "queue",
                        "set queue.journal-directory (embedded broker) or queue.url (remote broker)"));
    }

    @Provides
    @Singleton
    DnsService dns(SiteInfo site) {
        return settings.dns().<DnsService>map(d -> new Rfc2136DnsService(site, d))
                .orElseGet(() -> Unconfigured.service(DnsService.class, site, "dns",
                        "set dns.server and a TSIG key (dns.tsig.*)"));
    }

    @Provides
    @Singleton
    ComputeService compute(SiteInfo site) {
        return settings.compute().<ComputeService>map(c -> OnPremCompute.create(site, c, settings.capabilities()))
                .orElseGet(() -> Unconfigured.service(ComputeService.class, site, "compute",
                        "set compute.inventory"));
    }

    @Provides
    @Singleton
    Cloud cloud(SiteInfo site, BlobStore blobs, QueueService queues, DnsService dns, ComputeService compute) {
        return new SiteCloud(site, settings.capabilities(), blobs, queues, dns, compute);
    }
}
