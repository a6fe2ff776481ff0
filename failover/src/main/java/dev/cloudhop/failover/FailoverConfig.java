package dev.cloudhop.failover;

import com.typesafe.config.ConfigFactory;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.config.ConfigReader;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

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
 *   passive { consecutive-failures = 3 }
 *   client-wait = 2 s                  # a client call waits this long for a failover in progress
 *   call-timeout = 2 s                 # bound of a blackholed call
 *   dns { zone = shop.example.com, record = www.shop.example.com, ttl = 30 s, sites = [onprem],
 *         endpoints { azure = "10.0.0.10", aws = "10.1.0.10", onprem = "192.168.0.10" } }
 *   replication { mode = async, rpo-budget = 5 s,     # async | sync
 *                 presync-timeout = 30 s,            # planned moves: catch up before the write barrier
 *                 parallelism = 4,                   # copies in flight per site; movers of stranded messages
 *                 merge-interval = 15 s }            # sweep of stranded messages at other sites; 0 = off
 *   capture.directory = /var/lib/cloudhop/capture     # durable local capture of queue sends
 *   redeploy { group = web, image = "ami-123", size = t3.small, count = 2,
 *              standing = [azure],         # sites with a standing deployment: never provisioned or released
 *              release = true }            # destroy the group's nodes at the site a runbook leaves
 *   capabilities { ordering = [queue, blob], catalog = [blob] }
 * }
 * }</pre>
 * Every key but {@code priority} has a default. For programmatic use, {@link #builder()} checks the same rules:
 * <pre>{@code
 * FailoverConfig.builder().priority("azure", "aws").replicationMode(ReplicationMode.SYNC).build();
 * }</pre>
 * Immutable and thread-safe: every collection is an unmodifiable copy (maps keep their insertion order).
 */
public final class FailoverConfig {

    /** Bound of {@code replication.parallelism}: each unit is a thread per site. */
    static final int MAX_PARALLELISM = 64;

    private static final List<String> KNOWN = List.of("topology", "priority", "routing", "weights", "automatic", "failback",
            "critical-services", "probe", "passive", "client-wait", "call-timeout", "dns", "replication", "capture",
            "redeploy", "capabilities");

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
        /** Acknowledged once every healthy site has it (RPO 0). */
        SYNC
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
            endpoints = orderedCopy(endpoints, v -> v);
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
            perSite = orderedCopy(perSite, List::copyOf);
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
    private final int passiveFailures;
    private final Duration clientWait;
    private final Duration callTimeout;
    private final Optional<Dns> dns;
    private final ReplicationMode replicationMode;
    private final Duration rpoBudget;
    private final Duration presyncTimeout;
    private final int parallelism;
    private final Duration mergeInterval;
    private final Optional<Path> captureDirectory;
    private final Optional<Redeploy> redeploy;
    private final Map<String, Set<Service>> capabilities;

    private FailoverConfig(Builder b) {
        this.topology = b.topology;
        this.priority = List.copyOf(b.priority);
        this.routing = b.routing();
        this.weights = orderedCopy(b.weights, v -> v);
        this.failoverMode = b.failoverMode;
        this.failbackMode = b.failbackMode;
        this.criticalServices = services(b.criticalServices);
        this.probe = b.probe;
        this.passiveFailures = b.passiveFailures;
        this.clientWait = b.clientWait;
        this.callTimeout = b.callTimeout;
        this.dns = b.dns;
        this.replicationMode = b.replicationMode;
        this.rpoBudget = b.rpoBudget;
        this.presyncTimeout = b.presyncTimeout;
        this.parallelism = b.parallelism;
        this.mergeInterval = b.mergeInterval;
        this.captureDirectory = b.captureDirectory;
        this.redeploy = b.redeploy;
        this.capabilities = orderedCopy(b.capabilities, FailoverConfig::services);
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

    /** Whether blob writes reach every healthy site before they are acknowledged: {@link ReplicationMode#SYNC}. */
    public boolean syncReplication() {
        return replicationMode == ReplicationMode.SYNC;
    }

    /** The replication lag the application accepts. */
    public Duration rpoBudget() {
        return rpoBudget;
    }

    /**
     * How long a planned move (failback, manual failover from a healthy site) lets replication catch up before it
     * fences, while clients keep working.
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

    /** What to launch on the new site in the redeploy topology. */
    public Optional<Redeploy> redeploy() {
        return redeploy;
    }

    /** Application capabilities and the services each needs, in the order given. Unmodifiable. */
    public Map<String, Set<Service>> capabilities() {
        return capabilities;
    }

    /** A builder with every default of the file format; {@code priority} must be set. */
    public static Builder builder() {
        return new Builder();
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
        return new SectionParser(ConfigReader.of(ConfigFactory.parseMap(section), source, "failover.")).parse(siteIds);
    }

    private List<Object> components() {
        return Arrays.asList(topology, priority, routing, weights, failoverMode, failbackMode, criticalServices, probe,
                passiveFailures, clientWait, callTimeout, dns, replicationMode, rpoBudget, presyncTimeout, parallelism,
                mergeInterval, captureDirectory, redeploy, capabilities);
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
                + ", criticalServices=" + criticalServices + ", probe=" + probe + ", passiveFailures=" + passiveFailures
                + ", clientWait=" + clientWait + ", callTimeout=" + callTimeout + ", dns=" + dns
                + ", replication=" + replicationMode + ", rpoBudget=" + rpoBudget + ", presyncTimeout=" + presyncTimeout
                + ", parallelism=" + parallelism + ", mergeInterval=" + mergeInterval + ", captureDirectory="
                + captureDirectory + ", redeploy=" + redeploy + ", capabilities=" + capabilities + "]";
    }

    /** An unmodifiable copy that keeps the iteration order; rejects null keys and values. */
    private static <K, V, W> Map<K, W> orderedCopy(Map<K, V> map, Function<V, W> copyValue) {
        Map<K, W> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(copyValue.apply(
                Objects.requireNonNull(v, "value of " + k)))));
        return Collections.unmodifiableMap(copy);
    }

    /** An unmodifiable copy in declaration order. */
    private static Set<Service> services(Collection<Service> services) {
        return services.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(services));
    }

    /**
     * Builds a {@link FailoverConfig} in code, checking the same rules as the parser: {@link #build()} throws a
     * {@link ConfigException} listing every problem, each named by its file key ({@code failover.priority}...).
     * Collections are copied when set. Not thread-safe.
     */
    public static final class Builder {
        private String source = "FailoverConfig.builder()";
        private Optional<List<String>> sites = Optional.empty();
        private Topology topology = Topology.ACTIVE_PASSIVE;
        private List<String> priority = List.of();
        private Optional<Routing> routing = Optional.empty();
        private Map<String, Integer> weights = Map.of();
        private FailoverMode failoverMode = FailoverMode.AUTOMATIC;
        private FailbackMode failbackMode = FailbackMode.MANUAL;
        private Set<Service> criticalServices = Set.of(Service.BLOB);
        private Probe probe = new Probe(Duration.ofSeconds(1), Duration.ofMillis(500), 2);
        private int passiveFailures = 3;
        private Duration clientWait = Duration.ofSeconds(2);
        private Duration callTimeout = Duration.ofSeconds(2);
        private Optional<Dns> dns = Optional.empty();
        private ReplicationMode replicationMode = ReplicationMode.ASYNC;
        private Duration rpoBudget = Duration.ofSeconds(5);
        private Duration presyncTimeout = Duration.ofSeconds(30);
        private int parallelism = 4;
        private Duration mergeInterval = Duration.ofSeconds(15);
        private Optional<Path> captureDirectory = Optional.empty();
        private Optional<Redeploy> redeploy = Optional.empty();
        private Map<String, Set<Service>> capabilities = Map.of();

        private Builder() {
        }

        /** What problems name as the origin; default {@code FailoverConfig.builder()}. */
        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * The configured site ids that site names are checked against; without it, the {@link #priority} sites are
         * the known ones.
         */
        public Builder sites(Collection<String> siteIds) {
            this.sites = Optional.of(List.copyOf(siteIds));
            return this;
        }

        /** How sites share the work; default active-passive. */
        public Builder topology(Topology topology) {
            this.topology = Objects.requireNonNull(topology, "topology");
            return this;
        }

        /** Site ids in failover order; the first is the primary. Required. */
        public Builder priority(String... siteIds) {
            return priority(List.of(siteIds));
        }

        /** Site ids in failover order; the first is the primary. Required. */
        public Builder priority(List<String> siteIds) {
            this.priority = List.copyOf(siteIds);
            return this;
        }

        /** How calls pick a site; default affinity for active-active, else priority. */
        public Builder routing(Routing routing) {
            this.routing = Optional.of(routing);
            return this;
        }

        /** Weight per site for weighted routing; each at least 0. */
        public Builder weights(Map<String, Integer> weights) {
            this.weights = orderedCopy(weights, v -> v);
            return this;
        }

        /** Whether failover starts by itself; default automatic. */
        public Builder failoverMode(FailoverMode mode) {
            this.failoverMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Whether the facade returns to the primary by itself; default manual. */
        public Builder failbackMode(FailbackMode mode) {
            this.failbackMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Services whose outage on the active site triggers failover; default blob. */
        public Builder criticalServices(Service... services) {
            return criticalServices(List.of(services));
        }

        /** Services whose outage on the active site triggers failover; default blob. */
        public Builder criticalServices(Collection<Service> services) {
            this.criticalServices = services(services);
            return this;
        }

        /** Active probe settings; default every 1 s, 500 ms timeout, 2 tolerated failures. */
        public Builder probe(Probe probe) {
            this.probe = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /** Consecutive unavailable calls that mark a service down; default 3. */
        public Builder passiveFailures(int failures) {
            this.passiveFailures = failures;
            return this;
        }

        /** How long a client call waits for a failover in progress; default 2 s. */
        public Builder clientWait(Duration wait) {
            this.clientWait = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /** How long a blackholed call hangs before it fails; default 2 s. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The record to switch at failover; it needs an endpoint for every priority site. Default none. */
        public Builder dns(Dns dns) {
            this.dns = Optional.of(dns);
            return this;
        }

        /** How blob writes reach the other sites; default async. */
        public Builder replicationMode(ReplicationMode mode) {
            this.replicationMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The replication lag the application accepts; default 5 s. */
        public Builder rpoBudget(Duration budget) {
            this.rpoBudget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** How long a planned move lets replication catch up before it fences; default 30 s. */
        public Builder presyncTimeout(Duration timeout) {
            this.presyncTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Blob copies in flight per target site and movers of stranded messages; 1 to 64, default 4. */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /** How often other sites are swept for stranded messages; zero turns it off; default 15 s. */
        public Builder mergeInterval(Duration interval) {
            this.mergeInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Where captured queue sends are kept durably; default in memory only. */
        public Builder captureDirectory(Path directory) {
            this.captureDirectory = Optional.of(directory);
            return this;
        }

        /** What to launch on the new site; required by the redeploy topology. */
        public Builder redeploy(Redeploy redeploy) {
            this.redeploy = Optional.of(redeploy);
            return this;
        }

        /** Application capabilities and the services each needs, kept in the given order. */
        public Builder capabilities(Map<String, ? extends Collection<Service>> capabilities) {
            this.capabilities = orderedCopy(capabilities, FailoverConfig::services);
            return this;
        }

        private Routing routing() {
            return routing.orElse(topology == Topology.ACTIVE_ACTIVE ? Routing.AFFINITY : Routing.PRIORITY);
        }

        /** The configuration, or every problem with it. */
        public Validation<Seq<ConfigProblem>, FailoverConfig> validate() {
            return new Rules(this).check().map(ignored -> new FailoverConfig(this));
        }

        /**
         * The configuration.
         *
         * @throws ConfigException listing every problem
         */
        public FailoverConfig build() {
            return ConfigProblem.orThrow(validate());
        }
    }

    /** The rules a configuration keeps however it was made: ranges and site ids across keys. */
    private record Rules(Builder b, List<String> known) {
        Rules(Builder b) {
            this(b, b.sites.orElse(b.priority));
        }

        private <T> Validation<Seq<ConfigProblem>, T> check(boolean ok, String key, String message) {
            return ConfigProblem.check(ok, null, b.source, "failover." + key, message);
        }

        private Validation<Seq<ConfigProblem>, Void> knownSite(String site, String key, String what) {
            return check(known.contains(site), key, "unknown site '" + site + "'" + what);
        }

        private String configured() {
            return "; configured sites: " + String.join(", ", known);
        }

        private Validation<Seq<ConfigProblem>, Void> notNegative(String key, Duration d) {
            return check(!d.isNegative(), key, "must not be negative");
        }

        Validation<Seq<ConfigProblem>, Void> check() {
            List<Validation<Seq<ConfigProblem>, Void>> checks = new ArrayList<>();
            checks.add(check(!b.priority.isEmpty(), "priority", "missing; list the sites in failover order, e.g. "
                    + (b.sites.isPresent() ? known : List.of("primary", "secondary"))));
            for (int i = 0; i < b.priority.size(); i++) {
                checks.add(knownSite(b.priority.get(i), "priority[" + i + "]", configured()));
            }
            checks.add(check(Set.copyOf(b.priority).size() == b.priority.size(), "priority", "lists a site twice"));
            b.weights.forEach((site, weight) -> {
                checks.add(knownSite(site, "weights." + site, ""));
                checks.add(check(weight >= 0, "weights." + site, "must not be negative, was " + weight));
            });
            checks.add(notNegative("probe.interval", b.probe.interval()));
            checks.add(notNegative("probe.timeout", b.probe.timeout()));
            checks.add(notNegative("client-wait", b.clientWait));
            checks.add(notNegative("call-timeout", b.callTimeout));
            checks.add(notNegative("replication.rpo-budget", b.rpoBudget));
            checks.add(notNegative("replication.presync-timeout", b.presyncTimeout));
            checks.add(notNegative("replication.merge-interval", b.mergeInterval));
            checks.add(check(b.parallelism >= 1 && b.parallelism <= MAX_PARALLELISM, "replication.parallelism",
                    "must be between 1 and " + MAX_PARALLELISM + ", was " + b.parallelism));
            b.dns.ifPresent(d -> checks.addAll(dns(d)));
            b.redeploy.ifPresentOrElse(r -> checks.addAll(redeploy(r)), () -> checks.add(check(
                    b.topology != Topology.REDEPLOY, "redeploy",
                    "missing; the redeploy topology needs group, image, size and count")));
            return ConfigProblem.all(checks);
        }

        private List<Validation<Seq<ConfigProblem>, Void>> dns(Dns d) {
            List<Validation<Seq<ConfigProblem>, Void>> checks = new ArrayList<>();
            for (String site : b.priority) {
                checks.add(check(d.endpoints().containsKey(site), "dns.endpoints." + site,
                        "missing; the address clients use for site " + site));
            }
            d.sites().forEach(site -> checks.add(knownSite(site, "dns.sites", "")));
            checks.add(notNegative("dns.ttl", d.ttl()));
            checks.add(check(!d.zone().isBlank(), "dns.zone", "missing"));
            checks.add(check(!d.record().isBlank(), "dns.record", "missing"));
            return checks;
        }

        private List<Validation<Seq<ConfigProblem>, Void>> redeploy(Redeploy r) {
            List<Validation<Seq<ConfigProblem>, Void>> checks = new ArrayList<>();
            r.perSite().keySet().forEach(site -> checks.add(knownSite(site, "redeploy.sites." + site, configured())));
            r.standing().stream().sorted().forEach(site -> checks.add(knownSite(site, "redeploy.standing", configured())));
            checks.add(check(r.count() >= 1, "redeploy.count", "must be at least 1, was " + r.count()));
            return checks;
        }
    }

    /** Reads the file's keys into a {@link Builder}: types here, the {@link Rules} there. */
    private record SectionParser(ConfigReader r) {

        Validation<Seq<ConfigProblem>, FailoverConfig> parse(List<String> siteIds) {
            Validation<Seq<ConfigProblem>, List<String>> priority = r.stringList("priority", List.of(), "a list of site ids");
            List<Validation<Seq<ConfigProblem>, Consumer<Builder>>> sections = List.of(
                    priority.map(p -> b -> b.priority(p)),
                    r.enumValue("topology", Topology.class, Topology.ACTIVE_PASSIVE).map(t -> b -> b.topology(t)),
                    r.has("routing") ? r.enumValue("routing", Routing.class, Routing.PRIORITY).map(t -> b -> b.routing(t))
                            : Validation.valid(b -> { }),
                    weights().map(w -> b -> b.weights(w)),
                    r.bool("automatic", true).map(a -> b -> b.failoverMode(a ? FailoverMode.AUTOMATIC : FailoverMode.MANUAL)),
                    r.enumValue("failback", FailbackMode.class, FailbackMode.MANUAL).map(m -> b -> b.failbackMode(m)),
                    services("critical-services", Set.of(Service.BLOB)).map(s -> b -> b.criticalServices(s)),
                    probe().map(p -> b -> b.probe(p)),
                    r.integer("passive.consecutive-failures", 3).map(n -> b -> b.passiveFailures(n)),
                    r.duration("client-wait", Duration.ofSeconds(2)).map(d -> b -> b.clientWait(d)),
                    r.duration("call-timeout", Duration.ofSeconds(2)).map(d -> b -> b.callTimeout(d)),
                    dns(priority.getOrElse(List.of())).map(d -> b -> d.ifPresent(b::dns)),
                    replication(),
                    r.path("capture.directory").map(p -> b -> p.ifPresent(b::captureDirectory)),
                    redeploy().map(d -> b -> d.ifPresent(b::redeploy)),
                    capabilities().map(c -> b -> b.capabilities(c)),
                    r.onlyKeys(KNOWN).map(ignored -> b -> { }));
            Builder builder = builder().source(r.source()).sites(siteIds);
            sections.forEach(section -> section.forEach(set -> set.accept(builder)));
            Validation<Seq<ConfigProblem>, Seq<Consumer<Builder>>> read = Validation.sequence(sections);
            // A key that could not be read keeps its default; its rules would only repeat that it is wrong.
            Set<String> unreadable = read.fold(problems -> problems.map(ConfigProblem::key).toJavaSet(), ok -> Set.of());
            Validation<Seq<ConfigProblem>, FailoverConfig> rules = builder.validate()
                    .mapError(problems -> problems.filter(p -> !unreadable.contains(p.key())));
            return ConfigProblem.flatten(Validation.combine(read, rules).ap((ignored, config) -> config));
        }

        private Validation<Seq<ConfigProblem>, Map<String, Integer>> weights() {
            return r.keys("weights", "weights by site id").flatMap(sites -> Validation.traverse(sites,
                            site -> r.integer("weights." + site, 1).map(w -> Map.entry(site, w))))
                    .map(FailoverConfig::toMap);
        }

        private Validation<Seq<ConfigProblem>, Set<Service>> services(String key, Set<Service> fallback) {
            return r.stringList(key, null, "a list of services (blob, queue, dns, compute)")
                    .flatMap(names -> names == null ? Validation.valid(fallback) : Validation.traverse(names, n -> {
                        try {
                            return Validation.valid(Service.of(n));
                        } catch (IllegalArgumentException e) {
                            return r.invalid(key, "unknown service '" + n + "'; use blob, queue, dns or compute");
                        }
                    }).map(s -> FailoverConfig.services(s.asJava())));
        }

        private Validation<Seq<ConfigProblem>, Probe> probe() {
            return ConfigProblem.flatten(Validation.combine(
                    r.duration("probe.interval", Duration.ofSeconds(1)),
                    r.duration("probe.timeout", Duration.ofMillis(500)),
                    r.integer("probe.tolerated-failures", 2)).ap(Probe::new));
        }

        private Validation<Seq<ConfigProblem>, Optional<Dns>> dns(List<String> priority) {
            if (!r.has("dns")) {
                return Validation.valid(Optional.empty());
            }
            Validation<Seq<ConfigProblem>, Map<String, String>> endpoints = r.has("dns.endpoints")
                    ? r.keys("dns.endpoints", "addresses by site id").flatMap(sites -> Validation.traverse(sites,
                            site -> r.string("dns.endpoints." + site, "").map(a -> Map.entry(site, a))))
                            .map(FailoverConfig::toMap)
                    : r.invalid("dns.endpoints", "missing; the address of each site");
            return ConfigProblem.flatten(Validation.combine(
                    r.string("dns.zone", ""),
                    r.string("dns.record", ""),
                    r.duration("dns.ttl", Duration.ofSeconds(30)),
                    r.stringList("dns.sites", priority, "a list of site ids"),
                    endpoints).ap((zone, record, ttl, sites, addresses) -> Optional.of(new Dns(zone, record, ttl, sites, addresses))));
        }

        private Validation<Seq<ConfigProblem>, Consumer<Builder>> replication() {
            return ConfigProblem.flatten(Validation.combine(
                    r.enumValue("replication.mode", ReplicationMode.class, ReplicationMode.ASYNC),
                    r.duration("replication.rpo-budget", Duration.ofSeconds(5)),
                    r.duration("replication.presync-timeout", Duration.ofSeconds(30)),
                    r.integer("replication.parallelism", 4),
                    r.duration("replication.merge-interval", Duration.ofSeconds(15)))
                    .ap((mode, rpo, presync, parallelism, merge) -> b -> b.replicationMode(mode).rpoBudget(rpo)
                            .presyncTimeout(presync).parallelism(parallelism).mergeInterval(merge)));
        }

        private Validation<Seq<ConfigProblem>, Optional<Redeploy>> redeploy() {
            if (!r.has("redeploy")) {
                return Validation.valid(Optional.empty());
            }
            Validation<Seq<ConfigProblem>, Map<String, List<String>>> perSite = r.keys("redeploy.sites", "images and sizes by site id")
                    .flatMap(sites -> Validation.traverse(sites, site -> ConfigProblem.flatten(Validation.combine(
                            r.string("redeploy.sites." + site + ".image", ""),
                            r.string("redeploy.sites." + site + ".size", ""))
                            .ap((image, size) -> Map.entry(site, List.of(image, size))))))
                    .map(FailoverConfig::toMap);
            return ConfigProblem.flatten(Validation.combine(
                    r.string("redeploy.group", "app"),
                    r.string("redeploy.image", ""),
                    r.string("redeploy.size", ""),
                    r.integer("redeploy.count", 1),
                    perSite,
                    r.stringList("redeploy.standing", List.of(), "a list of site ids"),
                    r.bool("redeploy.release", true))
                    .ap((group, image, size, count, sites, standing, release) -> Optional.of(
                            new Redeploy(group, image, size, count, sites, Set.copyOf(standing), release))));
        }

        private Validation<Seq<ConfigProblem>, Map<String, Set<Service>>> capabilities() {
            return r.keys("capabilities", "capabilities by name").flatMap(names -> Validation.traverse(names,
                            name -> services("capabilities." + name, Set.of()).map(s -> Map.entry(name, s))))
                    .map(FailoverConfig::toMap);
        }
    }

    private static <K, V> Map<K, V> toMap(Seq<Map.Entry<K, V>> entries) {
        Map<K, V> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }
}
