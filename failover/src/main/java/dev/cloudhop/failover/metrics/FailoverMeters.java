package dev.cloudhop.failover.metrics;

import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.backup.Backup;
import dev.cloudhop.failover.capture.CaptureJournal;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.replication.Reconciler;
import dev.cloudhop.failover.replication.Replicator;
import dev.cloudhop.failover.routing.ActiveSite;
import io.micrometer.core.instrument.Counter;
import dev.cloudhop.failover.routing.ReadHedger;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The facade's meters, bound to one registry.
 * <ul>
 *   <li>Health and routing: {@code cloudhop.site.health} (site, service), {@code cloudhop.site.active} (site).</li>
 *   <li>Calls: {@code cloudhop.calls} (site, service, operation, outcome), timed by {@link CallTimers}.</li>
 *   <li>Replication (site: the target): {@code cloudhop.replication.lag}, {@code cloudhop.replication.pending},
 *   {@code cloudhop.replication.dropped}, {@code cloudhop.replication.degraded}; {@code cloudhop.replication.copied}
 *   (all sites); {@code cloudhop.reconcile.compared}, {@code cloudhop.reconcile.diverged},
 *   {@code cloudhop.reconcile.repaired}.</li>
 *   <li>Runbooks, from the events passed to {@link #onEvent}: {@code cloudhop.failovers}, {@code cloudhop.failover.duration}
 *   (from, to, ok), {@code cloudhop.runbook.step} (step, ok).</li>
 *   <li>Capture: {@code cloudhop.queue.captured} (sends captured, not yet replayed), and from the events
 *   {@code cloudhop.queue.captures} (site, queue) and {@code cloudhop.queue.replayed} (site, queue, source:
 *   capture or merge).</li>
 *   <li>With backup (site: the backup site): {@code cloudhop.backup.lag}, {@code cloudhop.backup.pending}.</li>
 *   <li>Drills, recorded by {@link #drillFinished}: {@code cloudhop.drill.detection}, {@code cloudhop.drill.rto}
 *   (scenario, site), with percentile histograms.</li>
 * </ul>
 */
public final class FailoverMeters implements MeterBinder {

    private final List<String> sites;
    private final HealthMonitor health;
    private final ActiveSite active;
    private final Replicator replicator;
    private final CaptureJournal journal;
    private volatile Counter failovers;
    private volatile MeterRegistry registry;
    private Backup backup;
    private Reconciler reconciler;
    private ReadHedger hedger;

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
        if (hedger != null) {
            FunctionCounter.builder("cloudhop.reads.hedged", hedger, ReadHedger::hedged)
                    .description("blob reads sent a second time to an up-to-date replica (hedge.reads)").register(meters);
            FunctionCounter.builder("cloudhop.reads.hedged.won", hedger, ReadHedger::wonByReplica)
                    .description("hedged blob reads the replica answered first").register(meters);
        }
        FunctionCounter.builder("cloudhop.replication.copied", replicator, Replicator::replicated)
                .description("copies replication made to other sites").register(meters);
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
        registry = meters;
    }

    /**
     * Records the meters an event stands for: runbook steps and runbooks as timers, captured and replayed messages as
     * counters; other events are ignored, and so is any event before {@link #bindTo}. Subscribe it to the facade's
     * events. Called on the publishing thread; quick.
     */
    public void onEvent(FailoverEvent event) {
        MeterRegistry meters = registry;
        if (meters == null) {
            return;
        }
        if (event instanceof FailoverEvent.RunbookStepCompleted s) {
            Timer.builder("cloudhop.runbook.step").description("runbook steps run, by step and outcome")
                    .tag("step", s.step()).tag("ok", Boolean.toString(s.ok())).register(meters).record(s.took());
        } else if (event instanceof FailoverEvent.FailoverCompleted f) {
            Timer.builder("cloudhop.failover.duration")
                    .description("failovers and failbacks, from the first runbook step to the last")
                    .tag("from", f.from()).tag("to", f.to()).tag("ok", Boolean.toString(f.ok())).register(meters)
                    .record(f.took());
        } else if (event instanceof FailoverEvent.MessageCaptured c) {
            // not "cloudhop.queue.captured.total": Prometheus strips ".total" and the name would clash with the gauge
            Counter.builder("cloudhop.queue.captures")
                    .description("queue sends captured locally because their site could not take them")
                    .tag("site", c.site()).tag("queue", c.queue()).register(meters).increment();
        } else if (event instanceof FailoverEvent.MessagesReplayed r) {
            Counter.builder("cloudhop.queue.replayed").description("captured or stranded messages delivered to the active site")
                    .tag("site", r.toSite()).tag("queue", r.queue())
                    .tag("source", r.source().startsWith("merge") ? "merge" : r.source()).register(meters)
                    .increment(r.count());
        }
    }

    /**
     * Records a finished drill's detection (when the fault was detected) and RTO in {@code meters} (the facade's
     * {@link dev.cloudhop.failover.FailoverCloud#meters()}): {@code cloudhop.drill.detection} and
     * {@code cloudhop.drill.rto}, tagged with the scenario and the struck site, with percentile histograms so that a
     * backend computes quantiles over many drills.
     */
    public static void drillFinished(MeterRegistry meters, DrillReport report) {
        if (report.detection() != null) {
            drillTimer(meters, "cloudhop.drill.detection", "from a drill's fault to the health event marking the site down",
                    report).record(report.detection());
        }
        drillTimer(meters, "cloudhop.drill.rto", "from a drill's fault to the first call that succeeded after it", report)
                .record(report.rto());
    }

    private static Timer drillTimer(MeterRegistry meters, String name, String description, DrillReport report) {
        return Timer.builder(name).description(description).tag("scenario", report.scenario())
                .tag("site", report.siteBefore()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2)).register(meters);
    }

    /**
     * Adds the reconciliation's counters ({@code cloudhop.reconcile.compared}, {@code cloudhop.reconcile.diverged},
     * {@code cloudhop.reconcile.repaired}, site: the target); call before binding.
     */
    public void reconciler(Reconciler r) {
        this.reconciler = r;
    }

    /** Adds the hedged-read counters ({@code cloudhop.reads.hedged}, {@code cloudhop.reads.hedged.won}); call before binding. */
    public void hedger(ReadHedger h) {
        this.hedger = h;
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
