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
import dev.cloudhop.failover.backup.Backup;
import dev.cloudhop.failover.capture.QueueMerger;
import dev.cloudhop.failover.drill.Switchboard;
import dev.cloudhop.failover.event.EventStream;
import dev.cloudhop.failover.fencing.Fence;
import dev.cloudhop.failover.replication.ReconcileReport;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.internal.InterceptedSite;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One {@link Cloud} over several sites that keeps an application running when its active site fails,
 * following the DR guide: health probes plus passive detection, priority (Traffic Manager) routing, a timed
 * failover runbook (pre-sync and drain for planned moves, fence, settle replication, prepare, provision, switch DNS,
 * redirect, release, replay, verify), blob replication (async with measured lag, or sync with a minimum of replicas),
 * durable capture and idempotent replay of queue
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

    private final FailoverParts p;

    FailoverCloud(FailoverCloudBuilder b) {
        this.p = new FailoverParts(b);
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
    public static FailoverCloud open(Path configFile, Consumer<FailoverCloudBuilder> customize) {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig cfg = CloudhopConfig.load(configFile, System.getenv(), providers);
        FailoverConfig failover = FailoverConfig.of(cfg);
        Sites sites = Cloudhop.open(cfg, providers);
        try {
            FailoverCloudBuilder b = builder(sites, failover).closeSitesOnClose();
            customize.accept(b);
            return b.build();
        } catch (RuntimeException e) {
            sites.close();
            throw e;
        }
    }

    /** Starts building a facade over already opened sites. */
    public static FailoverCloudBuilder builder(Sites sites, FailoverConfig config) {
        return new FailoverCloudBuilder(sites, config);
    }

    // ------------------------------------------------------------------------------------------------
    // state and introspection

    /** The configuration in force. */
    public FailoverConfig config() {
        return p.config;
    }

    /** The site clients are using now. */
    public String activeSite() {
        return p.state.site();
    }

    /** The fencing epoch: raised by every failover; writes of a client with an older epoch are refused. */
    public long epoch() {
        return p.state.epoch();
    }

    /** The fault switchboard: the first interceptor of every call to a site; while it holds no fault it costs one volatile read. */
    public Switchboard switchboard() {
        return p.switchboard;
    }

    /** The event stream. */
    public EventStream events() {
        return p.events;
    }

    /** Health of every site and service. */
    public HealthMonitor health() {
        return p.health;
    }

    /**
     * The registry the facade's meters are in (see {@link dev.cloudhop.failover.metrics.FailoverMeters}): health, active
     * site, call timers, runbook steps and failovers, replication lag, backlog, copies and drops, captured and replayed
     * messages, drills.
     */
    public MeterRegistry meters() {
        return p.meters;
    }

    /** Every failover and failback run so far, oldest first. */
    public List<RunbookReport> failovers() {
        return p.orchestrator.reports();
    }

    /** The names of the steps every runbook considers, in order (built-in and application steps). */
    public List<String> runbookSteps() {
        return p.orchestrator.stepNames();
    }

    /** Blob writes waiting to reach {@code site}. */
    public int replicationBacklog(String site) {
        return p.replicator.pending(site);
    }

    /** The age of the oldest blob write not yet at {@code site}: the current RPO towards it. */
    public Duration replicationLag(String site) {
        return p.replicator.lag(site);
    }

    /**
     * Compares every other site that is up with the active site and repairs any divergence (a replica written behind
     * Cloudhop's back, a backlog lost with a crashed process, a restored site), then waits up to {@code settle} for
     * the repairs to be replicated. Also runs in the background at open ({@code replication.reconcile-at-start}) and
     * inside a planned move's runbook (step {@code reconcile}).
     *
     * @return what was compared, found and repaired per site; also published as {@code FailoverEvent.Reconciled}
     */
    public ReconcileReport reconcile(Duration settle) {
        checkOpen();
        return p.reconciler.reconcile(p.state.site(), List.of(), settle);
    }

    /** Blob writes replication gave up on for {@code site} (the site rejects them for good). */
    public long replicationDropped(String site) {
        return p.replicator.dropped(site);
    }

    /**
     * Continuous backup with point-in-time restore, verify and retention, when the configuration has a
     * {@code backup} section: {@code cloud.backup().get().restore("catalog", instant, "aws")}.
     */
    public Optional<Backup> backup() {
        return p.backup;
    }

    /** Queue sends captured locally and not yet replayed. */
    public int capturedMessages() {
        return p.journal.list(Optional.empty()).size();
    }

    /** A site's services without failover, switchboard or health tracking: for verification and tools. */
    public Cloud rawSite(String id) {
        return p.router.site(id).raw();
    }

    /** Site ids in priority order. */
    public List<String> siteIds() {
        return p.router.ids();
    }

    /** Whether an application capability can work now (reduced-functionality mode). */
    public CapabilityStatus capability(String name) {
        Set<Service> needed = p.config.capabilities().get(name);
        if (needed == null) {
            throw new IllegalArgumentException("unknown capability '" + name + "'; configured: " + p.config.capabilities().keySet());
        }
        String at = p.state.site();
        List<Service> down = needed.stream().filter(s -> !p.health.isUp(at, s)).sorted().toList();
        return new CapabilityStatus(name, down.isEmpty(), down, at);
    }

    /** Where a write of {@code key} goes now (for tests of routing). */
    InterceptedSite writeSite(String key) {
        return p.router.writeSite(key);
    }

    /** Where a read of {@code key} goes first (for tests of routing). */
    InterceptedSite readSite(String key) {
        return p.router.readSite(key, site -> false);
    }

    /** As {@link #readSite(String)}, avoiding a weighted pick that {@code behind} says lacks a write. */
    InterceptedSite readSite(String key, Predicate<String> behind) {
        return p.router.readSite(key, behind);
    }

    /** Whether a write of {@code id} has yet to reach {@code site}. */
    boolean replicationBehind(String site, BlobId id) {
        return p.replicator.behind(site, id);
    }

    // ------------------------------------------------------------------------------------------------
    // Cloud

    @Override
    public SiteInfo site() {
        return p.router.active().raw().site();
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> all = EnumSet.allOf(Capability.class);
        p.router.sites().forEach(s -> all.retainAll(s.raw().capabilities()));
        return Set.copyOf(all);
    }

    @Override
    public BlobStore blobs() {
        return p.blobs;
    }

    @Override
    public QueueService queues() {
        return p.queues;
    }

    @Override
    public DnsService dns() {
        return p.dns;
    }

    @Override
    public ComputeService compute() {
        return p.compute;
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
        p.probeNow();
    }

    /**
     * Fails over to {@code to} now (manual failover) and waits for the runbook to finish. While the active site is
     * healthy this is a planned move: replication is drained to {@code to} with writes paused (at most
     * {@code replication.max-pause}), so nothing acknowledged is left behind, or the move is aborted (the report is not
     * {@code ok}, its {@code drain} step says how many writes were left) and clients stay where they are.
     *
     * @return the runbook's report
     * @throws IllegalStateException when closed
     */
    public RunbookReport failover(String to) {
        checkOpen();
        return p.orchestrator.failover(to);
    }

    /**
     * Returns to the primary (the first site of {@code priority}): the failover runbook in reverse, plus a merge. A
     * planned move like {@link #failover}: RPO 0, or aborted.
     *
     * @return the runbook's report
     * @throws IllegalStateException when closed
     */
    public RunbookReport failback() {
        checkOpen();
        return p.orchestrator.failback();
    }

    /** Waits until queued work (failovers, replays, merges, the reconciliation at start) is done, up to {@code timeout}. */
    public boolean awaitIdle(Duration timeout) {
        return p.awaitIdle(timeout);
    }

    private void checkOpen() {
        p.state.checkOpen();
    }

    /**
     * Stops probing, replication and orchestration, and closes the sites if this facade opened them.
     * Idempotent; every later call of the services, {@link #failover}, {@link #failback} or {@link #probeNow}
     * throws {@link IllegalStateException}.
     */
    @Override
    public void close() {
        p.close();
    }

    @Override
    public String toString() {
        return "FailoverCloud[active=" + p.state.site() + ", epoch=" + p.state.epoch() + ", sites=" + p.router.ids()
                + p.backup.map(b -> ", backup=" + b.status()).orElse("") + "]";
    }
}
