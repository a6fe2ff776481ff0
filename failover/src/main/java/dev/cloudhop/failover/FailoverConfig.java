package dev.cloudhop.failover;

import com.typesafe.config.ConfigFactory;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.config.ConfigReader;
import dev.cloudhop.failover.backup.BackupConfig;
import dev.cloudhop.failover.coordination.CoordinationConfig;
import dev.cloudhop.failover.health.Detection;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code failover} section of a Cloudhop configuration, validated against its sites.
 *
 * <pre>{@code
 * failover {
 *   topology = active-passive          # active-passive | active-active | redeploy
 *   priority = [azure, aws, onprem]    # the order sites take over in (Traffic Manager priority routing)
 *   routing = priority                 # priority | weighted | affinity
 *   weights { azure = 3, aws = 1 }     # weighted routing of reads
 *   automatic = true                   # fail over when the active site's critical services are down
 *   failback = manual                  # automatic | manual
 *   critical-services = [blob]         # a DOWN here on the active site triggers failover
 *   probe { interval = 1 s, timeout = 500 ms, tolerated-failures = 2 }
 *   detection { kind = phi, phi-threshold = 4 }            # phi (default) | count; see health.Detection
 *   passive { consecutive-failures = 3 }
 *   client-wait = 2 s                  # a client call waits this long for a failover in progress
 *   call-timeout = 2 s                 # bound of a blackholed call
 *   dns { zone = shop.example.com, record = www.shop.example.com, ttl = 30 s, sites = [onprem],
 *         endpoints { azure = "10.0.0.10", aws = "10.1.0.10", onprem = "192.168.0.10" } }
 *   replication { mode = async, rpo-budget = 5 s,     # async | sync
 *                 min-replicas = 1,                  # sync: other sites that must hold a write before it is acknowledged
 *                 on-insufficient-replicas = fail,   # sync, fewer replicas: fail | degrade (acknowledge, event, RPO)
 *                 presync-timeout = 30 s,            # planned moves: catch up before the write pause...
 *                 presync-threshold = 100,           # ...until at most this many writes are behind
 *                 max-pause = 2 s,                   # planned moves: writes held at most this long to drain to zero
 *                 parallelism = 4,                   # copies in flight per site; movers of stranded messages
 *                 merge-interval = 15 s,             # sweep of stranded messages at other sites; 0 = off
 *                 journal { directory = /var/lib/cloudhop/replication, fsync = true },  # durable backlog
 *                 reconcile-at-start = true,         # compare and repair the replicas in the background at open
 *                 reconcile-before-move = true }     # planned moves reconcile their target first (step reconcile)
 *   capture.directory = /var/lib/cloudhop/capture     # durable local capture of queue sends
 *   runbook.order = data-plane-first   # data-plane-first | compute-first (provision and switch DNS before redirect)
 *   hedge { reads = false, percentile = 99, min-delay = 10 ms }   # hedged blob reads, see Hedge
 *   redeploy { group = web, image = "ami-123", size = t3.small, count = 2,
 *              standing = [azure],         # sites with a standing deployment: never provisioned or released
 *              release = true }            # destroy the group's nodes at the site a runbook leaves
 *   capabilities { ordering = [queue, blob], catalog = [blob] }
 *   coordination { kind = single, share = 0.5, lease = 5 s }   # see CoordinationConfig
 *   backup { containers = [catalog, orders], site = onprem, retention = 7 d }   # see BackupConfig
 * }
 * }</pre>
 * Every key but {@code priority} has a default. For programmatic use, {@link #builder()} checks the same rules:
 * <pre>{@code
 * FailoverConfig.builder().priority("azure", "aws").replicationMode(ReplicationMode.SYNC).build();
 * }</pre>
 * Immutable and thread-safe: every collection is an unmodifiable copy (maps keep their insertion order).
 */
public final class FailoverConfig {

    /** How sites share the work. */
    public enum Topology {
        /** One active site; the others are replicas that take over. */
        ACTIVE_PASSIVE,
        /** Every healthy site serves; each key has a home site. */
        ACTIVE_ACTIVE,
        /** The secondary has data but no compute; failover provisions it. */
        REDEPLOY
    }

    /** How calls pick a site. */
    public enum Routing {
        /** The active site, by priority. */
        PRIORITY,
        /** Reads spread over healthy sites by weight; writes to the active site. */
        WEIGHTED,
        /** Each key (container/blob) has a home site among the healthy ones. */
        AFFINITY
    }

    /** Whether a failover starts by itself ({@code automatic = true | false} in the file). */
    public enum FailoverMode {
        /** When the active site's critical services are down, the facade fails over. */
        AUTOMATIC,
        /** Only an explicit call fails over. */
        MANUAL
    }

    /** Whether the facade returns to the primary once it is healthy again ({@code failback = manual | automatic}). */
    public enum FailbackMode {
        /** Only an explicit call moves back. */
        MANUAL,
        /** The facade moves back by itself, with a planned (RPO 0) move. */
        AUTOMATIC
    }

    /** How blob writes reach the other sites ({@code replication.mode = async | sync}). */
    public enum ReplicationMode {
        /** Acknowledged at the active site, copied later; the lag is the RPO. */
        ASYNC,
        /**
         * Copied to every other up site before the call returns, and acknowledged only once at least
         * {@code replication.min-replicas} of them hold it (RPO 0); otherwise {@link InsufficientReplicas} decides.
         */
        SYNC
    }

    /**
     * What a synchronous write does when fewer than {@code replication.min-replicas} other sites took it
     * ({@code replication.on-insufficient-replicas = fail | degrade}). Either way the write stays in the replication
     * backlog, so it reaches the missing replicas once they can take it.
     */
    public enum InsufficientReplicas {
        /**
         * The write fails with a retryable {@code UnavailableException} naming the missing replicas and why. The site
         * that took it keeps it, so the change may already be visible there, and the replication backlog keeps it, so
         * it reaches the replicas later; repeating the put or delete is safe (both are idempotent).
         */
        FAIL,
        /**
         * The write is acknowledged; a {@code ReplicationDegraded} event and the {@code cloudhop.replication.degraded}
         * meter record it, and the replication lag (the RPO) counts it until it reaches them.
         */
        DEGRADE
    }

    /**
     * Where a runbook puts the front door (provisioning and the DNS switch) relative to moving the SDK's calls
     * ({@code runbook.order = data-plane-first | compute-first}).
     */
    public enum RunbookOrder {
        /**
         * Fence, settle and redirect the SDK's calls first; then provision and switch DNS concurrently (adjacent
         * {@code provision} and {@code switch-dns} steps run at once). Clients of the SDK are served at the new site
         * without waiting for compute: the data-plane RTO does not include provisioning.
         */
        DATA_PLANE_FIRST,
        /**
         * Provision and switch DNS before the redirect, one step after the other: for applications whose compute must
         * be up at the new site before their data moves there. Writes are held during both.
         */
        COMPUTE_FIRST
    }

    /**
     * Hedged reads ({@code hedge { reads, percentile, min-delay }}): a blob get or stat that has run longer than
     * {@code percentile} of its site's recent reads (at least {@code min-delay}) is sent again to a replica that holds
     * every write of that blob, and the first answer wins. Writes are never hedged. Only a single instance
     * ({@code coordination.kind = single}) knows every write in flight, so fleets never hedge.
     *
     * @param reads      whether reads are hedged; default false
     * @param percentile the latency percentile after which a read is hedged; default 99
     * @param minDelay   a read is never hedged sooner; default 10 ms
     */
    public record Hedge(boolean reads, double percentile, Duration minDelay) {

        /** Off, with the defaults ready for {@code reads = true}. */
        public static final Hedge OFF = new Hedge(false, 99, Duration.ofMillis(10));

        /** Rejects null (ranges are checked by the configuration's rules). */
        public Hedge {
            Objects.requireNonNull(minDelay, "minDelay");
        }
    }

    /**
     * Active probe settings (the Traffic Manager model).
     *
     * @param interval          time between probes of one site
     * @param timeout           a probe slower than this fails
     * @param toleratedFailures consecutive failed probes before a service is marked down
     */
    public record Probe(Duration interval, Duration timeout, int toleratedFailures) {
        /** Rejects nulls. */
        public Probe {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * The DNS record that points clients at the active site.
     *
     * @param zone      the zone holding it
     * @param record    the record name (an A record)
     * @param ttl       its TTL
     * @param sites     the sites whose DNS service hosts the zone (updated at failover)
     * @param endpoints the address clients should use for each site, in the given order
     */
    public record Dns(String zone, String record, Duration ttl, List<String> sites, Map<String, String> endpoints) {
        /** Rejects nulls; copies the collections. */
        public Dns {
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(ttl, "ttl");
            sites = List.copyOf(sites);
            endpoints = FailoverConfigBuilder.orderedCopy(endpoints, v -> v);
        }
    }

    /**
     * What to provision on the new site in the redeploy topology.
     *
     * @param group the node group
     * @param image the image id (per provider; may be overridden per site with {@code images})
     * @param size  the size id
     * @param count how many nodes
     * @param perSite image and size per site id, overriding the defaults
     * @param standing sites that run a standing deployment (typically the primary): never provisioned or released
     * @param release whether a runbook destroys the group's nodes at the site it leaves (pay only during a disaster)
     */
    public record Redeploy(String group, String image, String size, int count, Map<String, List<String>> perSite,
                           Set<String> standing, boolean release) {
        /** Rejects nulls; copies the collections. */
        public Redeploy {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(size, "size");
            perSite = FailoverConfigBuilder.orderedCopy(perSite, List::copyOf);
            standing = Set.copyOf(standing);
        }

        /** The image and size for a site. */
        public List<String> imageAndSize(String site) {
            return perSite.getOrDefault(site, List.of(image, size));
        }

        /** Whether the runbook provisions (and releases) compute at {@code site}. */
        public boolean provisions(String site) {
            return !standing.contains(site);
        }
    }

    private final Topology topology;
    private final List<String> priority;
    private final Routing routing;
    private final Map<String, Integer> weights;
    private final FailoverMode failoverMode;
    private final FailbackMode failbackMode;
    private final Set<Service> criticalServices;
    private final Probe probe;
    private final Detection detection;
    private final int passiveFailures;
    private final Duration clientWait;
    private final Duration callTimeout;
    private final Optional<Dns> dns;
    private final ReplicationMode replicationMode;
    private final Duration rpoBudget;
    private final Duration presyncTimeout;
    private final int minReplicas;
    private final InsufficientReplicas onInsufficientReplicas;
    private final int presyncThreshold;
    private final Duration maxPause;
    private final int parallelism;
    private final Duration mergeInterval;
    private final Optional<Path> captureDirectory;
    private final Optional<Path> journalDirectory;
    private final boolean journalFsync;
    private final boolean reconcileAtStart;
    private final boolean reconcileBeforeMove;
    private final RunbookOrder runbookOrder;
    private final Hedge hedge;
    private final Optional<Redeploy> redeploy;
    private final Map<String, Set<Service>> capabilities;
    private final CoordinationConfig coordination;
    private final Optional<BackupConfig> backup;

    /** Copies what {@link FailoverConfigBuilder#validate()} has checked. */
    FailoverConfig(FailoverConfigBuilder b) {
        this.topology = b.topology;
        this.priority = List.copyOf(b.priority);
        this.routing = b.routing();
        this.weights = FailoverConfigBuilder.orderedCopy(b.weights, v -> v);
        this.failoverMode = b.failoverMode;
        this.failbackMode = b.failbackMode;
        this.criticalServices = FailoverConfigBuilder.services(b.criticalServices);
        this.probe = b.probe;
        this.detection = b.detection;
        this.passiveFailures = b.passiveFailures;
        this.clientWait = b.clientWait;
        this.callTimeout = b.callTimeout;
        this.dns = b.dns;
        this.replicationMode = b.replicationMode;
        this.rpoBudget = b.rpoBudget;
        this.presyncTimeout = b.presyncTimeout;
        this.minReplicas = b.minReplicas;
        this.onInsufficientReplicas = b.onInsufficientReplicas;
        this.presyncThreshold = b.presyncThreshold;
        this.maxPause = b.maxPause;
        this.parallelism = b.parallelism;
        this.mergeInterval = b.mergeInterval;
        this.captureDirectory = b.captureDirectory;
        this.journalDirectory = b.journalDirectory;
        this.journalFsync = b.journalFsync;
        this.reconcileAtStart = b.reconcileAtStart;
        this.reconcileBeforeMove = b.reconcileBeforeMove;
        this.runbookOrder = b.runbookOrder;
        this.hedge = b.hedge;
        this.redeploy = b.redeploy;
        this.capabilities = FailoverConfigBuilder.orderedCopy(b.capabilities, FailoverConfigBuilder::services);
        this.coordination = b.coordination;
        this.backup = b.backup;
    }

    /** How sites share the work. */
    public Topology topology() {
        return topology;
    }

    /** Site ids in failover order; the first is the primary. Unmodifiable. */
    public List<String> priority() {
        return priority;
    }

    /** How calls pick a site. */
    public Routing routing() {
        return routing;
    }

    /** Weight per site for weighted routing. Unmodifiable. */
    public Map<String, Integer> weights() {
        return weights;
    }

    /** Whether failover starts by itself. */
    public FailoverMode failoverMode() {
        return failoverMode;
    }

    /** Whether failover starts by itself: {@link #failoverMode()} is {@link FailoverMode#AUTOMATIC}. */
    public boolean automatic() {
        return failoverMode == FailoverMode.AUTOMATIC;
    }

    /** Whether the facade returns to the primary by itself. */
    public FailbackMode failbackMode() {
        return failbackMode;
    }

    /** Whether the facade returns to the primary once it is healthy again: {@link FailbackMode#AUTOMATIC}. */
    public boolean automaticFailback() {
        return failbackMode == FailbackMode.AUTOMATIC;
    }

    /** Services whose outage on the active site triggers failover. Unmodifiable. */
    public Set<Service> criticalServices() {
        return criticalServices;
    }

    /** Active probe settings. */
    public Probe probe() {
        return probe;
    }

    /** How a service is found down: counts, or counts and the phi accrual detector. */
    public Detection detection() {
        return detection;
    }

    /** Consecutive unavailable calls that mark a service down. */
    public int passiveFailures() {
        return passiveFailures;
    }

    /** How long a client call waits for a failover in progress before failing. */
    public Duration clientWait() {
        return clientWait;
    }

    /** How long a blackholed call hangs before it fails. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** The record to switch, if any. */
    public Optional<Dns> dns() {
        return dns;
    }

    /** How blob writes reach the other sites. */
    public ReplicationMode replicationMode() {
        return replicationMode;
    }

    /** Whether blob writes reach other sites before they are acknowledged: {@link ReplicationMode#SYNC}. */
    public boolean syncReplication() {
        return replicationMode == ReplicationMode.SYNC;
    }

    /** With sync replication: how many other sites must hold a write before it is acknowledged (1 to sites - 1). */
    public int minReplicas() {
        return minReplicas;
    }

    /** With sync replication: what a write does when fewer than {@link #minReplicas()} other sites took it. */
    public InsufficientReplicas onInsufficientReplicas() {
        return onInsufficientReplicas;
    }

    /**
     * A planned move's pre-sync ends once at most this many writes are still to reach the target, so that the
     * drain under paused writes ({@link #maxPause()}) has little left to copy.
     */
    public int presyncThreshold() {
        return presyncThreshold;
    }

    /**
     * The longest a planned move pauses writes to drain replication to its target to zero and verify it; a move that
     * cannot is aborted and clients stay where they are.
     */
    public Duration maxPause() {
        return maxPause;
    }

    /** The replication lag the application accepts. */
    public Duration rpoBudget() {
        return rpoBudget;
    }

    /**
     * How long a planned move (failback, manual failover from a healthy site) lets replication catch up, while clients
     * keep working, before it pauses writes to drain the rest ({@link #presyncThreshold()}, {@link #maxPause()}).
     */
    public Duration presyncTimeout() {
        return presyncTimeout;
    }

    /**
     * Blob copies in flight per target site (writes of one blob stay in order), and the number of concurrent movers
     * of messages stranded at a site a runbook leaves.
     */
    public int parallelism() {
        return parallelism;
    }

    /**
     * How often healthy sites other than the active one are swept for stranded messages (e.g. a batch whose move
     * failed, visible again after its visibility timeout), which are moved to the active site; zero turns the
     * sweep off.
     */
    public Duration mergeInterval() {
        return mergeInterval;
    }

    /** Where captured queue sends are kept. */
    public Optional<Path> captureDirectory() {
        return captureDirectory;
    }

    /**
     * Where the replication backlog is journaled ({@code replication.journal.directory}), so that writes acknowledged
     * before a crash still reach every replica after a restart; empty: the backlog is in memory only, and only the
     * reconciliation at start repairs what a crash left behind.
     */
    public Optional<Path> journalDirectory() {
        return journalDirectory;
    }

    /**
     * Whether the journal is forced to disk before a write is acknowledged ({@code replication.journal.fsync},
     * default true: survives power loss); false survives a crash of the process only.
     */
    public boolean journalFsync() {
        return journalFsync;
    }

    /**
     * Whether a reconciliation of the active site against the others runs in the background when the facade opens
     * ({@code replication.reconcile-at-start}, default true). With {@code coordination.kind = single} only: in a fleet,
     * an instance joins while others may be moving the fleet, so reconciling is left to a failback's {@code reconcile}
     * step and to {@code FailoverCloud.reconcile}.
     */
    public boolean reconcileAtStart() {
        return reconcileAtStart;
    }

    /**
     * Whether a planned move starts with a reconciliation of its target ({@code replication.reconcile-before-move},
     * default true: runbook step {@code reconcile}). Its repairs are drained with the backlog before the move, so a
     * target that diverged far (and is slow to write) makes the move take longer, or abort at {@code max-pause}.
     */
    public boolean reconcileBeforeMove() {
        return reconcileBeforeMove;
    }

    /** Where runbooks put provisioning and the DNS switch ({@code runbook.order}); default data-plane first. */
    public RunbookOrder runbookOrder() {
        return runbookOrder;
    }

    /** Hedged blob reads ({@code hedge}); default off. */
    public Hedge hedge() {
        return hedge;
    }

    /** What to launch on the new site in the redeploy topology. */
    public Optional<Redeploy> redeploy() {
        return redeploy;
    }

    /** Application capabilities and the services each needs, in the order given. Unmodifiable. */
    public Map<String, Set<Service>> capabilities() {
        return capabilities;
    }

    /** How the instances of a fleet decide together; default {@link CoordinationConfig#SINGLE}. */
    public CoordinationConfig coordination() {
        return coordination;
    }

    /** Continuous backup with point-in-time restore, if configured (see {@link BackupConfig}). */
    public Optional<BackupConfig> backup() {
        return backup;
    }

    /** A builder with every default of the file format; {@code priority} must be set. */
    public static FailoverConfigBuilder builder() {
        return new FailoverConfigBuilder();
    }

    /**
     * Reads and validates the {@code failover} section of {@code config}.
     *
     * @throws ConfigException listing every problem, each naming its {@code failover.*} key and the file
     */
    public static FailoverConfig of(CloudhopConfig config) {
        return parse(config.failover(), config.sites().stream().map(s -> s.id()).toList(), config.source());
    }

    /**
     * Parses a failover section given as maps (as {@link CloudhopConfig#failover()} returns it).
     *
     * @param siteIds the configured sites, which the section may name
     * @param source  the file, named in problems
     * @throws ConfigException listing every problem
     */
    public static FailoverConfig parse(Map<String, Object> section, List<String> siteIds, String source) {
        return ConfigProblem.orThrow(validate(section, siteIds, source));
    }

    /** Parses a failover section, returning every problem instead of throwing. */
    public static Validation<Seq<ConfigProblem>, FailoverConfig> validate(Map<String, Object> section,
                                                                          List<String> siteIds, String source) {
        return new FailoverConfigParser(ConfigReader.of(ConfigFactory.parseMap(section), source, "failover.")).parse(siteIds);
    }

    private List<Object> components() {
        return Arrays.asList(topology, priority, routing, weights, failoverMode, failbackMode, criticalServices, probe,
                detection, passiveFailures, clientWait, callTimeout, dns, replicationMode, rpoBudget, presyncTimeout, minReplicas,
                onInsufficientReplicas, presyncThreshold, maxPause, parallelism, mergeInterval, captureDirectory, journalDirectory,
                journalFsync, reconcileAtStart, reconcileBeforeMove, runbookOrder, hedge, redeploy,
                capabilities, coordination, backup);
    }

    /** Equal when every setting is equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof FailoverConfig other && components().equals(other.components());
    }

    @Override
    public int hashCode() {
        return components().hashCode();
    }

    @Override
    public String toString() {
        return "FailoverConfig[topology=" + topology + ", priority=" + priority + ", routing=" + routing
                + ", weights=" + weights + ", failover=" + failoverMode + ", failback=" + failbackMode
                + ", criticalServices=" + criticalServices + ", probe=" + probe + ", detection=" + detection
                + ", passiveFailures=" + passiveFailures
                + ", clientWait=" + clientWait + ", callTimeout=" + callTimeout + ", dns=" + dns
                + ", replication=" + replicationMode + ", rpoBudget=" + rpoBudget + ", presyncTimeout=" + presyncTimeout
                + ", minReplicas=" + minReplicas + ", onInsufficientReplicas=" + onInsufficientReplicas
                + ", presyncThreshold=" + presyncThreshold + ", maxPause=" + maxPause
                + ", parallelism=" + parallelism + ", mergeInterval=" + mergeInterval + ", captureDirectory="
                + captureDirectory + ", journalDirectory=" + journalDirectory + ", journalFsync=" + journalFsync
                + ", reconcileAtStart=" + reconcileAtStart + ", reconcileBeforeMove=" + reconcileBeforeMove + ", runbookOrder=" + runbookOrder + ", hedge=" + hedge + ", redeploy=" + redeploy + ", capabilities=" + capabilities + ", coordination="
                + coordination + ", backup=" + backup + "]";
    }
}
