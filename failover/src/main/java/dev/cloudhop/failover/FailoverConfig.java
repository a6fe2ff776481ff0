package dev.cloudhop.failover;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

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
 * Every key but {@code priority} has a default. Immutable.
 *
 * @param topology         how sites share the work
 * @param priority         site ids in failover order; the first is the primary
 * @param routing          how calls pick a site
 * @param weights          weight per site for weighted routing
 * @param automatic        whether failover starts by itself
 * @param automaticFailback whether the facade returns to the primary once it is healthy again
 * @param criticalServices services whose outage on the active site triggers failover
 * @param probe            active probe settings
 * @param passiveFailures  consecutive unavailable calls that mark a service down
 * @param clientWait       how long a client call waits for a failover in progress before failing
 * @param callTimeout      how long a blackholed call hangs before it fails
 * @param dns              the record to switch, if any
 * @param syncReplication  whether blob writes reach every healthy site before they are acknowledged
 * @param rpoBudget        the replication lag the application accepts
 * @param presyncTimeout   how long a planned move (failback, manual failover from a healthy site) lets
 *                         replication catch up before it fences, while clients keep working
 * @param parallelism      blob copies in flight per target site (writes of one blob stay in order), and the
 *                         number of concurrent movers of messages stranded at a site a runbook leaves
 * @param mergeInterval    how often healthy sites other than the active one are swept for stranded messages
 *                         (e.g. a batch whose move failed, visible again after its 60 s visibility timeout),
 *                         which are moved to the active site; zero turns the sweep off
 * @param captureDirectory where captured queue sends are kept
 * @param redeploy         what to launch on the new site in the redeploy topology
 * @param capabilities     application capabilities and the services each needs
 */
