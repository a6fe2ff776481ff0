package dev.cloudhop.failover.metrics;

import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.backup.Backup;
import dev.cloudhop.failover.capture.CaptureJournal;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.replication.Reconciler;
import dev.cloudhop.failover.replication.Replicator;
import dev.cloudhop.failover.routing.ActiveSite;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Optional;

/**
 * The facade's meters: {@code cloudhop.site.health} (site, service), {@code cloudhop.site.active} (site),
 * {@code cloudhop.replication.lag}, {@code cloudhop.replication.pending} and
 * {@code cloudhop.replication.dropped} and {@code cloudhop.replication.degraded} (site: the target),
 * {@code cloudhop.reconcile.compared}, {@code cloudhop.reconcile.diverged} and {@code cloudhop.reconcile.repaired}
 * (site: the target), {@code cloudhop.queue.captured}, {@code cloudhop.failovers} and, with backup, {@code cloudhop.backup.lag} and
 * {@code cloudhop.backup.pending} (site: the backup site). Bind it to one registry.
 */
public final class FailoverMeters implements MeterBinder {

    private final List<String> sites;
    private final HealthMonitor health;
    private final ActiveSite active;
    private final Replicator replicator;
    private final CaptureJournal journal;
    private volatile Counter failovers;
    private Backup backup;
    private Reconciler reconciler;

    /** Meters over the facade's parts. */
    public FailoverMeters(List<String> sites, HealthMonitor health, ActiveSite active, Replicator replicator,
                          CaptureJournal journal) {
        this.sites = List.copyOf(sites);
        this.health = health;
        this.active = active;
        this.replicator = replicator;
        this.journal = journal;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        for (String id : sites) {
            for (Service s : Service.values()) {
                Gauge.builder("cloudhop.site.health", health, h -> h.isUp(id, s) ? 1 : 0)
                        .tag("site", id).tag("service", s.key()).description("1 when the service is up").register(meters);
            }
            Gauge.builder("cloudhop.site.active", active, a -> id.equals(a.site()) ? 1 : 0).tag("site", id)
                    .description("1 for the site clients use").register(meters);
            Gauge.builder("cloudhop.replication.lag", replicator, r -> r.lag(id).toMillis() / 1000.0).tag("site", id)
                    .baseUnit("seconds").description("age of the oldest write not yet at the site").register(meters);
            Gauge.builder("cloudhop.replication.pending", replicator, r -> r.pending(id)).tag("site", id)
                    .description("writes waiting to reach the site").register(meters);
            FunctionCounter.builder("cloudhop.replication.dropped", replicator, r -> r.dropped(id)).tag("site", id)
                    .description("writes replication gave up on for the site (rejected for good)").register(meters);
            FunctionCounter.builder("cloudhop.replication.degraded", replicator, r -> r.degraded(id)).tag("site", id)
                    .description("sync writes acknowledged without the site holding them (on-insufficient-replicas = degrade)")
                    .register(meters);
        }
        Gauge.builder("cloudhop.queue.captured", journal, j -> j.list(Optional.empty()).size())
                .description("queue sends captured locally, not yet replayed").register(meters);
        if (reconciler != null) {
            for (String id : sites) {
                FunctionCounter.builder("cloudhop.reconcile.compared", reconciler, r -> r.compared(id)).tag("site", id)
                        .description("blobs reconciliation compared at the site with the active site").register(meters);
                FunctionCounter.builder("cloudhop.reconcile.diverged", reconciler, r -> r.diverged(id)).tag("site", id)
                        .description("blobs reconciliation found missing, extra or different at the site").register(meters);
                FunctionCounter.builder("cloudhop.reconcile.repaired", reconciler, r -> r.repaired(id)).tag("site", id)
                        .description("repairs reconciliation scheduled for the site").register(meters);
            }
        }
        if (backup != null) {
            Gauge.builder("cloudhop.backup.lag", backup, b -> b.status().lag().toMillis() / 1000.0)
                    .tag("site", backup.config().site()).baseUnit("seconds")
                    .description("how far the latest restorable point trails the newest acknowledged write").register(meters);
            Gauge.builder("cloudhop.backup.pending", backup, b -> b.status().pending()).tag("site", backup.config().site())
                    .description("acknowledged changes in the local spool, not yet at the backup site").register(meters);
        }
        failovers = Counter.builder("cloudhop.failovers").description("failovers and failbacks run").register(meters);
    }

    /**
     * Adds the reconciliation's counters ({@code cloudhop.reconcile.compared}, {@code cloudhop.reconcile.diverged},
     * {@code cloudhop.reconcile.repaired}, site: the target); call before binding.
     */
    public void reconciler(Reconciler r) {
        this.reconciler = r;
    }

    /** Adds the backup's meters ({@code cloudhop.backup.lag}, {@code cloudhop.backup.pending}); call before binding. */
    public void backup(Backup b) {
        this.backup = b;
    }

    /** Counts a failover or failback run. */
    public void failoverRan() {
        Counter c = failovers;
        if (c != null) {
            c.increment();
        }
    }
}
