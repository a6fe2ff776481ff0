package dev.cloudhop.provider.aws;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.spi.SiteCloud;
import java.util.EnumSet;
import java.util.Set;

/** Binds one AWS site. No I/O: every client is built on first use. */
final class AwsModule extends AbstractModule {

    private final AwsSettings settings;

    AwsModule(AwsSettings settings) {
        this.settings = settings;
    }

    /** The provider's capabilities, less conditional writes where the site's S3 endpoint cannot do them. */
    static Set<Capability> capabilities(AwsSettings settings) {
        EnumSet<Capability> caps = EnumSet.copyOf(AwsProvider.CAPABILITIES);
        if (!settings.conditionalWrites()) {
            caps.remove(Capability.BLOB_CONDITIONAL_WRITE);
        }
        return Set.copyOf(caps);
    }

    @Override
    protected void configure() {
        bind(AwsSettings.class).toInstance(settings);
    }

    @Provides
    @Singleton
    BlobStore blobs() {
        return new S3BlobStore(settings);
    }

    @Provides
    @Singleton
    QueueService queues() {
        return new SqsQueueService(settings.site(), AwsClients.NAMING, settings.maxMessageBytes(), settings.dedupWindow(),
                settings.fifoGroup(), () -> AwsClients.sqs(settings, false), () -> AwsClients.sqs(settings, true));
    }

    @Provides
    @Singleton
    DnsService dns() {
        return new Route53DnsService(settings.site(), () -> AwsClients.route53(settings));
    }

    @Provides
    @Singleton
    ComputeService compute() {
        return AwsClients.compute(settings, capabilities(settings));
    }

    @Provides
    @Singleton
    Cloud cloud(SiteInfo site, BlobStore blobs, QueueService queues, DnsService dns, ComputeService compute) {
        return new SiteCloud(site, capabilities(settings), blobs, queues, dns, compute);
    }
}
