package dev.cloudhop.api;

import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import java.util.Set;

/**
 * One site's view of the cloud: blob storage, queues, DNS and compute behind provider-neutral interfaces.
 *
 * <p>Obtain instances from {@link dev.cloudhop.api.config.Cloudhop#open(java.nio.file.Path)} or by injecting
 * {@code @Named("siteId") Cloud} from {@link dev.cloudhop.api.config.CloudhopModule}. Implementations are
 * thread-safe. Clients connect lazily, on first use of a service, so obtaining a {@code Cloud} does no I/O.
 *
 * <p>A service whose capability the provider lacks is still returned; its operations throw
 * {@link UnsupportedCapabilityException}.
 */
public interface Cloud extends AutoCloseable {

    /** The site this cloud talks to; never null. */
    SiteInfo site();

    /** What this site's provider can do; never null, immutable. */
    Set<Capability> capabilities();

    /** Whether {@link #capabilities()} contains {@code capability}. */
    default boolean supports(Capability capability) {
        return capabilities().contains(capability);
    }

    /** Blob storage of this site; never null. */
    BlobStore blobs();

    /** Queues of this site; never null. */
    QueueService queues();

    /** DNS of this site; never null. */
    DnsService dns();

    /** Compute of this site; never null. */
    ComputeService compute();

    /**
     * Releases the clients this site opened. Idempotent; using the services afterwards fails with
     * {@link IllegalStateException}.
     */
    @Override
    void close();
}
