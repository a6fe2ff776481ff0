package dev.cloudhop.failover;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.failover.capture.CaptureJournal;
import dev.cloudhop.failover.capture.CaptureReplay;
import dev.cloudhop.failover.capture.QueueMerger;
import dev.cloudhop.failover.event.EventStream;
import dev.cloudhop.failover.fencing.Fence;
import dev.cloudhop.failover.fencing.FenceRegister;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.health.Prober;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.KnownResources;
import dev.cloudhop.failover.metrics.FailoverMeters;
import dev.cloudhop.failover.replication.Replicator;
import dev.cloudhop.failover.routing.ActiveSite;
import dev.cloudhop.failover.routing.Router;
import dev.cloudhop.failover.runbook.DnsSwitch;
import dev.cloudhop.failover.runbook.Orchestrator;
import dev.cloudhop.failover.runbook.RunbookServices;
import dev.cloudhop.failover.runbook.RunbookStep;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One {@link Cloud} over several sites that keeps an application running when its active site fails,
 * following the DR guide: health probes plus passive detection, priority (Traffic Manager) routing, a timed
 * failover runbook (fence, settle replication, prepare, provision, switch DNS, redirect, replay, verify),
 * blob replication (async with measured lag, or sync), durable capture and idempotent replay of queue
 * sends, reduced-functionality queries, a fault switchboard and typed events with Micrometer meters.
 *
 * <p>The application uses it exactly as one site. Reads and writes go to the active site (in the
 * active-active topology, blob keys go to their home site); reads fall back to a replica when the site
 * serving them is unavailable; a write that meets an outage waits up to {@code client-wait} for the
 * failover and is retried once at the new site. Thread-safe.
 *
 * <pre>{@code
 * try (FailoverCloud cloud = FailoverCloud.open(Path.of("cloudhop.conf"))) {
 *     cloud.blobs().put(BlobId.of("orders", "42.json"), json);
 *     cloud.switchboard().inject("azure", Fault.unavailable());   // a drill
 * }
 * }</pre>
 */
public final class FailoverCloud implements Cloud {

    /** The container holding Cloudhop's own records (the fence) on every site; never replicated. */
    public static final String SYSTEM_CONTAINER = Fence.CONTAINER;
    /** The attribute carrying a message's dedup key, so that moved and replayed messages keep it. */
    public static final String DEDUP_ATTRIBUTE = QueueMerger.DEDUP_ATTRIBUTE;

    private final FailoverConfig config;
    private final Sites owned;
    private final EventBus events = new EventBus();
    private final Switchboard switchboard;
    private final HealthMonitor health;
    private final ActiveSite state;
    private final Router router;
    private final Replicator replicator;
    private final CaptureJournal journal;
    private final QueueMerger merger;
    private final Orchestrator orchestrator;
    private final Prober prober;
    private final MeterRegistry meters;
    private final BlobStore blobs;
    private final QueueService queues;
    private final DnsService dns;
    private final ComputeService compute;

    private FailoverCloud(Builder b) {
        List<RunbookStep> steps = Orchestrator.steps(b.steps); // first: fails before anything starts
        this.config = b.config;
        this.owned = b.owned;
        this.meters = b.meters;
        Clock clock = b.clock;
        this.switchboard = new Switchboard(events, clock);
        List<String> order = new ArrayList<>(config.priority());
        b.sites.ids().stream().filter(id -> !order.contains(id)).forEach(order::add);
        Orchestrator[] decider = new Orchestrator[1];
        this.health = new HealthMonitor(order, config.probe().toleratedFailures(), config.passiveFailures(), clock, events,
                (site, service) -> {
                    if (decider[0] != null) {
                        decider[0].healthChanged(site, service);
                    }
                });
        InterceptedSite.Hooks hooks = new SiteHooks(switchboard, health, config.callTimeout());
        List<InterceptedSite> sites = order.stream().map(id -> new InterceptedSite(b.sites.site(id), hooks)).toList();
        this.state = new ActiveSite(Set.copyOf(order), events, clock);
        this.replicator = new Replicator(sites, id -> health.isUp(id, Service.BLOB), clock, config.parallelism(),
                config.syncReplication(), events);
        this.router = new Router(sites, config, health, state, replicator::newerAt);
        FenceRegister fences = new FenceRegister(sites, state, config.priority().get(0), clock, events);
        this.journal = new CaptureJournal(config.captureDirectory().orElseGet(FailoverCloud::tempCaptureDir));
        KnownResources known = new KnownResources();
        this.merger = new QueueMerger(router, state, health, replicator, known, config, events, clock);
        RunbookServices services = new RunbookServices(config, router, state, fences, health, replicator, known,
                new CaptureReplay(journal, events, clock), merger, new DnsSwitch(config, router, state, health, events, clock));
        FailoverMeters binder = new FailoverMeters(order, health, state, replicator, journal);
        binder.bindTo(meters);
        this.orchestrator = new Orchestrator(services, steps, events, clock, binder::failoverRan);
        decider[0] = orchestrator;
        this.blobs = new FailoverBlobStore(router, fences, replicator, state, known);
        this.queues = new FailoverQueueService(router, health, journal, known, state, events, clock);
        this.dns = new FailoverDns(router, state);
        this.compute = new FailoverCompute(router, state);
        fences.adoptNewest();
        this.prober = new Prober(sites, health, orchestrator::afterProbeRound);
        // The first touch of a site builds its clients (about a second for jclouds): not an outage.
        prober.round(Duration.ofSeconds(10));
        if (b.probing) {
            prober.schedule(config.probe().interval(), config.probe().timeout());
        }
    }

