package dev.cloudhop.failover;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.failover.event.EventStream;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.internal.CaptureJournal;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.Replicator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

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
    public static final String SYSTEM_CONTAINER = "cloudhop-system";
    /** The attribute carrying a message's dedup key, so that moved and replayed messages keep it. */
    public static final String DEDUP_ATTRIBUTE = "cloudhop-dedup-key";
    private static final String PROBE_NAME = "cloudhop-probe";
    private static final Duration FENCE_TTL = Duration.ofSeconds(1);

    private final FailoverConfig config;
    private final Map<String, InterceptedSite> sites = new LinkedHashMap<>();
    private final Sites owned;
    private final Clock clock;
    private final EventStream events = new EventStream();
    private final Switchboard switchboard;
    private final HealthMonitor health;
    private final Replicator replicator;
    private final CaptureJournal journal;
    private final ExecutorService orchestrator;
    /** Moves stranded messages (recoveries and sweeps) so that a long move never holds up a failover. */
    private final ExecutorService merger;
    private final Set<String> mergesQueued = ConcurrentHashMap.newKeySet();
    private volatile Instant nextSweep;
    private final ExecutorService probePool;
    private final ScheduledExecutorService scheduler;
    private final MeterRegistry meters;
    private final Counter failoverCounter;
    private final Set<String> knownContainers = ConcurrentHashMap.newKeySet();
    private final Set<String> knownQueues = ConcurrentHashMap.newKeySet();
    private final Map<String, long[]> fenceCache = new ConcurrentHashMap<>();
    /** DNS sites whose record does not point at the active site (they were down during a switch). */
    private final Set<String> staleDns = ConcurrentHashMap.newKeySet();
    private final List<RunbookReport> reports = new CopyOnWriteArrayList<>();
    private final Object activeLock = new Object();
    private volatile String active;
    private volatile long epoch;
    /** True while a runbook is between fencing and redirecting: writes wait for the new site. */
    private volatile boolean switching;
    private volatile boolean closed;

    private FailoverCloud(Builder b) {
        this.config = b.config;
        this.owned = b.owned;
        this.clock = b.clock;
        this.switchboard = new Switchboard(events, clock);
        this.meters = b.meters;
        List<String> order = new ArrayList<>(config.priority());
        for (String id : b.sites.ids()) {
            if (!order.contains(id)) {
                order.add(id);
            }
        }
        this.health = new HealthMonitor(order, config.probe().toleratedFailures(), config.passiveFailures(), clock, events,
                this::onHealthChange);
        InterceptedSite.Hooks hooks = new InterceptedSite.Hooks() {
            @Override
            public Optional<Fault> fault(String site, Service service, String operation) {
                return switchboard.faultFor(site, service, operation);
            }

            @Override
            public void succeeded(String site, Service service) {
                health.callSucceeded(site, service);
            }

            @Override
            public void failed(String site, Service service, String reason) {
                health.callFailed(site, service, reason);
            }

            @Override
            public Duration callTimeout() {
                return config.callTimeout();
            }
        };
        for (String id : order) {
            sites.put(id, new InterceptedSite(b.sites.site(id), hooks));
        }
        this.replicator = new Replicator(List.copyOf(sites.values()), id -> health.isUp(id, Service.BLOB), clock,
                config.parallelism());
        this.journal = new CaptureJournal(config.captureDirectory().orElseGet(FailoverCloud::tempCaptureDir));
        this.orchestrator = Executors.newSingleThreadExecutor(daemon("cloudhop-orchestrator"));
        this.merger = Executors.newSingleThreadExecutor(daemon("cloudhop-merger"));
        this.nextSweep = clock.instant().plus(config.mergeInterval());
        this.probePool = Executors.newCachedThreadPool(daemon("cloudhop-probe"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("cloudhop-scheduler"));
        this.failoverCounter = Counter.builder("cloudhop.failovers").description("failovers and failbacks run").register(meters);
        registerGauges();
        adoptFence();
        // The first touch of a site builds its clients (about a second for jclouds): not an outage.
        probeRound(Duration.ofSeconds(10));
        if (b.probing) {
            long interval = Math.max(1, config.probe().interval().toMillis());
            scheduler.scheduleWithFixedDelay(this::probeQuietly, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Opens the sites of a configuration file and fails over between them per its {@code failover}
     * section. Closing the returned cloud closes the sites.
     *
     * @throws dev.cloudhop.api.config.ConfigException listing every problem of the file
     */
    public static FailoverCloud open(Path configFile) {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig cfg = CloudhopConfig.load(configFile, System.getenv(), providers);
        FailoverConfig failover = FailoverConfig.of(cfg);
        Sites sites = Cloudhop.open(cfg, providers);
        return builder(sites, failover).closeSitesOnClose().build();
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
        return active;
    }

    /** The fencing epoch: raised by every failover; writes of a client with an older epoch are refused. */
    public long epoch() {
        return epoch;
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

    /** The meters (health, active site, failovers, replication lag and backlog, captured messages). */
    public MeterRegistry meters() {
        return meters;
    }

    /** Every failover and failback run so far, oldest first. */
    public List<RunbookReport> failovers() {
        return List.copyOf(reports);
    }

    /** Blob writes waiting to reach {@code site}. */
    public int replicationBacklog(String site) {
        return replicator.pending(site);
    }

    /** The age of the oldest blob write not yet at {@code site}: the current RPO towards it. */
    public Duration replicationLag(String site) {
        return replicator.lag(site);
    }

    /** Queue sends captured locally and not yet replayed. */
    public int capturedMessages() {
        return journal.list(Optional.empty()).size();
    }

    /** A site's services without failover, switchboard or health tracking: for verification and tools. */
    public Cloud rawSite(String id) {
        return site(id).raw();
    }

    /** Site ids in priority order. */
    public List<String> siteIds() {
        return List.copyOf(sites.keySet());
    }

    /** Whether an application capability can work now (reduced-functionality mode). */
    public CapabilityStatus capability(String name) {
        Set<Service> needed = config.capabilities().get(name);
        if (needed == null) {
            throw new IllegalArgumentException("unknown capability '" + name + "'; configured: " + config.capabilities().keySet());
        }
        String at = active;
        List<Service> down = needed.stream().filter(s -> !health.isUp(at, s)).sorted().toList();
        return new CapabilityStatus(name, down.isEmpty(), down, at);
    }

    InterceptedSite siteById(String id) {
        return site(id);
    }

    private InterceptedSite site(String id) {
        InterceptedSite s = sites.get(id);
        if (s == null) {
            throw new IllegalArgumentException("unknown site '" + id + "'; sites: " + sites.keySet());
        }
        return s;
    }

    private InterceptedSite activeSiteServices() {
        return site(active);
    }

    // ------------------------------------------------------------------------------------------------
    // Cloud

    @Override
    public SiteInfo site() {
        return site(active).raw().site();
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> all = EnumSet.allOf(Capability.class);
        sites.values().forEach(s -> all.retainAll(s.raw().capabilities()));
        return Set.copyOf(all);
    }

    private final BlobStore blobs = new FailoverBlobStore(this);
    private final QueueService queues = new FailoverQueueService(this);
    private final DnsService dns = activeProxy(DnsService.class, s -> s.dns());
    private final ComputeService compute = activeProxy(ComputeService.class, s -> s.compute());

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

    private <T> T activeProxy(Class<T> type, Function<InterceptedSite, T> service) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.getName().equals("toString") ? "Failover" + type.getSimpleName() : method.invoke(this, args);
            }
            try {
                return method.invoke(service.apply(activeSiteServices()), args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    // ------------------------------------------------------------------------------------------------
    // routing (used by the facade services)

    /**
     * The site a write of {@code key} goes to. With affinity (active-active), the key's home site, unless
     * replication has yet to bring it the key's newest write (its site just came back): then the site holding
     * that write, so that the key is never written or read where an older version could still overwrite it.
     */
    InterceptedSite writeSite(String key) {
        if (config.topology() == FailoverConfig.Topology.ACTIVE_ACTIVE || config.routing() == FailoverConfig.Routing.AFFINITY) {
            InterceptedSite home = homeSite(key);
            BlobId id = blobIdOf(key);
            if (id != null) {
                Optional<String> newer = replicator.newerAt(home.id(), id);
                if (newer.isPresent() && health.isUp(newer.get(), Service.BLOB)) {
                    return site(newer.get());
                }
            }
            return home;
        }
        return activeSiteServices();
    }

    /** The blob a routing key ({@code container/name}) stands for; null for other keys. */
    private static BlobId blobIdOf(String key) {
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            return null;
        }
        try {
            return BlobId.of(key.substring(0, slash), key.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The site a read of {@code key} goes to first. */
    InterceptedSite readSite(String key) {
        return readSite(key, site -> false);
    }

    /**
     * The site a read of {@code key} goes to first. With weighted routing, a key's reads stay on one site
     * picked by weight (so the pages of one listing come from one site), unless {@code behind} says that
     * site has yet to receive a write the read would see: then the read goes where the writes go.
     */
    InterceptedSite readSite(String key, java.util.function.Predicate<String> behind) {
        InterceptedSite home = writeSite(key);
        if (config.routing() == FailoverConfig.Routing.WEIGHTED) {
            InterceptedSite pick = weightedSite(key);
            if (pick != null && (pick == home || !behind.test(pick.id()))) {
                return pick;
            }
        }
        return home;
    }

    /** Whether a write of {@code id} has yet to reach {@code site}. */
    boolean replicationBehind(String site, BlobId id) {
        return replicator.behind(site, id);
    }

    /** Whether a write in {@code container} has yet to reach {@code site}. */
    boolean replicationBehind(String site, String container) {
        return replicator.behind(site, container);
    }

    /** Weighted rendezvous hashing over sites whose blob service is up; null when every weight is zero. */
    private InterceptedSite weightedSite(String key) {
        InterceptedSite best = null;
        double bestScore = Double.POSITIVE_INFINITY;
        for (InterceptedSite s : sites.values()) {
            int weight = config.weights().getOrDefault(s.id(), 1);
            if (weight <= 0 || !health.isUp(s.id(), Service.BLOB)) {
                continue;
            }
            double uniform = ((mix((key + "@" + s.id()).hashCode()) >>> 11) + 0.5) / (1L << 53);
            double score = -Math.log(uniform) / weight;
            if (score < bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    /** Rendezvous hashing over healthy sites: only the keys of a failed site move. */
    private InterceptedSite homeSite(String key) {
        InterceptedSite best = null;
        long bestScore = Long.MIN_VALUE;
        for (InterceptedSite s : sites.values()) {
            if (!health.isUp(s.id(), Service.BLOB) && best != null) {
                continue;
            }
            long score = mix((key + "@" + s.id()).hashCode());
            if (!health.isUp(s.id(), Service.BLOB)) {
                score = Long.MIN_VALUE + 1;
            }
            if (best == null || score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Other up sites in priority order, for read fallback. */
    List<InterceptedSite> fallbacks(String except) {
        return sites.values().stream().filter(s -> !s.id().equals(except) && health.isUp(s.id(), Service.BLOB)).toList();
    }

    /**
     * After an unavailable write at {@code site}: waits up to {@code client-wait} for clients to be
     * redirected elsewhere (a failover the failure triggered).
     *
     * @return whether the site for {@code key} is now another one
     */
    boolean awaitRedirect(String site, String key) {
        if (!config.automatic() || health.allUp(site, config.criticalServices())) {
            return false; // nothing will move clients: fail fast instead of waiting in vain
        }
        long deadline = System.nanoTime() + config.clientWait().toNanos();
        synchronized (activeLock) {
            while (writeSite(key).id().equals(site)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                try {
                    activeLock.wait(Math.max(1, Math.min(20, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Holds a write while a runbook is switching sites (from the fence to the redirect), so that no write
     * lands on the site being left after its data was settled; gives up after {@code client-wait}.
     */
    void awaitSwitch(String operation) {
        if (!switching) {
            return;
        }
        long deadline = System.nanoTime() + config.clientWait().toNanos();
        synchronized (activeLock) {
            while (switching) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    throw new dev.cloudhop.api.UnavailableException(ErrorContext.of(site(), operation),
                            "a failover is in progress; retry shortly");
                }
                try {
                    activeLock.wait(Math.max(1, Math.min(20, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new dev.cloudhop.api.UnavailableException(ErrorContext.of(site(), operation), "interrupted");
                }
            }
        }
    }

    void rememberContainer(String container) {
        knownContainers.add(container);
    }

    void rememberQueue(String queue) {
        knownQueues.add(queue);
    }

    Set<String> knownQueues() {
        return knownQueues;
    }

    Replicator replicator() {
        return replicator;
    }

    CaptureJournal journal() {
        return journal;
    }

    void publish(FailoverEvent e) {
        events.publish(e);
    }

    Instant now() {
        return clock.instant();
    }

    /** A replicated write was acknowledged at {@code site}. */
    void replicate(String site, BlobId id, boolean delete) {
        if (id.container().equals(SYSTEM_CONTAINER)) {
            return;
        }
        if (config.syncReplication()) {
            replicator.replicateNow(site, id, delete);
        } else {
            replicator.written(site, id, delete);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // fencing

    /**
     * Refuses a write at {@code site} when the site has seen a newer epoch than this client: another
     * instance failed over, and this one is stale. The client adopts the newer epoch and active site, so
     * its next call goes to the right place.
     */
    void checkFence(InterceptedSite site) {
        long[] cached = fenceCache.get(site.id());
        long nowMs = clock.millis();
        long siteEpoch;
        if (cached != null && nowMs - cached[1] < FENCE_TTL.toMillis()) {
            siteEpoch = cached[0];
        } else {
            Optional<String[]> record = readFence(site);
            siteEpoch = record.map(r -> Long.parseLong(r[0])).orElse(0L);
            fenceCache.put(site.id(), new long[] {siteEpoch, nowMs});
            if (siteEpoch > epoch && record.isPresent()) {
                adopt(siteEpoch, record.get()[1]);
                publish(new FailoverEvent.WriteFenced(now(), site.id(), epoch, siteEpoch));
                throw new ConflictException(ErrorContext.of(site.raw().site(), "failover.fence"),
                        "write refused: this client's epoch is older than the site's epoch " + siteEpoch
                                + " (another instance failed over to " + record.get()[1] + "); retry");
            }
        }
        if (siteEpoch > epoch) {
            throw new ConflictException(ErrorContext.of(site.raw().site(), "failover.fence"),
                    "write refused: site " + site.id() + " is fenced at epoch " + siteEpoch + ", this client is at " + epoch);
        }
    }

    private void adopt(long newEpoch, String newActive) {
        synchronized (activeLock) {
            if (newEpoch > epoch && sites.containsKey(newActive)) {
                String old = active;
                epoch = newEpoch;
                active = newActive;
                activeLock.notifyAll();
                publish(new FailoverEvent.ActiveSiteChanged(now(), old, newActive, newEpoch));
            }
        }
    }

    private Optional<String[]> readFence(InterceptedSite site) {
        try {
            Optional<Blob> blob = site.blobs().get(BlobId.of(SYSTEM_CONTAINER, "fence"));
            if (blob.isEmpty()) {
                return Optional.empty();
            }
            String text = new String(blob.get().readAllBytes(), StandardCharsets.UTF_8).trim();
            String[] parts = text.split("\\s+");
            return Optional.of(new String[] {parts[0], parts.length > 1 ? parts[1] : config.priority().get(0)});
        } catch (CloudException | NumberFormatException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private void writeFence(InterceptedSite site, long e, String activeSite) {
        site.blobs().createContainer(SYSTEM_CONTAINER);
        site.blobs().put(BlobId.of(SYSTEM_CONTAINER, "fence"), BlobContent.ofUtf8(e + " " + activeSite));
        fenceCache.put(site.id(), new long[] {e, clock.millis()});
    }

    /** Reads every reachable site's fence and adopts the newest; a fresh deployment starts at epoch 1. */
    private void adoptFence() {
        long best = 0;
        String bestActive = config.priority().get(0);
        for (InterceptedSite s : sites.values()) {
            Optional<String[]> r = readFence(s);
            if (r.isPresent() && Long.parseLong(r.get()[0]) > best && sites.containsKey(r.get()[1])) {
                best = Long.parseLong(r.get()[0]);
                bestActive = r.get()[1];
            }
        }
        active = bestActive;
        epoch = Math.max(1, best);
        if (best == 0) {
            for (InterceptedSite s : sites.values()) {
                try {
                    writeFence(s, epoch, active);
                } catch (CloudException e) {
                    // unreachable now: fenced when it recovers
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // probes

    /** Probes every site's services once, now, and waits for the results (at most the probe timeout). */
    public void probeNow() {
        probeRound(config.probe().timeout());
    }

    private void probeRound(Duration timeout) {
        List<Future<?>> futures = new ArrayList<>();
        Map<Future<?>, String[]> what = new LinkedHashMap<>();
        for (InterceptedSite s : sites.values()) {
            for (Service service : Service.values()) {
                if (!supports(s, service)) {
                    continue;
                }
                Future<?> f = probePool.submit(() -> probe(s, service));
                futures.add(f);
                what.put(f, new String[] {s.id(), service.name()});
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<?> f : futures) {
            String[] w = what.get(f);
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                health.probed(w[0], Service.valueOf(w[1]), true, "");
            } catch (TimeoutException e) {
                f.cancel(true);
                health.probed(w[0], Service.valueOf(w[1]), false, "probe timed out after " + timeout);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                boolean siteProblem = !(cause instanceof CloudException ce) || ce.retryable();
                health.probed(w[0], Service.valueOf(w[1]), !siteProblem, String.valueOf(cause.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        housekeeping();
    }

    private void probeQuietly() {
        try {
            probeNow();
        } catch (RuntimeException e) {
            // probing must go on
        }
    }

    private static boolean supports(InterceptedSite s, Service service) {
        return s.raw().supports(switch (service) {
            case BLOB -> Capability.BLOB;
            case QUEUE -> Capability.QUEUE;
            case DNS -> Capability.DNS;
            case COMPUTE -> Capability.COMPUTE;
        });
    }

    private static void probe(InterceptedSite s, Service service) {
        switch (service) {
            case BLOB -> s.blobs().containerExists(PROBE_NAME);
            case QUEUE -> s.queues().queueExists(PROBE_NAME);
            case DNS -> s.dns().listZones();
            // one lookup of an id that does not exist (empty on every provider, per the TCK): listing nodes
            // costs as much as the site has nodes (0.4-0.8 s per probe on LocalStack with 40 instances)
            case COMPUTE -> s.compute().node(PROBE_NAME);
        }
    }

    /**
     * Replays captured sends, and every {@code replication.merge-interval} sweeps the other healthy sites for
     * stranded messages (a move that failed half-way leaves its batch at the old site, visible again later).
     */
    private void housekeeping() {
        if (closed) {
            return;
        }
        if (journal.list(Optional.empty()).size() > 0 && health.isUp(active, Service.QUEUE)) {
            orchestrator.submit(() -> replayCaptured(active));
        }
        Instant now = clock.instant();
        if (!config.mergeInterval().isZero() && !now.isBefore(nextSweep)) {
            nextSweep = now.plus(config.mergeInterval());
            for (String id : sites.keySet()) {
                requestMerge(id);
            }
        }
    }

    /**
     * Moves the messages stranded at {@code siteId} to the active site on the merger thread, once replication
     * from it has settled (records written there must arrive before their messages are delivered again).
     * Requests for a site already waiting are coalesced; nothing happens while a runbook switches sites or
     * when either site's queues are down (the next recovery or sweep moves them).
     */
    private void requestMerge(String siteId) {
        if (closed || !mergesQueued.add(siteId)) {
            return;
        }
        try {
            merger.submit(() -> {
                mergesQueued.remove(siteId);
                String to = active;
                if (closed || switching || siteId.equals(to) || !health.isUp(siteId, Service.QUEUE)
                        || !health.isUp(to, Service.QUEUE) || !holdsMessages(site(siteId))) {
                    return;
                }
                try {
                    replicator.settle(to, config.rpoBudget());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                mergeQueues(site(siteId), site(to));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            mergesQueued.remove(siteId); // closing
        }
    }

    // ------------------------------------------------------------------------------------------------
    // automatic decisions

    private void onHealthChange(String siteId, Service service) {
        if (closed) {
            return;
        }
        boolean criticalDown = !health.allUp(active, config.criticalServices());
        if (siteId.equals(active) && criticalDown && config.automatic()) {
            orchestrator.submit(() -> {
                if (!health.allUp(active, config.criticalServices())) {
                    candidate(active).ifPresent(to -> runQuietly(to, "automatic: " + service.key() + " down at " + siteId));
                }
            });
            return;
        }
        boolean up = health.isUp(siteId, service);
        if (up && !siteId.equals(active) && health.allUp(siteId, config.criticalServices())) {
            orchestrator.submit(() -> recover(siteId));
        }
        if (up && service == Service.QUEUE && siteId.equals(active)) {
            orchestrator.submit(() -> replayCaptured(active));
        }
    }

    /** A site came back: fence it at the current epoch, move its stranded messages, maybe fail back. */
    private void recover(String siteId) {
        InterceptedSite s = site(siteId);
        if (health.isUp(siteId, Service.DNS)) {
            refreshDns(siteId);
        }
        try {
            writeFence(s, epoch, active);
        } catch (CloudException e) {
            return;
        }
        String primary = config.priority().get(0);
        boolean failingBack = config.automaticFailback() && siteId.equals(primary) && !active.equals(primary);
        if (failingBack) {
            // the failback's own replay step moves what is stranded at the active site; the primary's are home
            runQuietly(primary, "automatic failback: " + primary + " healthy again");
        } else {
            requestMerge(siteId);
        }
    }

    private Optional<String> candidate(String from) {
        return config.priority().stream().filter(id -> !id.equals(from))
                .filter(id -> health.allUp(id, config.criticalServices())).findFirst();
    }

    private void runQuietly(String to, String reason) {
        try {
            runbook(to, reason);
        } catch (RuntimeException e) {
            // recorded in the report and events
        }
    }

    // ------------------------------------------------------------------------------------------------
    // the runbook

    /**
     * Fails over to {@code to} now (manual failover) and waits for the runbook to finish.
     *
     * @return the runbook's report
     */
    public RunbookReport failover(String to) {
        site(to);
        return submit(() -> runbook(to, "manual failover to " + to));
    }

    /** Returns to the primary (the first site of {@code priority}): the failover runbook in reverse, plus a merge. */
    public RunbookReport failback() {
        String primary = config.priority().get(0);
        return submit(() -> runbook(primary, "failback to " + primary));
    }

    private RunbookReport submit(Supplier<RunbookReport> task) {
        try {
            return orchestrator.submit(task::get).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while failing over", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Runs on the orchestrator thread only. */
    private RunbookReport runbook(String to, String reason) {
        String from = active;
        Instant started = now();
        long t0 = System.nanoTime();
        List<RunbookReport.Step> steps = new ArrayList<>();
        if (from.equals(to)) {
            RunbookReport r = new RunbookReport(from, to, reason + " (already active)", epoch, started, Duration.ZERO, true, 0, steps);
            return r;
        }
        publish(new FailoverEvent.FailoverStarted(started, from, to, reason));
        InterceptedSite target = site(to);
        long newEpoch = epoch + 1;
        int[] unreplicated = {0};

        if (!health.allUp(from, config.criticalServices()) || !health.isUp(to, Service.BLOB)) {
            // a disaster: nothing to wait for
        } else {
            // a planned move (failback, manual): let replication catch up while clients still work at the old
            // site, so that the write barrier below is held only for the last few writes
            step(steps, "pre-sync", false, () -> {
                try {
                    int left = replicator.settle(to, config.presyncTimeout());
                    return left + " writes still to replicate to " + to + " after pre-sync";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "interrupted";
                }
            });
        }
        switching = true;
        boolean ok;
        try {
            ok = step(steps, "fence", true, () -> {
                writeFence(target, newEpoch, to);
                List<String> unreachable = new ArrayList<>();
                for (InterceptedSite s : sites.values()) {
                    if (s != target) {
                        if (!health.isUp(s.id(), Service.BLOB)) {
                            unreachable.add(s.id()); // known down: do not wait for its timeouts; recover() fences it
                            continue;
                        }
                        try {
                            writeFence(s, newEpoch, to);
                        } catch (CloudException e) {
                            unreachable.add(s.id());
                        }
                    }
                }
                return "epoch " + newEpoch + (unreachable.isEmpty() ? "" : "; fenced on recovery: " + unreachable);
            });
            ok = ok && step(steps, "settle-replication", false, () -> {
                try {
                    unreplicated[0] = replicator.settle(to, config.rpoBudget());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return unreplicated[0] + " writes not replicated to " + to + " (lag " + replicator.lag(to).toMillis() + " ms)";
            });
            ok = ok && step(steps, "prepare", false, () -> {
                for (String c : knownContainers) {
                    target.blobs().createContainer(c);
                }
                for (String q : knownQueues) {
                    target.queues().createQueue(q);
                }
                return knownContainers.size() + " containers, " + knownQueues.size() + " queues ensured at " + to;
            });
            if (ok && config.topology() == FailoverConfig.Topology.REDEPLOY) {
                ok = step(steps, "provision", true, () -> provision(target));
            }
            ok = ok && step(steps, "switch-dns", false, () -> switchDns(to));
            ok = ok && step(steps, "redirect", true, () -> {
                synchronized (activeLock) {
                    epoch = newEpoch;
                    active = to;
                    activeLock.notifyAll();
                }
                publish(new FailoverEvent.ActiveSiteChanged(now(), from, to, newEpoch));
                return "clients now use " + to;
            });
        } finally {
            synchronized (activeLock) {
                switching = false;
                activeLock.notifyAll();
            }
        }
        if (ok && config.topology() == FailoverConfig.Topology.REDEPLOY && config.redeploy().orElseThrow().release()
                && config.redeploy().orElseThrow().provisions(from) && health.isUp(from, Service.COMPUTE)) {
            step(steps, "release", false, () -> release(site(from)));
        }
        if (ok) {
            step(steps, "replay", false, () -> {
                int replayed = replayCaptured(to);
                int merged = health.isUp(from, Service.QUEUE) ? mergeQueues(site(from), target) : 0;
                return replayed + " captured sends replayed, " + merged + " messages moved from " + from;
            });
            step(steps, "verify", false, () -> {
                for (Service s : config.criticalServices()) {
                    if (supports(target, s)) {
                        probe(target, s);
                    }
                }
                return "critical services answer at " + to;
            });
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        RunbookReport report = new RunbookReport(from, to, reason, newEpoch, started, took, ok, unreplicated[0], steps);
        reports.add(report);
        failoverCounter.increment();
        publish(new FailoverEvent.FailoverCompleted(now(), from, to, ok, took));
        return report;
    }

    private boolean step(List<RunbookReport.Step> steps, String name, boolean required, Supplier<String> action) {
        long t = System.nanoTime();
        boolean ok;
        String detail;
        try {
            detail = action.get();
            ok = true;
        } catch (RuntimeException e) {
            detail = e.getClass().getSimpleName() + ": " + e.getMessage();
            ok = false;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t);
        steps.add(new RunbookReport.Step(name, took, ok, detail));
        publish(new FailoverEvent.RunbookStepCompleted(now(), name, took, ok, detail));
        return ok || !required;
    }

    private String provision(InterceptedSite target) {
        FailoverConfig.Redeploy r = config.redeploy().orElseThrow();
        if (!r.provisions(target.id())) {
            return target.id() + " runs a standing deployment: nothing to provision";
        }
        List<Node> existing = target.compute().listNodes(r.group());
        int missing = r.count() - existing.size();
        if (missing <= 0) {
            return existing.size() + " nodes already running in group " + r.group();
        }
        List<String> imageAndSize = r.imageAndSize(target.id());
        List<Node> launched = target.compute().launch(NodeSpec.of(r.group(), imageAndSize.get(0), imageAndSize.get(1)), missing);
        return "launched " + launched.size() + " nodes in group " + r.group() + " at " + target.id();
    }

    /** Destroys the redeploy group's nodes at a site the runbook left; what is unreachable stays for later. */
    private String release(InterceptedSite left) {
        FailoverConfig.Redeploy r = config.redeploy().orElseThrow();
        int destroyed = 0;
        for (Node n : left.compute().listNodes(r.group())) {
            if (left.compute().destroy(n.id())) {
                destroyed++;
            }
        }
        return "released " + destroyed + " nodes of group " + r.group() + " at " + left.id();
    }

    private String switchDns(String to) {
        if (config.dns().isEmpty()) {
            return "no DNS record configured";
        }
        FailoverConfig.Dns d = config.dns().get();
        String address = d.endpoints().get(to);
        List<String> updated = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String dnsSite : d.sites()) {
            if (!health.isUp(dnsSite, Service.DNS)) {
                failed.add(dnsSite + " (dns down: updated when it recovers)");
                continue;
            }
            try {
                site(dnsSite).dns().upsert(d.zone(), RecordSet.of(d.record(), RecordType.A, d.ttl(), address));
                updated.add(dnsSite);
            } catch (CloudException e) {
                failed.add(dnsSite + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (updated.isEmpty() && !failed.isEmpty()) {
            staleDns.addAll(d.sites());
            throw new IllegalStateException("no DNS site could be updated: " + failed);
        }
        staleDns.removeAll(updated);
        d.sites().stream().filter(x -> !updated.contains(x)).forEach(staleDns::add);
        return d.record() + " -> " + address + " at " + updated + (failed.isEmpty() ? "" : "; failed: " + failed);
    }

    /** A DNS site that missed a switch while it was down gets the active site's record when it recovers. */
    private void refreshDns(String siteId) {
        if (config.dns().isEmpty() || !staleDns.contains(siteId)) {
            return;
        }
        FailoverConfig.Dns d = config.dns().get();
        try {
            site(siteId).dns().upsert(d.zone(), RecordSet.of(d.record(), RecordType.A, d.ttl(), d.endpoints().get(active)));
            staleDns.remove(siteId);
            publish(new FailoverEvent.RunbookStepCompleted(now(), "refresh-dns", Duration.ZERO, true,
                    d.record() + " -> " + d.endpoints().get(active) + " at " + siteId + " (missed a switch while down)"));
        } catch (CloudException e) {
            // tried again on the next recovery
        }
    }

    // ------------------------------------------------------------------------------------------------
    // capture, replay, merge

    /** Sends captured messages to {@code to}, oldest first, stopping at the first failure. */
    int replayCaptured(String to) {
        InterceptedSite target = site(to);
        int replayed = 0;
        Map<String, Integer> perQueue = new LinkedHashMap<>();
        for (CaptureJournal.Captured c : journal.list(Optional.empty())) {
            try {
                if (!target.queues().queueExists(c.queue())) {
                    target.queues().createQueue(c.queue());
                }
                target.queues().send(c.queue(), c.message());
                journal.remove(c);
                replayed++;
                perQueue.merge(c.queue(), 1, Integer::sum);
            } catch (CloudException e) {
                break;
            }
        }
        perQueue.forEach((q, n) -> publish(new FailoverEvent.MessagesReplayed(now(), q, n, to, "capture")));
        return replayed;
    }

    /**
     * Moves messages stranded at {@code from} (known queues) to {@code to}, keeping their dedup keys, with
     * {@code replication.parallelism} concurrent movers per queue (each receives its own batches, hidden
     * from the others by the visibility timeout). A message is acknowledged at {@code from} only after
     * {@code to} accepted it; when a move fails, the rest of the batch is made visible again at {@code from}
     * (or reappears after the visibility timeout) and moves on the next recovery, failback or sweep.
     */
    int mergeQueues(InterceptedSite from, InterceptedSite to) {
        int moved = 0;
        ReceiveOptions options = new ReceiveOptions(10, Duration.ofSeconds(60), Duration.ZERO);
        for (String q : knownQueues) {
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            try {
                if (!from.queues().queueExists(q)) {
                    continue;
                }
                if (!to.queues().queueExists(q)) {
                    to.queues().createQueue(q);
                }
                Runnable mover = () -> {
                    try {
                        for (int round = 0; round < 10_000; round++) {
                            List<ReceivedMessage> batch = from.queues().receive(q, options);
                            if (batch.isEmpty()) {
                                return;
                            }
                            for (int i = 0; i < batch.size(); i++) {
                                ReceivedMessage m = batch.get(i);
                                try {
                                    to.queues().send(q, FailoverQueueService.resend(m, to.id() + "#" + epoch));
                                    from.queues().ack(q, m.receipt());
                                } catch (CloudException e) {
                                    release(from, q, batch.subList(i, batch.size()));
                                    throw e;
                                }
                                n.incrementAndGet();
                            }
                        }
                    } catch (CloudException e) {
                        // the rest moves on the next recovery or failback
                    }
                };
                List<Thread> movers = new ArrayList<>();
                for (int i = 1; i < config.parallelism(); i++) {
                    Thread t = new Thread(mover, "cloudhop-merge-" + q + "-" + i);
                    t.setDaemon(true);
                    t.start();
                    movers.add(t);
                }
                mover.run();
                for (Thread t : movers) {
                    t.join();
                }
            } catch (CloudException e) {
                // the rest moves on the next recovery or failback
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (n.get() > 0) {
                publish(new FailoverEvent.MessagesReplayed(now(), q, n.get(), to.id(), "merge from " + from.id()));
            }
            moved += n.get();
        }
        return moved;
    }

    /** Whether any known queue at {@code site} holds messages (so a sweep of an empty site costs no settle). */
    private boolean holdsMessages(InterceptedSite site) {
        for (String q : knownQueues) {
            try {
                if (site.queues().queueExists(q) && site.queues().approximateDepth(q) > 0) {
                    return true;
                }
            } catch (CloudException e) {
                return false; // the next recovery or sweep looks again
            }
        }
        return false;
    }

    /** Makes messages a failed move received visible again at once, for the next sweep (best effort). */
    private static void release(InterceptedSite from, String queue, List<ReceivedMessage> unmoved) {
        for (ReceivedMessage m : unmoved) {
            try {
                from.queues().extendVisibility(queue, m.receipt(), Duration.ZERO);
            } catch (CloudException e) {
                return; // the site is failing: they reappear after the receive's visibility timeout
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // metrics and lifecycle

    private void registerGauges() {
        for (String id : sites.keySet()) {
            for (Service s : Service.values()) {
                Gauge.builder("cloudhop.site.health", health, h -> h.isUp(id, s) ? 1 : 0)
                        .tag("site", id).tag("service", s.key()).description("1 when the service is up").register(meters);
            }
            Gauge.builder("cloudhop.site.active", this, c -> id.equals(c.active) ? 1 : 0).tag("site", id)
                    .description("1 for the site clients use").register(meters);
            Gauge.builder("cloudhop.replication.lag", replicator, r -> r.lag(id).toMillis() / 1000.0).tag("site", id)
                    .baseUnit("seconds").description("age of the oldest write not yet at the site").register(meters);
            Gauge.builder("cloudhop.replication.pending", replicator, r -> r.pending(id)).tag("site", id)
                    .description("writes waiting to reach the site").register(meters);
        }
        Gauge.builder("cloudhop.queue.captured", journal, j -> j.list(Optional.empty()).size())
                .description("queue sends captured locally, not yet replayed").register(meters);
    }

    private static Path tempCaptureDir() {
        try {
            return Files.createTempDirectory("cloudhop-capture-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Waits until queued orchestration work (failovers, replays, merges) is done, up to {@code timeout}. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // the orchestrator queues merges (recoveries), and a merge never queues orchestration work
            orchestrator.submit(() -> { }).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            merger.submit(() -> { }).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Stops probing, replication and orchestration; closes the sites if this facade opened them. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        orchestrator.shutdownNow();
        merger.shutdownNow();
        probePool.shutdownNow();
        replicator.close();
        if (owned != null) {
            owned.close();
        }
    }

    @Override
    public String toString() {
        return "FailoverCloud[active=" + active + ", epoch=" + epoch + ", sites=" + sites.keySet() + "]";
    }
}
