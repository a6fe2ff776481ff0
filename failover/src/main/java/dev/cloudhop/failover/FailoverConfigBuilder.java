package dev.cloudhop.failover;

import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.failover.FailoverConfig.Dns;
import dev.cloudhop.failover.FailoverConfig.FailbackMode;
import dev.cloudhop.failover.FailoverConfig.FailoverMode;
import dev.cloudhop.failover.FailoverConfig.InsufficientReplicas;
import dev.cloudhop.failover.FailoverConfig.Probe;
import dev.cloudhop.failover.FailoverConfig.Redeploy;
import dev.cloudhop.failover.FailoverConfig.ReplicationMode;
import dev.cloudhop.failover.FailoverConfig.Routing;
import dev.cloudhop.failover.FailoverConfig.Topology;
import dev.cloudhop.failover.backup.BackupConfig;
import dev.cloudhop.failover.coordination.CoordinationConfig;
import dev.cloudhop.failover.health.Detection;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds a {@link FailoverConfig} in code, checking the same rules as the parser: {@link #build()} throws a
 * {@link ConfigException} listing every problem, each named by its file key ({@code failover.priority}...).
 * Collections are copied when set. Not thread-safe. Obtained from {@link FailoverConfig#builder()}.
 */
public final class FailoverConfigBuilder {
    // Package-private: FailoverConfigRules checks them and the FailoverConfig constructor copies them.
    String source = "FailoverConfig.builder()";
    Optional<List<String>> sites = Optional.empty();
    Topology topology = Topology.ACTIVE_PASSIVE;
    List<String> priority = List.of();
    Optional<Routing> routing = Optional.empty();
    Map<String, Integer> weights = Map.of();
    FailoverMode failoverMode = FailoverMode.AUTOMATIC;
    FailbackMode failbackMode = FailbackMode.MANUAL;
    Set<Service> criticalServices = Set.of(Service.BLOB);
    Probe probe = new Probe(Duration.ofSeconds(1), Duration.ofMillis(500), 2);
    Detection detection = Detection.DEFAULT;
    int passiveFailures = 3;
    Duration clientWait = Duration.ofSeconds(2);
    Duration callTimeout = Duration.ofSeconds(2);
    Optional<Dns> dns = Optional.empty();
    ReplicationMode replicationMode = ReplicationMode.ASYNC;
    Duration rpoBudget = Duration.ofSeconds(5);
    Duration presyncTimeout = Duration.ofSeconds(30);
    int minReplicas = 1;
    InsufficientReplicas onInsufficientReplicas = InsufficientReplicas.FAIL;
    int presyncThreshold = 100;
    Duration maxPause = Duration.ofSeconds(2);
    int parallelism = 4;
    Duration mergeInterval = Duration.ofSeconds(15);
    Optional<Path> captureDirectory = Optional.empty();
    Optional<Path> journalDirectory = Optional.empty();
    boolean journalFsync = true;
    boolean reconcileAtStart = true;
    boolean reconcileBeforeMove = true;
    FailoverConfig.RunbookOrder runbookOrder = FailoverConfig.RunbookOrder.DATA_PLANE_FIRST;
    FailoverConfig.Hedge hedge = FailoverConfig.Hedge.OFF;
    Optional<Redeploy> redeploy = Optional.empty();
    Map<String, Set<Service>> capabilities = Map.of();
    CoordinationConfig coordination = CoordinationConfig.SINGLE;
    Optional<BackupConfig> backup = Optional.empty();

    FailoverConfigBuilder() {
    }

    /** What problems name as the origin; default {@code FailoverConfig.builder()}. */
    public FailoverConfigBuilder source(String source) {
        this.source = Objects.requireNonNull(source, "source");
        return this;
    }

    /**
     * The configured site ids that site names are checked against; without it, the {@link #priority} sites are
     * the known ones.
     */
    public FailoverConfigBuilder sites(Collection<String> siteIds) {
        this.sites = Optional.of(List.copyOf(siteIds));
        return this;
    }

    /** How sites share the work; default active-passive. */
    public FailoverConfigBuilder topology(Topology topology) {
        this.topology = Objects.requireNonNull(topology, "topology");
        return this;
    }

    /** Site ids in failover order; the first is the primary. Required. */
    public FailoverConfigBuilder priority(String... siteIds) {
        return priority(List.of(siteIds));
    }

    /** Site ids in failover order; the first is the primary. Required. */
    public FailoverConfigBuilder priority(List<String> siteIds) {
        this.priority = List.copyOf(siteIds);
        return this;
    }

    /** How calls pick a site; default affinity for active-active, else priority. */
    public FailoverConfigBuilder routing(Routing routing) {
        this.routing = Optional.of(routing);
        return this;
    }

    /** Weight per site for weighted routing; each at least 0. */
    public FailoverConfigBuilder weights(Map<String, Integer> weights) {
        this.weights = orderedCopy(weights, v -> v);
        return this;
    }

    /** Whether failover starts by itself; default automatic. */
    public FailoverConfigBuilder failoverMode(FailoverMode mode) {
        this.failoverMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** Whether the facade returns to the primary by itself; default manual. */
    public FailoverConfigBuilder failbackMode(FailbackMode mode) {
        this.failbackMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** Services whose outage on the active site triggers failover; default blob. */
    public FailoverConfigBuilder criticalServices(Service... services) {
        return criticalServices(List.of(services));
    }

    /** Services whose outage on the active site triggers failover; default blob. */
    public FailoverConfigBuilder criticalServices(Collection<Service> services) {
        this.criticalServices = services(services);
        return this;
    }

    /** Active probe settings; default every 1 s, 500 ms timeout, 2 tolerated failures. */
    public FailoverConfigBuilder probe(Probe probe) {
        this.probe = Objects.requireNonNull(probe, "probe");
        return this;
    }

    /** How a service is found down; default {@link Detection#DEFAULT} (phi). */
    public FailoverConfigBuilder detection(Detection detection) {
        this.detection = Objects.requireNonNull(detection, "detection");
        return this;
    }

    /** Consecutive unavailable calls that mark a service down; default 3. */
    public FailoverConfigBuilder passiveFailures(int failures) {
        this.passiveFailures = failures;
        return this;
    }

    /** How long a client call waits for a failover in progress; default 2 s. */
    public FailoverConfigBuilder clientWait(Duration wait) {
        this.clientWait = Objects.requireNonNull(wait, "wait");
        return this;
    }

    /** How long a blackholed call hangs before it fails; default 2 s. */
    public FailoverConfigBuilder callTimeout(Duration timeout) {
        this.callTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** The record to switch at failover; it needs an endpoint for every priority site. Default none. */
    public FailoverConfigBuilder dns(Dns dns) {
        this.dns = Optional.of(dns);
        return this;
    }

    /** How blob writes reach the other sites; default async. */
    public FailoverConfigBuilder replicationMode(ReplicationMode mode) {
        this.replicationMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** The replication lag the application accepts; default 5 s. */
    public FailoverConfigBuilder rpoBudget(Duration budget) {
        this.rpoBudget = Objects.requireNonNull(budget, "budget");
        return this;
    }

    /** How long a planned move lets replication catch up before it pauses writes; default 30 s. */
    public FailoverConfigBuilder presyncTimeout(Duration timeout) {
        this.presyncTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** With sync replication: other sites that must hold a write before it is acknowledged; 1 to sites - 1, default 1. */
    public FailoverConfigBuilder minReplicas(int replicas) {
        this.minReplicas = replicas;
        return this;
    }

    /** With sync replication: what a write does when too few replicas took it; default {@link InsufficientReplicas#FAIL}. */
    public FailoverConfigBuilder onInsufficientReplicas(InsufficientReplicas action) {
        this.onInsufficientReplicas = Objects.requireNonNull(action, "action");
        return this;
    }

    /** Writes still to replicate at which a planned move's pre-sync ends; at least 0, default 100. */
    public FailoverConfigBuilder presyncThreshold(int writes) {
        this.presyncThreshold = writes;
        return this;
    }

    /** The longest a planned move pauses writes to drain replication to its target; positive, default 2 s. */
    public FailoverConfigBuilder maxPause(Duration pause) {
        this.maxPause = Objects.requireNonNull(pause, "pause");
        return this;
    }

    /** Blob copies in flight per target site and movers of stranded messages; 1 to 64, default 4. */
    public FailoverConfigBuilder parallelism(int parallelism) {
        this.parallelism = parallelism;
        return this;
    }

    /** How often other sites are swept for stranded messages; zero turns it off; default 15 s. */
    public FailoverConfigBuilder mergeInterval(Duration interval) {
        this.mergeInterval = Objects.requireNonNull(interval, "interval");
        return this;
    }

    /** Where captured queue sends are kept durably; default in memory only. */
    public FailoverConfigBuilder captureDirectory(Path directory) {
        this.captureDirectory = Optional.of(directory);
        return this;
    }

    /**
     * Where the replication backlog is journaled, one directory per application instance; default none (in memory).
     */
    public FailoverConfigBuilder journalDirectory(Path directory) {
        this.journalDirectory = Optional.of(directory);
        return this;
    }

    /** Whether the journal is forced to disk before a write is acknowledged; default true. */
    public FailoverConfigBuilder journalFsync(boolean fsync) {
        this.journalFsync = fsync;
        return this;
    }

    /** Whether the replicas are reconciled in the background when the facade opens; default true. */
    public FailoverConfigBuilder reconcileAtStart(boolean reconcile) {
        this.reconcileAtStart = reconcile;
        return this;
    }

    /** Whether planned moves reconcile their target first; default true. */
    public FailoverConfigBuilder reconcileBeforeMove(boolean reconcile) {
        this.reconcileBeforeMove = reconcile;
        return this;
    }

    /** Where runbooks put provisioning and the DNS switch; default {@code DATA_PLANE_FIRST}. */
    public FailoverConfigBuilder runbookOrder(FailoverConfig.RunbookOrder order) {
        this.runbookOrder = java.util.Objects.requireNonNull(order, "runbookOrder");
        return this;
    }

    /** Hedged blob reads; default {@link FailoverConfig.Hedge#OFF}. */
    public FailoverConfigBuilder hedge(FailoverConfig.Hedge hedge) {
        this.hedge = java.util.Objects.requireNonNull(hedge, "hedge");
        return this;
    }

    /** What to launch on the new site; required by the redeploy topology. */
    public FailoverConfigBuilder redeploy(Redeploy redeploy) {
        this.redeploy = Optional.of(redeploy);
        return this;
    }

    /** Application capabilities and the services each needs, kept in the given order. */
    public FailoverConfigBuilder capabilities(Map<String, ? extends Collection<Service>> capabilities) {
        this.capabilities = orderedCopy(capabilities, FailoverConfigBuilder::services);
        return this;
    }

    /** How the instances of a fleet decide together; default {@link CoordinationConfig#SINGLE} (one instance). */
    public FailoverConfigBuilder coordination(CoordinationConfig coordination) {
        this.coordination = Objects.requireNonNull(coordination, "coordination");
        return this;
    }

    /** Continuous backup of some containers to a backup site, with point-in-time restore; default none. */
    public FailoverConfigBuilder backup(BackupConfig backup) {
        this.backup = Optional.of(backup);
        return this;
    }

    /** The routing in effect: the one set, else the topology's default. */
    Routing routing() {
        return routing.orElse(topology == Topology.ACTIVE_ACTIVE ? Routing.AFFINITY : Routing.PRIORITY);
    }

    /** The configuration, or every problem with it. */
    public Validation<Seq<ConfigProblem>, FailoverConfig> validate() {
        return new FailoverConfigRules(this).check().map(ignored -> new FailoverConfig(this));
    }

    /**
     * The configuration.
     *
     * @throws ConfigException listing every problem
     */
    public FailoverConfig build() {
        return ConfigProblem.orThrow(validate());
    }

    /** An unmodifiable copy that keeps the iteration order; rejects null keys and values. */
    static <K, V, W> Map<K, W> orderedCopy(Map<K, V> map, Function<V, W> copyValue) {
        Map<K, W> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(copyValue.apply(
                Objects.requireNonNull(v, "value of " + k)))));
        return Collections.unmodifiableMap(copy);
    }

    /** An unmodifiable copy in declaration order. */
    static Set<Service> services(Collection<Service> services) {
        return services.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(services));
    }
}
