package dev.cloudhop.failover.health;

import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.internal.EventBus;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health of every (site, service), from two sources: active probes (a service goes down after
 * {@code tolerated-failures} consecutive failed probes and up after one success, as in Traffic Manager) and
 * passive observation of live calls ({@code consecutive-failures} unavailable calls in a row mark it down
 * at once, so an outage under traffic is seen in milliseconds). Only unavailability and throttling count;
 * caller errors never do. Changes are published as {@link FailoverEvent.SiteHealthChanged}. Thread-safe.
 */
public final class HealthMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private static final class State {
        boolean up = true;
        /** Written under the state's lock; volatile so that a success after successes needs no lock. */
        volatile int consecutiveCallFailures;
        int consecutiveProbeFailures;
    }

    private final Map<String, Map<Service, State>> states = new LinkedHashMap<>();
    private final int toleratedProbeFailures;
    private final int passiveThreshold;
    private final Clock clock;
    private final EventBus events;
    private final BiConsumer<String, Service> onChange;

    /**
     * Every service of every site starts up.
     *
     * @param sites                  site ids
     * @param toleratedProbeFailures consecutive failed probes that mark a service down (at least 1)
     * @param passiveThreshold       consecutive failed live calls that mark a service down (at least 1)
     * @param clock                  for events
     * @param events                 where changes are published
     * @param onChange               called after every change, on the thread that saw it
     */
    public HealthMonitor(List<String> sites, int toleratedProbeFailures, int passiveThreshold, Clock clock, EventBus events,
                         BiConsumer<String, Service> onChange) {
        for (String site : sites) {
            Map<Service, State> m = new EnumMap<>(Service.class);
            for (Service s : Service.values()) {
                m.put(s, new State());
            }
            states.put(site, m);
        }
        this.toleratedProbeFailures = Math.max(1, toleratedProbeFailures);
        this.passiveThreshold = Math.max(1, passiveThreshold);
        this.clock = clock;
        this.events = events;
        this.onChange = onChange;
    }

    /** Whether the service of the site is considered up. */
    public boolean isUp(String site, Service service) {
        State s = state(site, service);
        synchronized (s) {
            return s.up;
        }
    }

    /** Whether every one of {@code services} is up on {@code site}. */
    public boolean allUp(String site, java.util.Collection<Service> services) {
        return services.stream().allMatch(s -> isUp(site, s));
    }

    /** Health of every site and service, for reports. */
    public Map<String, Map<Service, Boolean>> snapshot() {
        Map<String, Map<Service, Boolean>> out = new LinkedHashMap<>();
        states.forEach((site, m) -> {
            Map<Service, Boolean> services = new EnumMap<>(Service.class);
            m.forEach((service, s) -> {
                synchronized (s) {
                    services.put(service, s.up);
                }
            });
            out.put(site, services);
        });
        return out;
    }

    private State state(String site, Service service) {
        Map<Service, State> m = states.get(site);
        if (m == null) {
            throw new IllegalArgumentException("unknown site '" + site + "'; sites: " + states.keySet());
        }
        return m.get(service);
    }

    /** A live call succeeded: the run of failures is broken (recovery itself is the probes' call). */
    public void callSucceeded(String site, Service service) {
        State s = state(site, service);
        if (s.consecutiveCallFailures == 0) {
            return; // the common case: nothing to reset
        }
        synchronized (s) {
            s.consecutiveCallFailures = 0;
        }
    }

    /** A live call failed as unavailable or throttled. */
    public void callFailed(String site, Service service, String reason) {
        State s = state(site, service);
        boolean changed = false;
        synchronized (s) {
            s.consecutiveCallFailures++;
            if (s.up && s.consecutiveCallFailures >= passiveThreshold) {
                s.up = false;
                changed = true;
            }
        }
        if (changed) {
            publish(site, service, false, passiveThreshold + " consecutive calls failed: " + reason);
        }
    }

    /** An active probe finished. */
    void probed(String site, Service service, boolean ok, String reason) {
        State s = state(site, service);
        boolean changed = false;
        synchronized (s) {
            if (ok) {
                s.consecutiveProbeFailures = 0;
                if (!s.up) {
                    s.up = true;
                    s.consecutiveCallFailures = 0;
                    changed = true;
                }
            } else {
                s.consecutiveProbeFailures++;
                if (s.up && s.consecutiveProbeFailures >= toleratedProbeFailures) {
                    s.up = false;
                    changed = true;
                }
            }
        }
        if (changed) {
            publish(site, service, ok, ok ? "probe succeeded" : toleratedProbeFailures + " probes failed: " + reason);
        }
    }

    private void publish(String site, Service service, boolean up, String reason) {
        LOG.warn("site {} service {} is {}: {}", site, service.key(), up ? "up" : "down", reason);
        events.publish(new FailoverEvent.SiteHealthChanged(clock.instant(), site, service, up, reason));
        onChange.accept(site, service);
    }
}
