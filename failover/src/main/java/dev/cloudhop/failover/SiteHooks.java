package dev.cloudhop.failover;

import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.metrics.CallTimers;
import java.util.List;

/**
 * What every call to a site reports to: the interceptors (the switchboard first), passive health detection and
 * the {@code cloudhop.calls} timers.
 */
final class SiteHooks implements InterceptedSite.Hooks {

    private final CallInterceptor[] interceptors;
    private final HealthMonitor health;
    private final CallTimers timers;

    SiteHooks(List<CallInterceptor> interceptors, HealthMonitor health, CallTimers timers) {
        this.interceptors = interceptors.toArray(CallInterceptor[]::new);
        this.health = health;
        this.timers = timers;
    }

    @Override
    public InterceptedSite.CallRecorder recorder(String site, Service service) {
        return timers.of(site, service)::record;
    }

    @Override
    public void beforeCall(SiteInfo site, Service service, String operation) throws InterruptedException {
        for (CallInterceptor i : interceptors) {
            i.beforeCall(site, service, operation);
        }
    }

    @Override
    public long started(String site, Service service) {
        return health.callStarted(site, service);
    }

    @Override
    public boolean answered(String site, Service service, long token) {
        return health.callAnswered(site, service, token);
    }

    @Override
    public boolean abandoned(String site, Service service, long token) {
        return health.callAbandoned(site, service, token);
    }

    @Override
    public void succeeded(String site, Service service) {
        health.callSucceeded(site, service);
    }

    @Override
    public void failed(String site, Service service, String reason) {
        health.callFailed(site, service, reason);
    }
}
