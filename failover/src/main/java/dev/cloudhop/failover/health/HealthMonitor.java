package dev.cloudhop.failover.health;

import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.Threads;
import java.time.Clock;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health of every (site, service), from two sources: active probes (a service goes down after
 * {@code tolerated-failures} consecutive failed probes and up after one success, as in Traffic Manager) and
 * passive observation of live calls ({@code consecutive-failures} unavailable calls in a row mark it down
 * at once, so an outage under traffic is seen in milliseconds). Only unavailability and throttling count;
 * caller errors never do. With {@link Detection.Kind#PHI} a third source joins them: a {@link PhiAccrualDetector}
 * per (site, service) fed by every call's start and answer, evaluated every {@code check-interval}, marks a
 * service down whose calls have gone unanswered too long, which is how a frozen site (no error, no answer) is
 * seen before any timeout; the calls still waiting on a service found down are then cancelled.
 *
 * <p>A silence can also be one long call alone (a large upload, a long-poll receive) while nothing else asks the
 * service anything: the scheduled probes answer only every probe interval (1 s by default), longer than the
 * acceptable pause. So a suspicion of half the threshold asks for a {@linkplain #onSuspicion confirmation}: one
 * extra probe of that service. A site that is alive answers it in milliseconds and the silence ends; a frozen one
 * does not, and the suspicion goes on rising to the threshold. Changes are published as
 * {@link FailoverEvent.SiteHealthChanged}. Thread-safe.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private static final class State {
        boolean up = true;
        /** Written under the state's lock; volatile so that a success after successes needs no lock. */
        volatile int consecutiveCallFailures;
        int consecutiveProbeFailures;
        /** Null unless detection is {@link Detection.Kind#PHI} and the service is one of {@link #PHI_SERVICES}. */
        PhiAccrualDetector phi;
        /** Whether a confirmation asked for by {@link #evaluate()} has yet to end. */
        final java.util.concurrent.atomic.AtomicBoolean confirming = new java.util.concurrent.atomic.AtomicBoolean();
    }

    /**
     * The services the phi detector watches: the data plane, whose calls are many and alike. Compute and DNS calls are
     * control-plane operations whose durations range from milliseconds (a lookup) to seconds (a launch), which no one
     * latency distribution describes: a launch would look like a frozen site (the first soak cancelled one so). They
     * keep count-based detection.
     */
    private static final Set<Service> PHI_SERVICES = EnumSet.of(Service.BLOB, Service.QUEUE);

    private final Map<String, Map<Service, State>> states = new LinkedHashMap<>();
    private final int toleratedProbeFailures;
    private final int passiveThreshold;
    private final Clock clock;
    private final EventBus events;
    private final BiConsumer<String, Service> onChange;
    private final Detection detection;
    private final ScheduledExecutorService evaluator;
    private volatile BiConsumer<String, Service> confirmation = (site, service) -> confirmationEnded(site, service);

    /** As the full constructor, with count-based detection only. */
    public HealthMonitor(List<String> sites, int toleratedProbeFailures, int passiveThreshold, Clock clock, EventBus events,
                         BiConsumer<String, Service> onChange) {
        this(sites, toleratedProbeFailures, passiveThreshold, Detection.COUNT, System::nanoTime, clock, events, onChange);
    }

    /**
     * Every service of every site starts up. With phi detection, call {@link #startEvaluating()} (or
     * {@link #evaluate()} from a test) for the detectors to mark anything down.
     *
     * @param sites                  site ids
     * @param toleratedProbeFailures consecutive failed probes that mark a service down (at least 1)
     * @param passiveThreshold       consecutive failed live calls that mark a service down (at least 1)
     * @param detection              count only, or count and phi accrual
     * @param nanoClock              monotonic time of the phi detectors ({@code System::nanoTime})
     * @param clock                  for events
     * @param events                 where changes are published
     * @param onChange               called after every change, on the thread that saw it
     */
    public HealthMonitor(List<String> sites, int toleratedProbeFailures, int passiveThreshold, Detection detection,
                         LongSupplier nanoClock, Clock clock, EventBus events, BiConsumer<String, Service> onChange) {
        this.detection = detection;
        boolean phi = detection.kind() == Detection.Kind.PHI;
        for (String site : sites) {
            Map<Service, State> m = new EnumMap<>(Service.class);
            for (Service s : Service.values()) {
                State state = new State();
                if (phi && PHI_SERVICES.contains(s)) {
                    state.phi = new PhiAccrualDetector(nanoClock, detection.minStdDeviation(), detection.acceptablePause(),
                            PhiAccrualDetector.DEFAULT_WINDOW);
                }
                m.put(s, state);
            }
            states.put(site, m);
        }
        this.evaluator = phi ? Executors.newSingleThreadScheduledExecutor(Threads.daemon("cloudhop-detector")) : null;
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

    /** A call (live or probe) to the service starts; returns its token for {@link #callAnswered}/{@link #callAbandoned}. */
    public long callStarted(String site, Service service) {
        PhiAccrualDetector d = state(site, service).phi;
        return d == null ? 0 : d.started();
    }

    /**
     * The call of {@code token} was answered (a success, or an error that is the caller's).
     *
     * @return whether the call had been cancelled because the service was found down
     */
    public boolean callAnswered(String site, Service service, long token) {
        PhiAccrualDetector d = state(site, service).phi;
        return d != null && d.answered(token);
    }

    /**
     * The call of {@code token} ended unanswered (unavailable, throttled, interrupted).
     *
     * @return whether the call had been cancelled because the service was found down
     */
    public boolean callAbandoned(String site, Service service, long token) {
        PhiAccrualDetector d = state(site, service).phi;
        return d != null && d.abandoned(token);
    }

    /** The phi detector's suspicion of the service now; 0 with count-based detection. */
    public double phi(String site, Service service) {
        PhiAccrualDetector d = state(site, service).phi;
        return d == null ? 0 : d.phi();
    }

    /** Evaluates every phi detector every {@code check-interval} from now on, until closed; a no-op in count mode. */
    public void startEvaluating() {
        if (evaluator != null) {
            long ns = detection.checkInterval().toNanos();
            evaluator.scheduleWithFixedDelay(() -> {
                try {
                    evaluate();
                } catch (RuntimeException e) {
                    // a scheduled task that throws is never run again: detection must go on
                    LOG.error("failure detection round failed", e);
                }
            }, ns, ns, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Marks down every up service whose phi reached the threshold, cancelling its calls in flight; on a service
     * down already, cancels the calls that have waited as long since.
     */
    public void evaluate() {
        states.forEach((site, m) -> m.forEach((service, s) -> {
            if (s.phi == null) {
                return;
            }
            double phi = s.phi.phi();
            if (phi < detection.phiThreshold()) {
                if (phi >= detection.phiThreshold() / 2 && s.confirming.compareAndSet(false, true)) {
                    confirmation.accept(site, service);
                }
                return;
            }
            boolean changed = false;
            synchronized (s) {
                if (s.up) {
                    s.up = false;
                    changed = true;
                }
            }
            if (!changed) {
                // down already: a call started since then that waits as long is cut as well
                int cancelled = s.phi.cancelAll();
                if (cancelled > 0) {
                    LOG.debug("site {} service {} is down: {} more call(s) in flight cancelled", site, service.key(), cancelled);
                }
            } else {
                publish(site, service, false, String.format("phi %.1f >= %.1f: %d call(s) unanswered for %d ms", phi,
                        detection.phiThreshold(), s.phi.inFlight(), s.phi.silence().toMillis()));
            }
        }));
    }

    /**
     * Who confirms a suspicion (the {@link Prober}): {@code probe} is called with a site and service whose phi reached
     * half the threshold, at most once until {@link #confirmationEnded} is called for them. It must not block: it
     * starts one call to the service (its answer, or its silence, is the evidence) and calls
     * {@code confirmationEnded} when that call ends. Until one is set, suspicions are not confirmed.
     */
    public void onSuspicion(BiConsumer<String, Service> probe) {
        this.confirmation = java.util.Objects.requireNonNull(probe, "probe");
    }

    /** The confirmation of a suspicion of the service ended (answered or not): the next suspicion may ask again. */
    public void confirmationEnded(String site, Service service) {
        state(site, service).confirming.set(false);
    }

    /** Stops evaluating the phi detectors. */
    @Override
    public void close() {
        if (evaluator != null) {
            evaluator.shutdownNow();
        }
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
                    if (s.phi != null) {
                        s.phi.reset(); // calls stuck in the outage are not the new silence
                    }
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
        PhiAccrualDetector d = state(site, service).phi;
        if (!up && d != null) {
            // calls waiting on a service found down are cut, not waited out: the facade retries them elsewhere
            int cancelled = d.cancelAll();
            if (cancelled > 0) {
                reason = reason + "; " + cancelled + " call(s) in flight cancelled";
            }
        }
        LOG.warn("site {} service {} is {}: {}", site, service.key(), up ? "up" : "down", reason);
        events.publish(new FailoverEvent.SiteHealthChanged(clock.instant(), site, service, up, reason));
        onChange.accept(site, service);
    }
}
