package dev.cloudhop.failover;

import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.failover.backup.Backup;
import dev.cloudhop.failover.backup.BackupConfig;
import dev.cloudhop.failover.capture.CaptureJournal;
import dev.cloudhop.failover.capture.CaptureReplay;
import dev.cloudhop.failover.capture.QueueMerger;
import dev.cloudhop.failover.coordination.Coordinator;
import dev.cloudhop.failover.coordination.Coordinators;
import dev.cloudhop.failover.coordination.Register;
import dev.cloudhop.failover.drill.Switchboard;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.fencing.FenceRegister;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.health.Prober;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.KnownResources;
import dev.cloudhop.failover.internal.Threads;
import dev.cloudhop.failover.metrics.CallTimers;
import dev.cloudhop.failover.metrics.FailoverMeters;
import dev.cloudhop.failover.replication.BacklogJournal;
import dev.cloudhop.failover.replication.Reconciler;
import dev.cloudhop.failover.replication.Replicator;
import dev.cloudhop.failover.replication.SyncPolicy;
import dev.cloudhop.failover.routing.ActiveSite;
import dev.cloudhop.failover.routing.ReadHedger;
import dev.cloudhop.failover.routing.Router;
import dev.cloudhop.failover.runbook.DnsSwitch;
import dev.cloudhop.failover.runbook.Orchestrator;
import dev.cloudhop.failover.runbook.RunbookServices;
import dev.cloudhop.failover.runbook.RunbookStep;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The parts of one {@link FailoverCloud}, wired together: sites behind their interceptors, health, routing,
 * fencing, replication, capture, the orchestrator, meters and the four failover services. The facade only
 * delegates to them; this class knows the order in which they are built, started and stopped.
 */
final class FailoverParts {

    final FailoverConfig config;
    final MeterRegistry meters;
    final EventBus events = new EventBus();
    final Switchboard switchboard;
    final HealthMonitor health;
    final ActiveSite state;
    final Router router;
    private static final Logger LOG = LoggerFactory.getLogger(FailoverParts.class);
    final Replicator replicator;
    final Reconciler reconciler;
    final CaptureJournal journal;
    final BlobStore blobs;
    final Optional<Backup> backup;
    final QueueService queues;
    final DnsService dns;
    final ComputeService compute;
    private final Sites owned;
    private final QueueMerger merger;
    final Orchestrator orchestrator;
    final ReadHedger hedger;
    final Coordinator coordinator;
    private final Prober prober;
    private final ExecutorService background = Executors.newSingleThreadExecutor(Threads.daemon("cloudhop-reconcile-start"));

