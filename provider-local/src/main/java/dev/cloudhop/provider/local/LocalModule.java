package dev.cloudhop.provider.local;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.queue.QueueLimits;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.spi.SiteCloud;
import dev.cloudhop.api.spi.SiteConfig;
import dev.cloudhop.jclouds.ConditionalWrites;
import dev.cloudhop.jclouds.JcloudsBlobStore;
import dev.cloudhop.jclouds.JcloudsComputeService;
import java.time.Clock;
import java.util.UUID;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.compute.ComputeServiceContext;

/** Binds one local site. No I/O: the jclouds contexts are built on first use. */
final class LocalModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(Clock.class).toInstance(Clock.systemUTC());
    }

    @Provides
    @Singleton
    BlobStore blobs(SiteInfo site) {
        return new JcloudsBlobStore(site, NamingRules.LOCAL,
                () -> ContextBuilder.newBuilder("transient").name(site.id()).buildView(BlobStoreContext.class),
                ConditionalWrites.inProcessLock(), JcloudsBlobStore.DEFAULT_MULTIPART_THRESHOLD);
    }

    @Provides
    @Singleton
    ComputeService compute(SiteInfo site) {
        // jclouds' stub keeps its nodes per identity: a unique one gives every opened site its own nodes.
        String identity = site.id() + "-" + UUID.randomUUID();
        return new JcloudsComputeService(site, NamingRules.LOCAL, LocalProvider.CAPABILITIES,
                () -> ContextBuilder.newBuilder("stub").name(site.id()).credentials(identity, "")
                        .buildView(ComputeServiceContext.class));
    }

    @Provides
    @Singleton
    QueueService queues(SiteConfig config, Clock clock) {
        QueueLimits defaults = InMemoryQueueService.defaultLimits();
        QueueLimits limits = new QueueLimits(
                Math.toIntExact(config.bytes(LocalProvider.MAX_MESSAGE_SIZE).orElse((long) defaults.maxMessageBytes())),
                defaults.maxDelay(), defaults.maxVisibility(), defaults.maxWait(),
                config.duration(LocalProvider.DEDUP_WINDOW).orElse(defaults.dedupWindow()));
        return new InMemoryQueueService(config.info(), NamingRules.LOCAL, clock, limits);
    }

    @Provides
    @Singleton
    DnsService dns(SiteInfo site, Clock clock) {
        return new InMemoryDnsService(site, NamingRules.LOCAL, clock);
    }

    @Provides
    @Singleton
    Cloud cloud(SiteInfo site, BlobStore blobs, QueueService queues, DnsService dns, ComputeService compute) {
        return new SiteCloud(site, LocalProvider.CAPABILITIES, blobs, queues, dns, compute);
    }
}
