package dev.cloudhop.failover.runbook;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.routing.ActiveSite;
import dev.cloudhop.failover.routing.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS record that points clients at the active site, kept at every configured DNS site. A DNS site that
 * was down during a switch is remembered as stale and gets the record when it recovers. Thread-safe.
 */
public final class DnsSwitch {

    private static final Logger LOG = LoggerFactory.getLogger(DnsSwitch.class);

    private final FailoverConfig config;
    private final Router router;
    private final ActiveSite active;
    private final HealthMonitor health;
    private final EventBus events;
    private final Clock clock;
    /** DNS sites whose record does not point at the active site (they were down during a switch). */
    private final Set<String> stale = ConcurrentHashMap.newKeySet();

    /** Switches the record of {@code config.dns()}, if any. */
    public DnsSwitch(FailoverConfig config, Router router, ActiveSite active, HealthMonitor health, EventBus events,
                     Clock clock) {
        this.config = config;
        this.router = router;
        this.active = active;
        this.health = health;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Points the record at {@code to} on every DNS site that is up.
     *
     * @return what was updated and what failed
     * @throws IllegalStateException when no DNS site could be updated
     */
    String switchTo(String to) {
        if (config.dns().isEmpty()) {
            return "no DNS record configured";
        }
        FailoverConfig.Dns d = config.dns().get();
        String address = d.endpoints().get(to);
        List<String> updated = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String dnsSite : d.sites()) {
            if (!health.isUp(dnsSite, Service.DNS)) {
                failed.add(dnsSite + " (dns down: updated when it recovers)");
                continue;
            }
            try {
                router.site(dnsSite).dns().upsert(d.zone(), RecordSet.of(d.record(), RecordType.A, d.ttl(), address));
                updated.add(dnsSite);
            } catch (CloudException e) {
                LOG.warn("DNS switch of {} at site {} failed (dns.upsert): {}", d.record(), dnsSite, e.toString());
                failed.add(dnsSite + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (updated.isEmpty() && !failed.isEmpty()) {
            stale.addAll(d.sites());
            throw new IllegalStateException("no DNS site could be updated: " + failed);
        }
        stale.removeAll(updated);
        d.sites().stream().filter(x -> !updated.contains(x)).forEach(stale::add);
        return d.record() + " -> " + address + " at " + updated + (failed.isEmpty() ? "" : "; failed: " + failed);
    }

    /** A DNS site that missed a switch while it was down gets the active site's record when it recovers. */
    public void refresh(String siteId) {
        if (config.dns().isEmpty() || !stale.contains(siteId)) {
            return;
        }
        FailoverConfig.Dns d = config.dns().get();
        String address = d.endpoints().get(active.site());
        try {
            router.site(siteId).dns().upsert(d.zone(), RecordSet.of(d.record(), RecordType.A, d.ttl(), address));
            stale.remove(siteId);
            events.publish(new FailoverEvent.RunbookStepCompleted(clock.instant(), "refresh-dns", Duration.ZERO, true,
                    d.record() + " -> " + address + " at " + siteId + " (missed a switch while down)"));
        } catch (CloudException e) {
            LOG.warn("DNS refresh of {} at site {} failed (dns.upsert): {}; tried again on its next recovery", d.record(),
                    siteId, e.toString());
        }
    }
}
