package dev.cloudhop.failover;

import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.event.FailoverEvent;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Disaster simulation without touching infrastructure: faults switched on and off at runtime per site,
 * service and (optionally) operation. Every call the facade makes to a site, including probes and
 * replication, passes through it. Thread-safe.
 *
 * <pre>{@code
 * cloud.switchboard().inject("azure", Fault.unavailable());               // region outage
 * cloud.switchboard().inject("azure", Service.QUEUE, Fault.unavailable()); // dependent service down
 * cloud.switchboard().inject("aws", Service.BLOB, "put", Fault.latency(Duration.ofMillis(300)));
 * cloud.switchboard().clear("azure");
 * }</pre>
 */
public final class Switchboard {

    private record Key(String site, Service service, String operation) {
    }

    private static final String ANY = "*";

    private final Map<Key, Fault> faults = new ConcurrentHashMap<>();
    private final EventBus events;
    private final Clock clock;

    Switchboard(EventBus events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /** Injects {@code fault} into every service of {@code site}. */
    public void inject(String site, Fault fault) {
        for (Service s : Service.values()) {
            inject(site, s, fault);
        }
    }

    /** Injects {@code fault} into every operation of one service of {@code site}. */
    public void inject(String site, Service service, Fault fault) {
        inject(site, service, ANY, fault);
    }

    /** Injects {@code fault} into one operation (method name, e.g. {@code put}, {@code send}). */
    public void inject(String site, Service service, String operation, Fault fault) {
        faults.put(new Key(site, service, operation), fault);
        events.publish(new FailoverEvent.FaultChanged(clock.instant(), site, service,
                fault + (operation.equals(ANY) ? "" : " on " + operation), true));
    }

    /** Clears every fault of a site. */
    public void clear(String site) {
        faults.keySet().removeIf(k -> k.site().equals(site));
        for (Service s : Service.values()) {
            events.publish(new FailoverEvent.FaultChanged(clock.instant(), site, s, "all", false));
        }
    }

    /** Clears the faults of one service of a site. */
    public void clear(String site, Service service) {
        faults.keySet().removeIf(k -> k.site().equals(site) && k.service() == service);
        events.publish(new FailoverEvent.FaultChanged(clock.instant(), site, service, "all", false));
    }

    /** Clears everything. */
    public void clearAll() {
        faults.clear();
    }

    /** The fault applying to a call, the operation-specific one first. */
    public Optional<Fault> faultFor(String site, Service service, String operation) {
        Fault specific = faults.get(new Key(site, service, operation));
        return Optional.ofNullable(specific != null ? specific : faults.get(new Key(site, service, ANY)));
    }
}