    /**
     * Opens the sites of a configuration file and fails over between them per its {@code failover}
     * section. Closing the returned cloud closes the sites.
     *
     * @throws dev.cloudhop.api.config.ConfigException listing every problem of the file
     */
    public static FailoverCloud open(Path configFile) {
        return open(configFile, b -> { });
    }

    /**
     * As {@link #open(Path)}, with {@code customize} adjusting the builder first (e.g. adding runbook steps).
     *
     * @throws dev.cloudhop.api.config.ConfigException listing every problem of the file
     */
    public static FailoverCloud open(Path configFile, Consumer<Builder> customize) {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig cfg = CloudhopConfig.load(configFile, System.getenv(), providers);
        FailoverConfig failover = FailoverConfig.of(cfg);
        Sites sites = Cloudhop.open(cfg, providers);
        try {
            Builder b = builder(sites, failover).closeSitesOnClose();
            customize.accept(b);
            return b.build();
        } catch (RuntimeException e) {
            sites.close();
            throw e;
        }
    }

    /** Starts building a facade over already opened sites. */
    public static Builder builder(Sites sites, FailoverConfig config) {
        return new Builder(sites, config);
    }

    /** Configures a {@link FailoverCloud}. */
    public static final class Builder {
        private final Sites sites;
        private final FailoverConfig config;
        private Sites owned;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meters = new SimpleMeterRegistry();
        private boolean probing = true;
        private final List<Map.Entry<RunbookStep.Position, RunbookStep>> steps = new ArrayList<>();

        private Builder(Sites sites, FailoverConfig config) {
            this.sites = Objects.requireNonNull(sites, "sites");
            this.config = Objects.requireNonNull(config, "config");
            for (String id : config.priority()) {
                sites.site(id);
            }
        }

