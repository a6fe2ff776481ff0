package dev.cloudhop.api.spi;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link Cloud} every provider returns: a site, its capabilities and its four services. Services that
 * implement {@link AutoCloseable} are closed, in reverse order, by {@link #close()}. Thread-safe.
 */
public final class SiteCloud implements Cloud {

    private final SiteInfo site;
    private final Set<Capability> capabilities;
    private final BlobStore blobs;
    private final QueueService queues;
    private final DnsService dns;
    private final ComputeService compute;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Assembles a site's cloud from its services. */
    public SiteCloud(SiteInfo site, Set<Capability> capabilities, BlobStore blobs, QueueService queues, DnsService dns,
                     ComputeService compute) {
        this.site = Objects.requireNonNull(site, "site");
        this.capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.queues = Objects.requireNonNull(queues, "queues");
        this.dns = Objects.requireNonNull(dns, "dns");
        this.compute = Objects.requireNonNull(compute, "compute");
    }

    @Override
    public SiteInfo site() {
        return site;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("site " + site.id() + " is closed");
        }
    }

    @Override
    public BlobStore blobs() {
        checkOpen();
        return blobs;
    }

    @Override
    public QueueService queues() {
        checkOpen();
        return queues;
    }

    @Override
    public DnsService dns() {
        checkOpen();
        return dns;
    }

    @Override
    public ComputeService compute() {
        checkOpen();
        return compute;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Object> services = new ArrayList<>(List.of(blobs, queues, dns, compute));
        java.util.Collections.reverse(services);
        RuntimeException first = null;
        for (Object s : services) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = new IllegalStateException("closing site " + site.id(), e);
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "Cloud[" + site + "]";
    }
}
