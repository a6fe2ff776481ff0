package dev.cloudhop.failover.metrics;

import dev.cloudhop.failover.Service;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopTimer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code cloudhop.calls} timers: one per site, service, operation and outcome ({@code ok}, or the simple
 * class name of the exception the caller got), for every call the facade makes to a site (live calls, probes,
 * replication, runbook steps). Histogram buckets at fixed latencies from 1 ms to 10 s, so that a backend such as
 * Prometheus computes quantiles across instances.
 *
 * <p>A timer is registered at a (site, service, operation, outcome)'s first call and cached: a later call costs
 * two map lookups (operation, then the exception's class) and the timer's own recording, with no string built.
 * Thread-safe. A registry that refuses a timer (a naming clash in the application's registry) is logged once and
 * leaves those calls untimed: timing never fails a call.
 */
public final class CallTimers {

    /** The timer's name. */
    public static final String NAME = "cloudhop.calls";

    /** The outcome tag of a call that returned normally. */
    public static final String OK = "ok";

    private static final Logger LOG = LoggerFactory.getLogger(CallTimers.class);

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    /** Stands in for a timer the registry refused. */
    private static final Timer UNTIMED = new NoopTimer(new Meter.Id(NAME, Tags.empty(), null, null, Meter.Type.TIMER));

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, ServiceCalls> byServiceAndSite = new ConcurrentHashMap<>();

    /** Timers registered in {@code registry} as calls are made. */
    public CallTimers(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The timers of one site's service; the same instance for the same arguments. */
    public ServiceCalls of(String site, Service service) {
        return byServiceAndSite.computeIfAbsent(site + '\u0000' + service.key(), k -> new ServiceCalls(site, service));
    }

    /** The {@code cloudhop.calls} timers of one (site, service). Thread-safe. */
    public final class ServiceCalls {

        private final String site;
        private final String service;
        private final ConcurrentHashMap<String, Outcomes> byOperation = new ConcurrentHashMap<>();

        private ServiceCalls(String site, Service service) {
            this.site = site;
            this.service = service.key();
        }

        /**
         * Records one call.
         *
         * @param operation the method of the service interface, e.g. {@code put}
         * @param failure   what the caller got thrown, or null when the call returned
         * @param nanos     how long it took
         */
        public void record(String operation, Throwable failure, long nanos) {
            Outcomes o = byOperation.get(operation);
            if (o == null) {
                o = byOperation.computeIfAbsent(operation, Outcomes::new);
            }
            (failure == null ? o.ok : o.failed(failure.getClass())).record(nanos, TimeUnit.NANOSECONDS);
        }

        /** One operation's timers: the success's, made at once, and one per exception class, made when first thrown. */
        private final class Outcomes {

            private final String operation;
            private final Timer ok;
            private final ConcurrentHashMap<Class<?>, Timer> failed = new ConcurrentHashMap<>();

            Outcomes(String operation) {
                this.operation = operation;
                this.ok = register(OK);
            }

            Timer failed(Class<?> type) {
                Timer t = failed.get(type);
                return t != null ? t : failed.computeIfAbsent(type, c -> register(c.getSimpleName()));
            }

            /** The timer, or a no-op one when the registry refused it (logged). */
            private Timer register(String outcome) {
                try {
                    return Timer.builder(NAME).description("calls the failover facade made to a site")
                            .tag("site", site).tag("service", service).tag("operation", operation).tag("outcome", outcome)
                            .serviceLevelObjectives(BUCKETS).register(registry);
                } catch (RuntimeException e) {
                    LOG.warn("{} {} {} {}: the meter registry refused the {} timer, those calls are not timed: {}", site,
                            service, operation, outcome, NAME, e.toString());
                    return UNTIMED;
                }
            }
        }
    }
}
