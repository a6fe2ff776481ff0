package dev.cloudhop.failover.internal;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.failover.Service;

/**
 * What every call of one (site, service) passes: the interceptors before it, health tracking and its timer
 * after it. Only unavailability and throttling count as failures; caller errors pass untouched. The one place
 * where a call's start and end are both known, so the one place it is timed. Thread-safe.
 */
final class SiteCall {

    /**
     * A call under way: what {@link #before} hands to {@link #succeeded(Started)} or {@link #failed}.
     *
     * @param operation  the method of the service interface
     * @param token      the health tracking's token
     * @param startNanos {@link System#nanoTime()} when the call started (before the interceptors); 0 when untimed
     */
    record Started(String operation, long token, long startNanos) {
    }

    private final SiteInfo site;
    private final String siteId;
    private final Service service;
    private final InterceptedSite.Hooks hooks;
    private final InterceptedSite.CallRecorder recorder;
    private final boolean timed;

    SiteCall(SiteInfo site, Service service, InterceptedSite.Hooks hooks) {
        this.site = site;
        this.siteId = site.id();
        this.service = service;
        this.hooks = hooks;
        this.recorder = hooks.recorder(siteId, service);
        this.timed = recorder != InterceptedSite.CallRecorder.NONE;
    }

    /**
     * Starts the call for failure detection, then runs the interceptors: a call the switchboard holds (a
     * simulated blackhole) is outstanding like one a frozen site holds. A failure the interceptors throw is
     * reported like one the site answered.
     *
     * <p>The call is timed from here, so a delay the interceptors add (a simulated latency) is in its timer.
     *
     * @return the call, for {@link #succeeded(Started)} or {@link #failed(Started, RuntimeException)}
     */
    Started before(String operation) {
        long startNanos = timed ? System.nanoTime() : 0;
        Started call = new Started(operation, hooks.started(siteId, service), startNanos);
        try {
            hooks.beforeCall(site, service, operation);
            return call;
        } catch (InterruptedException e) {
            // not the site's fault: no health report
            if (hooks.abandoned(siteId, service, call.token())) {
                throw timed(call, cancelled(e)); // the interrupt was ours, and the throw consumed it
            }
            Thread.currentThread().interrupt();
            throw timed(call, new UnavailableException(ErrorContext.of(site, service.key() + "." + operation),
                    "interrupted while an interceptor delayed the call", e));
        } catch (RuntimeException e) {
            throw failed(call, e);
        }
    }

    /** Records the call's duration until now and its outcome ({@code failure}, or null for a success); returns {@code failure}. */
    private RuntimeException timed(Started call, RuntimeException failure) {
        return timed(call, failure, elapsed(call));
    }

    /** Records the call's duration and outcome ({@code failure}, or null for a success); returns {@code failure}. */
    private RuntimeException timed(Started call, RuntimeException failure, long nanos) {
        if (timed) {
            recorder.record(call.operation(), failure, nanos);
        }
        return failure;
    }

    /** Nanoseconds since the call started (0 when untimed). */
    private long elapsed(Started call) {
        return timed ? System.nanoTime() - call.startNanos() : 0;
    }

    /** The failure a call cancelled because the site was found down ends with: unavailable, so callers go elsewhere. */
    private UnavailableException cancelled(Exception cause) {
        return new UnavailableException(ErrorContext.of(site, service.key()),
                "call cancelled: " + siteId + " " + service.key() + " was found down while it waited", cause);
    }

    /** The call succeeded (a cancellation that came too late to cut it is cleared). */
    void succeeded(Started call) {
        timed(call, null);
        if (hooks.answered(siteId, service, call.token())) {
            Thread.interrupted();
        }
        hooks.succeeded(siteId, service);
    }

    /** The call succeeded with {@code result}. */
    <T> T succeeded(Started call, T result) {
        succeeded(call);
        return result;
    }

    /**
     * The call failed with {@code e}: a failure of the site when it is unavailable or throttling (the call then
     * went unanswered), an answer otherwise (a caller error); returned to be rethrown. Its timer's outcome is the
     * class of what is returned.
     */
    RuntimeException failed(Started call, RuntimeException e) {
        long took = elapsed(call); // the site's time, not the health bookkeeping's
        long token = call.token();
        boolean siteProblem = e instanceof UnavailableException || e instanceof ThrottledException;
        boolean wasCancelled = siteProblem ? hooks.abandoned(siteId, service, token) : hooks.answered(siteId, service, token);
        if (wasCancelled) {
            // the site is down already: no health report; the interrupt was ours and must not leak to the caller
            Thread.interrupted();
            return timed(call, e instanceof CloudException ? e : cancelled(e), took);
        }
        if (siteProblem) {
            hooks.failed(siteId, service, e.getMessage());
        }
        return timed(call, e, took);
    }

    @Override
    public String toString() {
        return siteId + " " + service.key();
    }
}
