package dev.cloudhop.failover.drill;

import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.failover.CallInterceptor;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.event.FailoverEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Disaster simulation without touching infrastructure: faults switched on and off at runtime per site,
 * service and (optionally) operation. It is a {@link CallInterceptor}: every call the facade makes to a site,
 * including probes and replication, passes through it; while no fault is injected, a call costs one volatile
 * read here. Thread-safe.
 *
 * <pre>{@code
 * cloud.switchboard().inject("azure", Fault.unavailable());               // region outage
 * cloud.switchboard().inject("azure", Service.QUEUE, Fault.unavailable()); // dependent service down
 * cloud.switchboard().inject("aws", Service.BLOB, "put", Fault.latency(Duration.ofMillis(300)));
 * cloud.switchboard().clear("azure");
 * }</pre>
 */
public final class Switchboard implements CallInterceptor {

    private record Key(String site, Service service, String operation) {
    }

    private static final String ANY = "*";

    private final Map<Key, Fault> faults = new ConcurrentHashMap<>();
    /** Whether any fault is injected: the only field a call reads while none is. */
    private volatile boolean armed;
    private final Consumer<? super FailoverEvent> events;
    private final Clock clock;
    private final Duration callTimeout;

    /**
     * A switchboard without faults. {@link dev.cloudhop.failover.FailoverCloud#switchboard()} is the facade's
     * own; build one only to install it in a facade of your own.
     *
     * @param events      where {@link FailoverEvent.FaultChanged} events go
     * @param clock       for the events' time
     * @param callTimeout how long a {@link Fault.Blackhole black-holed} call hangs before it fails
     */
    public Switchboard(Consumer<? super FailoverEvent> events, Clock clock, Duration callTimeout) {
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
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
        synchronized (faults) {
            faults.put(new Key(site, service, operation), fault);
            armed = true;
        }
        events.accept(new FailoverEvent.FaultChanged(clock.instant(), site, service,
                fault + (operation.equals(ANY) ? "" : " on " + operation), true));
    }

    /** Clears every fault of a site. */
    public void clear(String site) {
        synchronized (faults) {
            faults.keySet().removeIf(k -> k.site().equals(site));
            armed = !faults.isEmpty();
        }
        for (Service s : Service.values()) {
            events.accept(new FailoverEvent.FaultChanged(clock.instant(), site, s, "all", false));
        }
    }

    /** Clears the faults of one service of a site. */
    public void clear(String site, Service service) {
        synchronized (faults) {
            faults.keySet().removeIf(k -> k.site().equals(site) && k.service() == service);
            armed = !faults.isEmpty();
        }
        events.accept(new FailoverEvent.FaultChanged(clock.instant(), site, service, "all", false));
    }

    /** Clears everything. */
    public void clearAll() {
        synchronized (faults) {
            faults.clear();
            armed = false;
        }
    }

    /** The fault applying to a call, the operation-specific one first. */
    public Optional<Fault> faultFor(String site, Service service, String operation) {
        return Optional.ofNullable(armed ? find(site, service, operation) : null);
    }

    private Fault find(String site, Service service, String operation) {
        Fault specific = faults.get(new Key(site, service, operation));
        return specific != null ? specific : faults.get(new Key(site, service, ANY));
    }

    /**
     * Applies the fault for the call, if any: {@link Fault.Latency} delays it, {@link Fault.Throttle} fails it with
     * a {@link ThrottledException}, {@link Fault.Unavailable} with an {@link UnavailableException}, and
     * {@link Fault.Blackhole} with an {@link UnavailableException} after the call timeout.
     */
    @Override
    public void beforeCall(SiteInfo site, Service service, String operation) throws InterruptedException {
        if (!armed) {
            return;
        }
        Fault fault = find(site.id(), service, operation);
        if (fault == null) {
            return;
        }
        ErrorContext ctx = ErrorContext.of(site, service.key() + "." + operation);
        if (fault instanceof Fault.Latency latency) {
            Thread.sleep(latency.delay().toMillis());
        } else if (fault instanceof Fault.Throttle) {
            throw new ThrottledException(ctx, "throttled (fault injected by the switchboard)");
        } else if (fault instanceof Fault.Blackhole) {
            Thread.sleep(callTimeout.toMillis());
            throw new UnavailableException(ctx, "timed out after " + callTimeout + " (blackhole injected by the switchboard)");
        } else {
            throw new UnavailableException(ctx, "unavailable (fault injected by the switchboard)");
        }
    }
}
