package dev.cloudhop.failover;

import dev.cloudhop.api.SiteInfo;

/**
 * A hook that every call the facade makes to a site's service passes before it reaches the site: live
 * calls, probes, replication and runbook steps alike. It is the one extension point for cross-cutting work
 * on those calls; the fault {@link dev.cloudhop.failover.drill.Switchboard switchboard} is one. Installed with
 * {@link FailoverCloudBuilder#interceptor(CallInterceptor)}.
 *
 * <p>Implementations are called on the calling thread, concurrently from many threads, and must be
 * thread-safe. They sit on the hot path of every call: a call they leave alone should cost no more than a
 * field read.
 */
@FunctionalInterface
public interface CallInterceptor {

    /**
     * Runs before one call; returning normally lets the call proceed (possibly after a delay).
     *
     * @param site      the site called (for an exception's {@link dev.cloudhop.api.ErrorContext})
     * @param service   the service called
     * @param operation the method of the service interface, e.g. {@code put}, {@code send}
     * @throws dev.cloudhop.api.CloudException to fail the call without making it; an
     *         {@link dev.cloudhop.api.UnavailableException} or {@link dev.cloudhop.api.ThrottledException} counts
     *         against the site's health exactly as if the site had answered so
     * @throws InterruptedException when interrupted while delaying the call: the call fails with an
     *         {@link dev.cloudhop.api.UnavailableException}, which does not count against the site's health
     */
    void beforeCall(SiteInfo site, Service service, String operation) throws InterruptedException;
}