        /** The clock for events, health and replication lag (tests inject a controllable one). */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** Where meters are registered (default: a private simple registry). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Whether probes run on their own every {@code probe.interval} (default true); tests call {@link #probeNow()}. */
        public Builder scheduledProbes(boolean on) {
            this.probing = on;
            return this;
        }

        /**
         * Adds an application step to every runbook, placed relative to a built-in step (see
         * {@link RunbookStep} for their names) or to a step added before. Its timing and outcome are in the
         * {@link RunbookReport} like the built-in steps'; a failing {@link RunbookStep#required() required}
         * step aborts the runbook.
         *
         * @throws IllegalArgumentException at {@link #build()} when the position names no step or the name is taken
         */
        public Builder runbookStep(RunbookStep.Position position, RunbookStep step) {
            steps.add(Map.entry(Objects.requireNonNull(position, "position"), Objects.requireNonNull(step, "step")));
            return this;
        }

        /** Close the sites when the facade is closed. */
        public Builder closeSitesOnClose() {
            this.owned = sites;
            return this;
        }

        /** Builds the facade: reads the fences of the sites (I/O) and starts probing. */
        public FailoverCloud build() {
            return new FailoverCloud(this);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // state and introspection

    /** The configuration in force. */
    public FailoverConfig config() {
        return config;
    }

    /** The site clients are using now. */
    public String activeSite() {
        return state.site();
    }

    /** The fencing epoch: raised by every failover; writes of a client with an older epoch are refused. */
    public long epoch() {
        return state.epoch();
    }

    /** The fault switchboard. */
    public Switchboard switchboard() {
        return switchboard;
    }

    /** The event stream. */
    public EventStream events() {
        return events;
    }

    /** Health of every site and service. */
    public HealthMonitor health() {
        return health;
    }

    /** The meters (health, active site, failovers, replication lag, backlog and drops, captured messages). */
    public MeterRegistry meters() {
        return meters;
    }

    /** Every failover and failback run so far, oldest first. */
    public List<RunbookReport> failovers() {
        return orchestrator.reports();
    }

    /** The names of the steps every runbook considers, in order (built-in and application steps). */
    public List<String> runbookSteps() {
        return orchestrator.stepNames();
    }

    /** Blob writes waiting to reach {@code site}. */
    public int replicationBacklog(String site) {
        return replicator.pending(site);
    }

    /** The age of the oldest blob write not yet at {@code site}: the current RPO towards it. */
    public Duration replicationLag(String site) {
        return replicator.lag(site);
    }

    /** Blob writes replication gave up on for {@code site} (the site rejects them for good). */
    public long replicationDropped(String site) {
        return replicator.dropped(site);
    }

    /** Queue sends captured locally and not yet replayed. */
    public int capturedMessages() {
        return journal.list(Optional.empty()).size();
    }

    /** A site's services without failover, switchboard or health tracking: for verification and tools. */
    public Cloud rawSite(String id) {
        return router.site(id).raw();
    }

    /** Site ids in priority order. */
    public List<String> siteIds() {
        return router.ids();
    }

    /** Whether an application capability can work now (reduced-functionality mode). */
    public CapabilityStatus capability(String name) {
        Set<Service> needed = config.capabilities().get(name);
        if (needed == null) {
            throw new IllegalArgumentException("unknown capability '" + name + "'; configured: " + config.capabilities().keySet());
        }
        String at = state.site();
        List<Service> down = needed.stream().filter(s -> !health.isUp(at, s)).sorted().toList();
        return new CapabilityStatus(name, down.isEmpty(), down, at);
    }

    /** Where a write of {@code key} goes now (for tests of routing). */
    InterceptedSite writeSite(String key) {
        return router.writeSite(key);
    }

    /** Where a read of {@code key} goes first (for tests of routing). */
    InterceptedSite readSite(String key) {
        return router.readSite(key, site -> false);
    }

    /** As {@link #readSite(String)}, avoiding a weighted pick that {@code behind} says lacks a write. */
    InterceptedSite readSite(String key, Predicate<String> behind) {
        return router.readSite(key, behind);
    }

    /** Whether a write of {@code id} has yet to reach {@code site}. */
    boolean replicationBehind(String site, BlobId id) {
        return replicator.behind(site, id);
    }

    // ------------------------------------------------------------------------------------------------
    // Cloud

    @Override
    public SiteInfo site() {
        return router.active().raw().site();
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> all = EnumSet.allOf(Capability.class);
        router.sites().forEach(s -> all.retainAll(s.raw().capabilities()));
        return Set.copyOf(all);
    }

    @Override
    public BlobStore blobs() {
        return blobs;
    }

    @Override
    public QueueService queues() {
        return queues;
    }

    @Override
    public DnsService dns() {
        return dns;
    }

    @Override
    public ComputeService compute() {
        return compute;
    }

    // ------------------------------------------------------------------------------------------------
    // operations and lifecycle

    /**
     * Probes every site's services once, now, and waits for the results (at most the probe timeout).
     *
     * @throws IllegalStateException when closed
     */
    public void probeNow() {
        checkOpen();
        prober.round(config.probe().timeout());
    }

    /**
     * Fails over to {@code to} now (manual failover) and waits for the runbook to finish.
     *
     * @return the runbook's report
     * @throws IllegalStateException when closed
     */
    public RunbookReport failover(String to) {
        checkOpen();
        return orchestrator.failover(to);
    }

    /**
     * Returns to the primary (the first site of {@code priority}): the failover runbook in reverse, plus a merge.
     *
     * @throws IllegalStateException when closed
     */
    public RunbookReport failback() {
        checkOpen();
        return orchestrator.failback();
    }

    /** Waits until queued orchestration work (failovers, replays, merges) is done, up to {@code timeout}. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // the orchestrator queues merges (recoveries), and a merge never queues orchestration work
            for (Future<?> f : List.of(orchestrator.barrier(), merger.barrier())) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return false; // not idle in time, or closed
        }
    }

    private void checkOpen() {
        state.checkOpen();
    }

    /**
     * Stops probing, replication and orchestration, and closes the sites if this facade opened them.
     * Idempotent; every later call of the services, {@link #failover}, {@link #failback} or {@link #probeNow}
     * throws {@link IllegalStateException}.
     */
    @Override
    public synchronized void close() {
        if (state.closed()) {
            return;
        }
        state.close();
        prober.close();
        orchestrator.close();
        merger.close();
        replicator.close();
        if (owned != null) {
            owned.close();
        }
    }

    private static Path tempCaptureDir() {
        try {
            return Files.createTempDirectory("cloudhop-capture-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "FailoverCloud[active=" + state.site() + ", epoch=" + state.epoch() + ", sites=" + router.ids() + "]";
    }
}
