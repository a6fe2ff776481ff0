package dev.cloudhop.failover.internal;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.failover.Service;

/**
 * One site's services as the facade sees them: every call passes the interceptors (e.g. the fault
 * switchboard) and reports its outcome to health tracking and its duration to a {@link CallRecorder}. The single interception point for all
 * cross-cutting work; plain delegation, so a call no interceptor acts on costs a few field reads.
 */
public final class InterceptedSite {

    /**
     * Where the calls of one (site, service) report how long they took and how they ended. Called on the calling
     * thread, from many threads at once: must be thread-safe and cheap.
     */
    @FunctionalInterface
    public interface CallRecorder {

        /** Records nothing; calls through it are not timed at all. */
        CallRecorder NONE = (operation, failure, nanos) -> { };

        /**
         * One call ended.
         *
         * @param operation the method of the service interface, e.g. {@code put}
         * @param failure   what the caller got thrown, or null for a success
         * @param nanos     from before the interceptors to the site's answer
         */
        void record(String operation, RuntimeException failure, long nanos);
    }

    /** What the interception needs from the facade. */
    public interface Hooks {

        /** Where the calls of {@code service} at {@code site} are timed; asked once per (site, service). */
        default CallRecorder recorder(String site, Service service) {
            return CallRecorder.NONE;
        }

        /**
         * Runs the interceptors before a call; may delay it or throw.
         *
         * @throws InterruptedException when interrupted while delaying the call
         */
        void beforeCall(SiteInfo site, Service service, String operation) throws InterruptedException;

        /** A call passed the interceptors and goes to the site; returns its token for failure detection. */
        default long started(String site, Service service) {
            return 0;
        }

        /**
         * The call of {@code token} was answered: a success, or an error that is the caller's.
         *
         * @return whether the call had been cancelled (its thread interrupted) because the site was found down
         */
        default boolean answered(String site, Service service, long token) {
            return false;
        }

        /**
         * The call of {@code token} ended without an answer (unavailable, throttled, interrupted).
         *
         * @return whether the call had been cancelled (its thread interrupted) because the site was found down
         */
        default boolean abandoned(String site, Service service, long token) {
            return false;
        }

        /** A call succeeded. */
        void succeeded(String site, Service service);

        /** A call failed as unavailable or throttled. */
        void failed(String site, Service service, String reason);
    }

    private final Cloud cloud;
    private final String id;
    private final BlobStore blobs;
    private final QueueService queues;
    private final DnsService dns;
    private final ComputeService compute;

    /** Wraps a site's services. */
    public InterceptedSite(Cloud cloud, Hooks hooks) {
        this.cloud = cloud;
        SiteInfo site = cloud.site();
        this.id = site.id();
        this.blobs = new InterceptedBlobStore(cloud.blobs(), new SiteCall(site, Service.BLOB, hooks));
        this.queues = new InterceptedQueueService(cloud.queues(), new SiteCall(site, Service.QUEUE, hooks));
        this.dns = new InterceptedDnsService(cloud.dns(), new SiteCall(site, Service.DNS, hooks));
        this.compute = new InterceptedComputeService(cloud.compute(), new SiteCall(site, Service.COMPUTE, hooks));
    }

    /** The underlying site, without interception. */
    public Cloud raw() {
        return cloud;
    }

    /** The site id. */
    public String id() {
        return id;
    }

    /** Intercepted blob storage. */
    public BlobStore blobs() {
        return blobs;
    }

    /** Intercepted queues. */
    public QueueService queues() {
        return queues;
    }

    /** Intercepted DNS. */
    public DnsService dns() {
        return dns;
    }

    /** Intercepted compute. */
    public ComputeService compute() {
        return compute;
    }
}
