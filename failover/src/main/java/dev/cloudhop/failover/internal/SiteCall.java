package dev.cloudhop.failover.internal;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.failover.Service;

/**
 * What every call of one (site, service) passes: the interceptors before it, health tracking after it. Only
 * unavailability and throttling count as failures; caller errors pass untouched. Thread-safe.
 */
final class SiteCall {

    private final SiteInfo site;
    private final String siteId;
    private final Service service;
    private final InterceptedSite.Hooks hooks;

    SiteCall(SiteInfo site, Service service, InterceptedSite.Hooks hooks) {
        this.site = site;
        this.siteId = site.id();
        this.service = service;
        this.hooks = hooks;
    }

    /**
     * Starts the call for failure detection, then runs the interceptors: a call the switchboard holds (a
     * simulated blackhole) is outstanding like one a frozen site holds. A failure the interceptors throw is
     * reported like one the site answered.
     *
     * @return the call's token, for {@link #succeeded(long)} or {@link #failed(long, RuntimeException)}
     */
    long before(String operation) {
        long token = hooks.started(siteId, service);
        try {
            hooks.beforeCall(site, service, operation);
            return token;
        } catch (InterruptedException e) {
            // not the site's fault: no health report
            if (hooks.abandoned(siteId, service, token)) {
                throw cancelled(e); // the interrupt was ours, and the throw consumed it
            }
            Thread.currentThread().interrupt();
            throw new UnavailableException(ErrorContext.of(site, service.key() + "." + operation),
                    "interrupted while an interceptor delayed the call", e);
        } catch (RuntimeException e) {
            throw failed(token, e);
        }
    }

    /** The failure a call cancelled because the site was found down ends with: unavailable, so callers go elsewhere. */
    private UnavailableException cancelled(Exception cause) {
        return new UnavailableException(ErrorContext.of(site, service.key()),
                "call cancelled: " + siteId + " " + service.key() + " was found down while it waited", cause);
    }

    /** The call of {@code token} succeeded (a cancellation that came too late to cut it is cleared). */
    void succeeded(long token) {
        if (hooks.answered(siteId, service, token)) {
            Thread.interrupted();
        }
        hooks.succeeded(siteId, service);
    }

    /** The call of {@code token} succeeded with {@code result}. */
    <T> T succeeded(long token, T result) {
        succeeded(token);
        return result;
    }

    /**
     * The call of {@code token} failed with {@code e}: a failure of the site when it is unavailable or throttling
     * (the call then went unanswered), an answer otherwise (a caller error); returned to be rethrown.
     */
    RuntimeException failed(long token, RuntimeException e) {
        boolean siteProblem = e instanceof UnavailableException || e instanceof ThrottledException;
        boolean wasCancelled = siteProblem ? hooks.abandoned(siteId, service, token) : hooks.answered(siteId, service, token);
        if (wasCancelled) {
            // the site is down already: no health report; the interrupt was ours and must not leak to the caller
            Thread.interrupted();
            return e instanceof CloudException ? e : cancelled(e);
        }
        if (siteProblem) {
            hooks.failed(siteId, service, e.getMessage());
        }
        return e;
    }

    @Override
    public String toString() {
        return siteId + " " + service.key();
    }
}