public record FailoverConfig(Topology topology, List<String> priority, Routing routing, Map<String, Integer> weights,
                             boolean automatic, boolean automaticFailback, Set<Service> criticalServices, Probe probe,
                             int passiveFailures, Duration clientWait, Duration callTimeout, Optional<Dns> dns,
                             boolean syncReplication, Duration rpoBudget, Duration presyncTimeout, int parallelism,
                             Duration mergeInterval,
                             Optional<Path> captureDirectory,
                             Optional<Redeploy> redeploy, Map<String, Set<Service>> capabilities) {

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

    /**
     * Active probe settings (the Traffic Manager model).
     *
     * @param interval          time between probes of one site
     * @param timeout           a probe slower than this fails
     * @param toleratedFailures consecutive failed probes before a service is marked down
     */
    public record Probe(Duration interval, Duration timeout, int toleratedFailures) {
    }

    /**
     * The DNS record that points clients at the active site.
     *
     * @param zone      the zone holding it
     * @param record    the record name (an A record)
     * @param ttl       its TTL
     * @param sites     the sites whose DNS service hosts the zone (updated at failover)
     * @param endpoints the address clients should use for each site
     */
    public record Dns(String zone, String record, Duration ttl, List<String> sites, Map<String, String> endpoints) {
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
        /** The image and size for a site. */
        public List<String> imageAndSize(String site) {
            return perSite.getOrDefault(site, List.of(image, size));
        }

        /** Whether the runbook provisions (and releases) compute at {@code site}. */
        public boolean provisions(String site) {
            return !standing.contains(site);
        }
    }

    /**
     * Reads and validates the {@code failover} section of {@code config}.
     *
     * @throws ConfigException listing every problem, each naming its {@code failover.*} key
     */
    public static FailoverConfig of(CloudhopConfig config) {
        return parse(config.failover(), config.sites().stream().map(s -> s.id()).toList(), config.source());
    }

    /** Parses a failover section given as maps (as {@link CloudhopConfig#failover()} returns it). */
    public static FailoverConfig parse(Map<String, Object> section, List<String> siteIds, String source) {
        Config c = ConfigFactory.parseMap(section);
        List<ConfigProblem> problems = new ArrayList<>();
        Parser p = new Parser(c, problems, source);

        List<String> priority = p.get("priority", () -> c.getStringList("priority"), List.of(), "a list of site ids");
        if (!c.hasPath("priority")) {
            problems.add(new ConfigProblem(source, "failover.priority", "missing; list the sites in failover order, e.g. "
                    + siteIds));
        }
        for (int i = 0; i < priority.size(); i++) {
            if (!siteIds.contains(priority.get(i))) {
                problems.add(new ConfigProblem(source, "failover.priority[" + i + "]", "unknown site '" + priority.get(i)
                        + "'; configured sites: " + String.join(", ", siteIds)));
            }
        }
        if (priority.stream().distinct().count() != priority.size()) {
            problems.add(new ConfigProblem(source, "failover.priority", "lists a site twice"));
        }
        Topology topology = p.enumValue("topology", Topology.class, Topology.ACTIVE_PASSIVE);
        Routing routing = p.enumValue("routing", Routing.class,
                topology == Topology.ACTIVE_ACTIVE ? Routing.AFFINITY : Routing.PRIORITY);
        Map<String, Integer> weights = new LinkedHashMap<>();
        if (c.hasPath("weights")) {
            for (String site : c.getObject("weights").keySet()) {
                weights.put(site, p.get("weights." + site, () -> c.getInt("weights." + site), 1, "a whole number"));
                if (!siteIds.contains(site)) {
                    problems.add(new ConfigProblem(source, "failover.weights." + site, "unknown site '" + site + "'"));
                }
            }
        }
        boolean automatic = p.get("automatic", () -> c.getBoolean("automatic"), true, "true or false");
        String failback = p.get("failback", () -> c.getString("failback"), "manual", "automatic or manual");
        if (!failback.equals("automatic") && !failback.equals("manual")) {
            problems.add(new ConfigProblem(source, "failover.failback", "must be automatic or manual, was '" + failback + "'"));
        }
        Set<Service> critical = p.services("critical-services", Set.of(Service.BLOB));
        Probe probe = new Probe(
                p.duration("probe.interval", Duration.ofSeconds(1)),
                p.duration("probe.timeout", Duration.ofMillis(500)),
                p.get("probe.tolerated-failures", () -> c.getInt("probe.tolerated-failures"), 2, "a whole number"));
        int passive = p.get("passive.consecutive-failures", () -> c.getInt("passive.consecutive-failures"), 3, "a whole number");
        Duration clientWait = p.duration("client-wait", Duration.ofSeconds(2));
        Duration callTimeout = p.duration("call-timeout", Duration.ofSeconds(2));

        Optional<Dns> dns = Optional.empty();
        if (c.hasPath("dns")) {
            String zone = p.get("dns.zone", () -> c.getString("dns.zone"), "", "a zone name");
            String record = p.get("dns.record", () -> c.getString("dns.record"), "", "a record name");
            Duration ttl = p.duration("dns.ttl", Duration.ofSeconds(30));
            List<String> dnsSites = p.get("dns.sites", () -> c.getStringList("dns.sites"), priority, "a list of site ids");
            Map<String, String> endpoints = new LinkedHashMap<>();
            if (!c.hasPath("dns.endpoints")) {
                problems.add(new ConfigProblem(source, "failover.dns.endpoints", "missing; the address of each site"));
            } else {
                c.getObject("dns.endpoints").unwrapped().forEach((k, v) -> endpoints.put(k, String.valueOf(v)));
            }
            for (String site : priority) {
                if (!endpoints.containsKey(site)) {
                    problems.add(new ConfigProblem(source, "failover.dns.endpoints." + site, "missing; the address clients use for site " + site));
                }
            }
            for (String site : dnsSites) {
                if (!siteIds.contains(site)) {
                    problems.add(new ConfigProblem(source, "failover.dns.sites", "unknown site '" + site + "'"));
                }
            }
            if (zone.isBlank()) {
                problems.add(new ConfigProblem(source, "failover.dns.zone", "missing"));
            }
            if (record.isBlank()) {
                problems.add(new ConfigProblem(source, "failover.dns.record", "missing"));
            }
            dns = Optional.of(new Dns(zone, record, ttl, dnsSites, endpoints));
        }
        String mode = p.get("replication.mode", () -> c.getString("replication.mode"), "async", "async or sync");
        if (!mode.equals("async") && !mode.equals("sync")) {
            problems.add(new ConfigProblem(source, "failover.replication.mode", "must be async or sync, was '" + mode + "'"));
        }
        Duration rpoBudget = p.duration("replication.rpo-budget", Duration.ofSeconds(5));
        Duration presyncTimeout = p.duration("replication.presync-timeout", Duration.ofSeconds(30));
        int parallelism = p.get("replication.parallelism", () -> c.getInt("replication.parallelism"), 4, "a whole number");
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            problems.add(new ConfigProblem(source, "failover.replication.parallelism", "must be between 1 and "
                    + MAX_PARALLELISM + ", was " + parallelism));
        }
        Duration mergeInterval = p.duration("replication.merge-interval", Duration.ofSeconds(15));
        Optional<Path> capture = c.hasPath("capture.directory")
                ? Optional.of(Path.of(p.get("capture.directory", () -> c.getString("capture.directory"), "", "a path")))
                : Optional.empty();
        Optional<Redeploy> redeploy = Optional.empty();
        if (c.hasPath("redeploy")) {
            Map<String, List<String>> perSite = new LinkedHashMap<>();
            if (c.hasPath("redeploy.sites")) {
                for (String site : c.getObject("redeploy.sites").keySet()) {
                    String base = "redeploy.sites." + site;
                    perSite.put(site, List.of(
                            p.get(base + ".image", () -> c.getString(base + ".image"), "", "an image id"),
                            p.get(base + ".size", () -> c.getString(base + ".size"), "", "a size id")));
                    if (!siteIds.contains(site)) {
                        problems.add(new ConfigProblem(source, "failover." + base, "unknown site '" + site + "'; configured sites: "
                                + String.join(", ", siteIds)));
                    }
                }
            }
            List<String> standing = p.get("redeploy.standing", () -> c.getStringList("redeploy.standing"), List.of(), "a list of site ids");
            for (String site : standing) {
                if (!siteIds.contains(site)) {
                    problems.add(new ConfigProblem(source, "failover.redeploy.standing", "unknown site '" + site
                            + "'; configured sites: " + String.join(", ", siteIds)));
                }
            }
            redeploy = Optional.of(new Redeploy(
                    p.get("redeploy.group", () -> c.getString("redeploy.group"), "app", "a group name"),
                    p.get("redeploy.image", () -> c.getString("redeploy.image"), "", "an image id"),
                    p.get("redeploy.size", () -> c.getString("redeploy.size"), "", "a size id"),
                    p.get("redeploy.count", () -> c.getInt("redeploy.count"), 1, "a whole number"), perSite,
                    Set.copyOf(standing), p.get("redeploy.release", () -> c.getBoolean("redeploy.release"), true, "true or false")));
        } else if (topology == Topology.REDEPLOY) {
            problems.add(new ConfigProblem(source, "failover.redeploy", "missing; the redeploy topology needs group, image, size and count"));
        }
        Map<String, Set<Service>> capabilities = new LinkedHashMap<>();
        if (c.hasPath("capabilities")) {
            for (String name : c.getObject("capabilities").keySet()) {
                capabilities.put(name, p.services("capabilities." + name, Set.of()));
            }
        }
        for (String key : c.root().keySet()) {
            if (!KNOWN.contains(key)) {
                problems.add(new ConfigProblem(source, "failover." + key, "unknown key; known keys: " + String.join(", ", KNOWN)));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new FailoverConfig(topology, List.copyOf(priority), routing, Map.copyOf(weights), automatic,
                failback.equals("automatic"), critical, probe, passive, clientWait, callTimeout, dns, mode.equals("sync"),
                rpoBudget, presyncTimeout, parallelism, mergeInterval, capture, redeploy, Map.copyOf(capabilities));
    }

    /** Bound of {@code replication.parallelism}: each unit is a thread per site. */
    static final int MAX_PARALLELISM = 64;

    private static final List<String> KNOWN = List.of("topology", "priority", "routing", "weights", "automatic", "failback",
            "critical-services", "probe", "passive", "client-wait", "call-timeout", "dns", "replication", "capture",
            "redeploy", "capabilities");

    /** Reads values, turning type errors into problems that name the key. */
    private record Parser(Config c, List<ConfigProblem> problems, String source) {
        <T> T get(String key, Supplier<T> read, T fallback, String expected) {
            if (!c.hasPath(key)) {
                return fallback;
            }
            try {
                return read.get();
            } catch (com.typesafe.config.ConfigException e) {
                problems.add(new ConfigProblem(source, "failover." + key, "must be " + expected));
                return fallback;
            }
        }

        Duration duration(String key, Duration fallback) {
            Duration d = get(key, () -> c.getDuration(key), fallback, "a duration such as 500 ms or 2 s");
            if (d.isNegative()) {
                problems.add(new ConfigProblem(source, "failover." + key, "must not be negative"));
            }
            return d;
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
            String raw = get(key, () -> c.getString(key), fallback.name(), "a string");
            try {
                return Enum.valueOf(type, raw.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                List<String> allowed = java.util.Arrays.stream(type.getEnumConstants())
                        .map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
                problems.add(new ConfigProblem(source, "failover." + key, "must be one of " + allowed + ", was '" + raw + "'"));
                return fallback;
            }
        }

        Set<Service> services(String key, Set<Service> fallback) {
            List<String> names = get(key, () -> c.getStringList(key), null, "a list of services (blob, queue, dns, compute)");
            if (names == null) {
                return fallback;
            }
            java.util.EnumSet<Service> out = java.util.EnumSet.noneOf(Service.class);
            for (String n : names) {
                try {
                    out.add(Service.of(n));
                } catch (IllegalArgumentException e) {
                    problems.add(new ConfigProblem(source, "failover." + key, "unknown service '" + n + "'; use blob, queue, dns or compute"));
                }
            }
            return Set.copyOf(out);
        }
    }
}
