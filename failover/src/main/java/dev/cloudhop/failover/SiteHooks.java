package dev.cloudhop.failover;

import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.internal.InterceptedSite;
import java.time.Duration;
import java.util.Optional;

/** What every call to a site reports to: the switchboard (faults) and passive health detection. */
final class SiteHooks implements InterceptedSite.Hooks {

    private final Switchboard switchboard;
    private final HealthMonitor health;
    private final Duration callTimeout;

    SiteHooks(Switchboard switchboard, HealthMonitor health, Duration callTimeout) {
        this.switchboard = switchboard;
        this.health = health;
        this.callTimeout = callTimeout;
    }

    @Override
    public Optional<Fault> fault(String site, Service service, String operation) {
        return switchboard.faultFor(site, service, operation);
    }

    @Override
    public void succeeded(String site, Service service) {
        health.callSucceeded(site, service);
    }

    @Override
    public void failed(String site, Service service, String reason) {
        health.callFailed(site, service, reason);
    }

    @Override
    public Duration callTimeout() {
        return callTimeout;
    }
}