    /** Builds and starts every part: reads the sites' fences (I/O), probes once and schedules probing. */
    FailoverParts(FailoverCloudBuilder b) {
        List<RunbookStep> steps = Orchestrator.steps(b.config.runbookOrder(), b.steps); // first: fails before anything starts
        this.config = b.config;
        this.owned = b.owned;
        this.meters = b.meters;
        Clock clock = b.clock;
        this.switchboard = new Switchboard(events::publish, clock, config.callTimeout());
        List<String> order = new ArrayList<>(config.priority());
        // a backup site outside the priority list keeps the backup only: no failover, replication or routing there
        Optional<String> backupOnly = config.backup().map(BackupConfig::site).filter(id -> !order.contains(id));
        b.sites.ids().stream().filter(id -> !order.contains(id) && !backupOnly.equals(Optional.of(id))).forEach(order::add);
        Orchestrator[] decider = new Orchestrator[1];
        this.health = new HealthMonitor(order, config.probe().toleratedFailures(), config.passiveFailures(),
                config.detection(), System::nanoTime, clock, events,
                (site, service) -> {
                    if (decider[0] != null) {
                        decider[0].healthChanged(site, service);
                    }
                });
        List<CallInterceptor> interceptors = new ArrayList<>(List.of(switchboard));
        interceptors.addAll(b.interceptors);
        InterceptedSite.Hooks hooks = new SiteHooks(interceptors, health, new CallTimers(meters));
        List<InterceptedSite> sites = order.stream().map(id -> new InterceptedSite(b.sites.site(id), hooks)).toList();
        this.state = new ActiveSite(Set.copyOf(order), events, clock);
        this.replicator = new Replicator(sites, id -> health.isUp(id, Service.BLOB), clock, config.parallelism(),
                config.syncReplication() ? Optional.of(new SyncPolicy(config.minReplicas(), config.onInsufficientReplicas()))
                        : Optional.empty(), events,
                config.journalDirectory().map(dir -> BacklogJournal.open(dir, config.journalFsync())));
        FenceRegister fences = new FenceRegister(sites, state, config.priority().get(0), clock, events, config.clientWait());
        this.reconciler = new Reconciler(sites, replicator, id -> health.isUp(id, Service.BLOB), Set.of(Backup.CONTAINER),
                events, clock, config.parallelism(), () -> state.epoch(),
                fences::refuseIfBehind);
        this.router = new Router(sites, config, health, state, replicator::newerAt);
        this.journal = new CaptureJournal(config.captureDirectory().orElseGet(FailoverParts::tempCaptureDir));
        KnownResources known = new KnownResources();
        this.merger = new QueueMerger(router, state, health, replicator, known, config, events, clock);
        this.coordinator = Coordinators.create(config, sites, () -> new Register(state.epoch(), state.site()), clock,
                "the failover facade's sites");
        fences.mayAcknowledge(coordinator::mayAcknowledge);
        state.holdWritesAfterAdopting(coordinator.staleWriterBound());
        BiConsumer<Register, String> follow = (r, by) -> {
            long before = state.epoch();
            state.adopt(r.epoch(), r.activeSite());
            if (state.epoch() > before) {
                events.publish(new FailoverEvent.FleetDecisionAdopted(clock.instant(), r.epoch(), r.activeSite(), by));
            }
        };
        RunbookServices services = new RunbookServices(config, router, state, fences, health, replicator, reconciler, known,
                new CaptureReplay(journal, events, clock), merger, new DnsSwitch(config, router, state, health, events, clock),
                coordinator, follow);
        // a restore into the active site goes through the facade, so that it is replicated
        BlobStore[] facade = new BlobStore[1];
        Optional<Backup> backedUp = config.backup().map(c -> new Backup(c, b.sites.site(c.site()).blobs(),
                id -> id.equals(state.site()) ? facade[0] : siteBlobs(b.sites, id), clock));
        this.backup = backedUp;
        // only a single instance knows every write in flight, so only it can tell a replica that is up to date
        boolean hedge = config.hedge().reads() && config.coordination().kind() == dev.cloudhop.failover.coordination.CoordinationKind.SINGLE;
        this.hedger = new ReadHedger(hedge, config.hedge().percentile(), config.hedge().minDelay());
        FailoverMeters binder = new FailoverMeters(order, health, state, replicator, journal);
        binder.reconciler(reconciler);
        binder.hedger(hedger);
        backedUp.ifPresent(binder::backup);
        binder.bindTo(meters);
        events.subscribe(binder::onEvent);
        this.orchestrator = new Orchestrator(services, steps, events, clock, binder::failoverRan);
        decider[0] = orchestrator;
        this.blobs = new FailoverBlobStore(router, fences, replicator, state, known, backup, hedger);
        facade[0] = blobs;
        this.queues = new FailoverQueueService(router, health, journal, known, state, events, clock, fences);
        this.dns = new FailoverDns(router, state);
        this.compute = new FailoverCompute(router, state);
        fences.adoptNewest();
        join(follow);
        this.prober = new Prober(sites, health, orchestrator::afterProbeRound);
        // The first touch of a site builds its clients (about a second for jclouds): not an outage.
        prober.round(Duration.ofSeconds(10));
        if (b.probing) {
            prober.schedule(config.probe().interval(), config.probe().timeout());
            health.startEvaluating();
        }
        // in a fleet, instances join while others move the fleet: reconciling from a view that may be stale is left to
        // the failback's step and to an explicit reconcile()
        if (config.reconcileAtStart() && sites.size() > 1 && !services.coordinated()) {
            background.execute(this::reconcileAtStart);
        }
    }

    /** The reconciliation at open: from the active site to every other site that is up; logged, never thrown. */
    private void reconcileAtStart() {
        try {
            reconciler.reconcile(state.site(), List.of(), Duration.ZERO);
        } catch (RuntimeException e) {
            if (!state.closed()) {
                LOG.warn("the reconciliation at start failed (run FailoverCloud.reconcile() again): {}", e.toString());
            }
        }
    }

    /** Joins the fleet: the register (when ahead of the fences read) decides where this instance starts. */
    private void join(BiConsumer<Register, String> follow) {
        Register own = new Register(state.epoch(), state.site());
        Register fleet = coordinator.join(own);
        if (fleet.epoch() >= own.epoch() && !fleet.equals(own)) {
            state.start(fleet.activeSite(), fleet.epoch());
        } else if (fleet.epoch() < own.epoch() && !coordinator.compareAndSet(fleet, own)) {
            follow.accept(coordinator.current(), "register read at join");
        }
        coordinator.onChange(r -> follow.accept(r, "register changed"));
    }

    /** One probe round now, bounded by the probe timeout. */
    void probeNow() {
        prober.round(config.probe().timeout());
    }

    /**
     * Waits until queued orchestration work (failovers, replays, merges) and the reconciliation at start are done, up
     * to {@code timeout}.
     */
    boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // The orchestrator queues merges (recoveries) and a merge never queues orchestration work: the merger's
            // barrier is queued only once the orchestrator's work is done, or it could pass before a merge it queues.
            orchestrator.barrier().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            merger.barrier().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            background.submit(() -> { }).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return false; // not idle in time, or closed
        }
    }

    /** Stops probing, replication and orchestration, and closes the sites if the facade opened them; idempotent. */
    synchronized void close() {
        if (state.closed()) {
            return;
        }
        state.close();
        prober.close();
        health.close();
        orchestrator.close();
        coordinator.close();
        merger.close();
        background.shutdownNow();
        replicator.close();
        hedger.close();
        backup.ifPresent(Backup::close);
        if (owned != null) {
            owned.close();
        }
    }

    /** A configured site's plain blob store, or null when {@code id} names no site. */
    private static BlobStore siteBlobs(Sites sites, String id) {
        return sites.ids().contains(id) ? sites.site(id).blobs() : null;
    }

    private static Path tempCaptureDir() {
        try {
            return Files.createTempDirectory("cloudhop-capture-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
