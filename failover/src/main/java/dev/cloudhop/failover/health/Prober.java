package dev.cloudhop.failover.health;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active probes: one cheap call per (site, service) the site supports, all in parallel, each bounded by the
 * probe timeout, reported to the {@link HealthMonitor}. Rounds run on demand (every site at once) or on a fixed
 * delay, where each site has its own round: a frozen site, whose probes wait out their timeout, does not slow the
 * probing of the others (with one round for all, the whole-cloud drill found a killed azure 1.9 s late, behind a
 * frozen AWS's 1 s timeouts). After a round {@code afterRound} runs (housekeeping that wants fresh health), on a
 * schedule at most once per interval. Thread-safe.
 */
public final class Prober implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Prober.class);
    private static final String PROBE_NAME = "cloudhop-probe";

    private record Probe(InterceptedSite site, Service service, Future<?> result) {
    }

    private final Collection<InterceptedSite> sites;
    private final HealthMonitor health;
    private final Runnable afterRound;
    private final ExecutorService pool = Executors.newCachedThreadPool(Threads.daemon("cloudhop-probe"));
    private final ScheduledExecutorService scheduler;
    private final ReentrantLock housekeeping = new ReentrantLock();
    private volatile long lastAfterRoundNanos = System.nanoTime();

    /** Probes {@code sites} into {@code health}; {@code afterRound} runs after every round. */
    public Prober(Collection<InterceptedSite> sites, HealthMonitor health, Runnable afterRound) {
        this.sites = List.copyOf(sites);
        this.health = health;
        this.afterRound = afterRound;
        this.scheduler = Executors.newScheduledThreadPool(Math.max(1, this.sites.size()), Threads.daemon("cloudhop-scheduler"));
        health.onSuspicion(this::confirm);
    }

    /**
     * One probe of a service the phi detector suspects, in the background. Its only report is the call itself, which
     * the detector sees like any other: answered, it ends the silence; unanswered, the silence grows. Its outcome does
     * not count among the probes' tolerated failures.
     */
    private void confirm(String siteId, Service service) {
        InterceptedSite site = sites.stream().filter(s -> s.id().equals(siteId)).findFirst().orElse(null);
        if (site == null || !supports(site, service)) {
            health.confirmationEnded(siteId, service);
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    probe(site, service);
                } catch (RuntimeException e) {
                    LOG.debug("confirmation probe of site {} service {} failed", siteId, service.key(), e);
                } finally {
                    health.confirmationEnded(siteId, service);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            health.confirmationEnded(siteId, service); // closing
        }
    }

    /** Probes every site every {@code interval} from now on, each site on its own schedule, until closed. */
    public void schedule(Duration interval, Duration timeout) {
        long ms = Math.max(1, interval.toMillis());
        for (InterceptedSite site : sites) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    collect(start(List.of(site)), timeout);
                    afterRoundAtMostEvery(interval);
                } catch (RuntimeException e) {
                    // a scheduled task that throws is never run again: probing must go on
                    LOG.error("probe round of site {} failed", site.id(), e);
                }
            }, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** Probes every site's services once and waits for the results, at most {@code timeout}. */
    public void round(Duration timeout) {
        if (collect(start(sites), timeout)) {
            afterRound.run();
        }
    }

    /** Runs the housekeeping unless it ran less than {@code interval} ago or runs now on another site's thread. */
    private void afterRoundAtMostEvery(Duration interval) {
        if (System.nanoTime() - lastAfterRoundNanos < interval.toNanos() || !housekeeping.tryLock()) {
            return;
        }
        try {
            lastAfterRoundNanos = System.nanoTime();
            afterRound.run();
        } finally {
            housekeeping.unlock();
        }
    }

    private List<Probe> start(Collection<InterceptedSite> of) {
        List<Probe> probes = new ArrayList<>();
        for (InterceptedSite s : of) {
            for (Service service : Service.values()) {
                if (supports(s, service)) {
                    probes.add(new Probe(s, service, pool.submit(() -> probe(s, service))));
                }
            }
        }
        return probes;
    }

    /**
     * Reports each probe's outcome as it is collected, waiting at most {@code timeout} in all.
     *
     * @return false when interrupted
     */
    private boolean collect(List<Probe> probes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Probe p : probes) {
            String site = p.site().id();
            try {
                p.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                health.probed(site, p.service(), true, "");
            } catch (TimeoutException e) {
                p.result().cancel(true);
                LOG.debug("probe of site {} service {} timed out after {}", site, p.service().key(), timeout);
                health.probed(site, p.service(), false, "probe timed out after " + timeout);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                boolean siteProblem = !(cause instanceof CloudException ce) || ce.retryable();
                LOG.debug("probe of site {} service {} failed", site, p.service().key(), cause);
                health.probed(site, p.service(), !siteProblem, String.valueOf(cause.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Whether the site's provider offers {@code service} at all (unsupported services are never probed). */
    public static boolean supports(InterceptedSite s, Service service) {
        return s.raw().supports(switch (service) {
            case BLOB -> Capability.BLOB;
            case QUEUE -> Capability.QUEUE;
            case DNS -> Capability.DNS;
            case COMPUTE -> Capability.COMPUTE;
        });
    }

    /** One probe call; throws what the site throws. */
    public static void probe(InterceptedSite s, Service service) {
        switch (service) {
            case BLOB -> s.blobs().containerExists(PROBE_NAME);
            case QUEUE -> s.queues().queueExists(PROBE_NAME);
            case DNS -> s.dns().listZones();
            // one lookup of an id that does not exist (empty on every provider, per the TCK): listing nodes
            // costs as much as the site has nodes (0.4-0.8 s per probe on LocalStack with 40 instances)
            case COMPUTE -> s.compute().node(PROBE_NAME);
        }
    }

    /** Stops probing. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        pool.shutdownNow();
    }
}
