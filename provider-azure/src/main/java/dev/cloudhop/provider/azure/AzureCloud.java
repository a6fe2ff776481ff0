package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.spi.SiteCloud;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link Cloud} of an Azure site: the four neutral services plus Azure's own {@link #trafficManager()} and
 * {@link #azureQueues()} (peek). Every Azure site opened through Cloudhop is one, so
 * {@code ((AzureCloud) sites.site("primary")).trafficManager()} reaches Traffic Manager. Thread-safe.
 */
public final class AzureCloud implements Cloud {

    private final SiteCloud delegate;
    private final AzureTrafficManager trafficManager;
    private final AzureQueues azureQueues;
    private volatile boolean closed;

    AzureCloud(SiteCloud delegate, AzureTrafficManager trafficManager, AzureQueues azureQueues) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.trafficManager = Objects.requireNonNull(trafficManager, "trafficManager");
        this.azureQueues = Objects.requireNonNull(azureQueues, "azureQueues");
    }

    @Override
    public SiteInfo site() {
        return delegate.site();
    }

    @Override
    public Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public BlobStore blobs() {
        return delegate.blobs();
    }

    @Override
    public QueueService queues() {
        return delegate.queues();
    }

    @Override
    public DnsService dns() {
        return delegate.dns();
    }

    @Override
    public ComputeService compute() {
        return delegate.compute();
    }

    /**
     * Azure Traffic Manager (priority routing) of this site's subscription and resource group: a
     * provider-specific extension the failover facade does not use (it switches DNS through {@link #dns()}).
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public AzureTrafficManager trafficManager() {
        if (closed) {
            throw new IllegalStateException("site " + site().id() + " is closed");
        }
        return trafficManager;
    }

    /**
     * What Azure Storage Queues offer beyond {@link #queues()} (peeking), on the same queues.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public AzureQueues azureQueues() {
        if (closed) {
            throw new IllegalStateException("site " + site().id() + " is closed");
        }
        return azureQueues;
    }

    @Override
    public void close() {
        closed = true;
        delegate.close();
    }

    @Override
    public String toString() {
        return "AzureCloud[" + site() + "]";
    }
}
