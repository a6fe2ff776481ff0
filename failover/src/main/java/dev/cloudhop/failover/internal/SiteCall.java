package dev.cloudhop.failover.internal;

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

    /** Runs the interceptors; a failure they throw is reported like one the site answered. */
    void before(String operation) {
        try {
            hooks.beforeCall(site, service, operation);
        } catch (InterruptedException e) {
            // not the site's fault: no health report
            Thread.currentThread().interrupt();
            throw new UnavailableException(ErrorContext.of(site, service.key() + "." + operation),
                    "interrupted while an interceptor delayed the call", e);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /** The call succeeded. */
    void succeeded() {
        hooks.succeeded(siteId, service);
    }

    /** The call succeeded with {@code result}. */
    <T> T succeeded(T result) {
        hooks.succeeded(siteId, service);
        return result;
    }

    /** The call failed with {@code e}: reported when the site is unavailable or throttling; returned to be rethrown. */
    RuntimeException failed(RuntimeException e) {
        if (e instanceof UnavailableException || e instanceof ThrottledException) {
            hooks.failed(siteId, service, e.getMessage());
        }
        return e;
    }

    @Override
    public String toString() {
        return siteId + " " + service.key();
    }
}
