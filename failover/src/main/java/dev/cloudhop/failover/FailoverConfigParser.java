package dev.cloudhop.failover;

import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.config.ConfigReader;
import dev.cloudhop.failover.FailoverConfig.Dns;
import dev.cloudhop.failover.FailoverConfig.FailbackMode;
import dev.cloudhop.failover.FailoverConfig.FailoverMode;
import dev.cloudhop.failover.FailoverConfig.InsufficientReplicas;
import dev.cloudhop.failover.FailoverConfig.Probe;
import dev.cloudhop.failover.health.Detection;
import dev.cloudhop.failover.FailoverConfig.Redeploy;
import dev.cloudhop.failover.FailoverConfig.ReplicationMode;
import dev.cloudhop.failover.FailoverConfig.Routing;
import dev.cloudhop.failover.FailoverConfig.Topology;
import dev.cloudhop.failover.backup.BackupConfig;
import dev.cloudhop.failover.coordination.CoordinationConfig;
import dev.cloudhop.failover.coordination.CoordinationKind;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** Reads the file's keys into a {@link FailoverConfigBuilder}: types here, the {@link FailoverConfigRules} there. */
record FailoverConfigParser(ConfigReader r) {

    private static final List<String> KNOWN = List.of("topology", "priority", "routing", "weights", "automatic", "failback",
            "critical-services", "probe", "detection", "passive", "client-wait", "call-timeout", "dns", "replication", "capture",
            "redeploy", "capabilities", "coordination", "backup", "runbook", "hedge");

    Validation<Seq<ConfigProblem>, FailoverConfig> parse(List<String> siteIds) {
        Validation<Seq<ConfigProblem>, List<String>> priority = r.stringList("priority", List.of(), "a list of site ids");
        List<Validation<Seq<ConfigProblem>, Consumer<FailoverConfigBuilder>>> sections = List.of(
                priority.map(p -> b -> b.priority(p)),
                r.enumValue("topology", Topology.class, Topology.ACTIVE_PASSIVE).map(t -> b -> b.topology(t)),
                r.has("routing") ? r.enumValue("routing", Routing.class, Routing.PRIORITY).map(t -> b -> b.routing(t))
                        : Validation.valid(b -> { }),
                weights().map(w -> b -> b.weights(w)),
                r.bool("automatic", true).map(a -> b -> b.failoverMode(a ? FailoverMode.AUTOMATIC : FailoverMode.MANUAL)),
                r.enumValue("failback", FailbackMode.class, FailbackMode.MANUAL).map(m -> b -> b.failbackMode(m)),
                services("critical-services", Set.of(Service.BLOB)).map(s -> b -> b.criticalServices(s)),
                probe().map(p -> b -> b.probe(p)),
                detection().map(d -> b -> b.detection(d)),
                r.integer("passive.consecutive-failures", 3).map(n -> b -> b.passiveFailures(n)),
                r.duration("client-wait", Duration.ofSeconds(2)).map(d -> b -> b.clientWait(d)),
                r.duration("call-timeout", Duration.ofSeconds(2)).map(d -> b -> b.callTimeout(d)),
                dns(priority.getOrElse(List.of())).map(d -> b -> d.ifPresent(b::dns)),
                replication(),
                replicationGuarantees(),
                r.path("capture.directory").map(p -> b -> p.ifPresent(b::captureDirectory)),
                replicationDurability(),
                redeploy().map(d -> b -> d.ifPresent(b::redeploy)),
                r.enumValue("runbook.order", FailoverConfig.RunbookOrder.class, FailoverConfig.RunbookOrder.DATA_PLANE_FIRST)
                        .map(o -> b -> b.runbookOrder(o)),
                r.has("runbook") ? r.section("runbook").onlyKeys(List.of("order")).map(ignored -> b -> { })
                        : Validation.valid(b -> { }),
                hedge().map(h -> b -> b.hedge(h)),
                r.has("hedge") ? r.section("hedge").onlyKeys(List.of("reads", "percentile", "min-delay")).map(ignored -> b -> { })
                        : Validation.valid(b -> { }),
                capabilities().map(c -> b -> b.capabilities(c)),
                coordination().map(c -> b -> b.coordination(c)),
                backup().map(c -> b -> c.ifPresent(b::backup)),
                r.has("backup") ? r.section("backup").onlyKeys(List.of("containers", "site", "retention", "spool-directory",
                        "chunk-grace")).map(ignored -> b -> { }) : Validation.valid(b -> { }),
                r.onlyKeys(KNOWN).map(ignored -> b -> { }));
        FailoverConfigBuilder builder = FailoverConfig.builder().source(r.source()).sites(siteIds);
        sections.forEach(section -> section.forEach(set -> set.accept(builder)));
        Validation<Seq<ConfigProblem>, Seq<Consumer<FailoverConfigBuilder>>> read = Validation.sequence(sections);
        // A key that could not be read keeps its default; its rules would only repeat that it is wrong.
        Set<String> unreadable = read.fold(problems -> problems.map(ConfigProblem::key).toJavaSet(), ok -> Set.of());
        Validation<Seq<ConfigProblem>, FailoverConfig> rules = builder.validate()
                .mapError(problems -> problems.filter(p -> !unreadable.contains(p.key())));
        return ConfigProblem.flatten(Validation.combine(read, rules).ap((ignored, config) -> config));
    }

    private Validation<Seq<ConfigProblem>, Map<String, Integer>> weights() {
        return r.keys("weights", "weights by site id").flatMap(sites -> Validation.traverse(sites,
                        site -> r.integer("weights." + site, 1).map(w -> Map.entry(site, w))))
                .map(FailoverConfigParser::toMap);
    }

    private Validation<Seq<ConfigProblem>, Set<Service>> services(String key, Set<Service> fallback) {
        return r.stringList(key, null, "a list of services (blob, queue, dns, compute)")
                .flatMap(names -> names == null ? Validation.valid(fallback) : Validation.traverse(names, n -> {
                    try {
                        return Validation.valid(Service.of(n));
                    } catch (IllegalArgumentException e) {
                        return r.invalid(key, "unknown service '" + n + "'; use blob, queue, dns or compute");
                    }
                }).map(s -> FailoverConfigBuilder.services(s.asJava())));
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
                        .map(FailoverConfigParser::toMap)
                : r.invalid("dns.endpoints", "missing; the address of each site");
        return ConfigProblem.flatten(Validation.combine(
                r.string("dns.zone", ""),
                r.string("dns.record", ""),
                r.duration("dns.ttl", Duration.ofSeconds(30)),
                r.stringList("dns.sites", priority, "a list of site ids"),
                endpoints).ap((zone, record, ttl, sites, addresses) -> Optional.of(new Dns(zone, record, ttl, sites, addresses))));
    }

    private Validation<Seq<ConfigProblem>, Consumer<FailoverConfigBuilder>> replication() {
        return ConfigProblem.flatten(Validation.combine(
                r.enumValue("replication.mode", ReplicationMode.class, ReplicationMode.ASYNC),
                r.duration("replication.rpo-budget", Duration.ofSeconds(5)),
                r.duration("replication.presync-timeout", Duration.ofSeconds(30)),
                r.integer("replication.parallelism", 4),
                r.duration("replication.merge-interval", Duration.ofSeconds(15)))
                .ap((mode, rpo, presync, parallelism, merge) -> b -> b.replicationMode(mode).rpoBudget(rpo)
                        .presyncTimeout(presync).parallelism(parallelism).mergeInterval(merge)));
    }

    /** The keys of sync acknowledgement and of planned moves. */
    private Validation<Seq<ConfigProblem>, Consumer<FailoverConfigBuilder>> replicationGuarantees() {
        return ConfigProblem.flatten(Validation.combine(
                r.integer("replication.min-replicas", 1),
                r.enumValue("replication.on-insufficient-replicas", InsufficientReplicas.class, InsufficientReplicas.FAIL),
                r.integer("replication.presync-threshold", 100),
                r.duration("replication.max-pause", Duration.ofSeconds(2)))
                .ap((replicas, insufficient, threshold, pause) -> b -> b.minReplicas(replicas)
                        .onInsufficientReplicas(insufficient).presyncThreshold(threshold).maxPause(pause)));
    }

    /** The keys of the durable backlog and of reconciliation. */
    private Validation<Seq<ConfigProblem>, Consumer<FailoverConfigBuilder>> replicationDurability() {
        return ConfigProblem.flatten(Validation.combine(
                r.path("replication.journal.directory"),
                r.bool("replication.journal.fsync", true),
                r.bool("replication.reconcile-at-start", true),
                r.bool("replication.reconcile-before-move", true),
                r.has("replication") ? r.section("replication").onlyKeys(List.of("mode", "rpo-budget", "presync-timeout",
                        "parallelism", "merge-interval", "min-replicas", "on-insufficient-replicas", "presync-threshold",
                        "max-pause", "journal", "reconcile-at-start", "reconcile-before-move")) : Validation.valid(null),
                r.has("replication.journal") ? r.section("replication.journal").onlyKeys(List.of("directory", "fsync"))
                        : Validation.valid(null))
                .ap((dir, fsync, reconcile, beforeMove, known, knownJournal) -> b -> {
                    dir.ifPresent(b::journalDirectory);
                    b.journalFsync(fsync).reconcileAtStart(reconcile).reconcileBeforeMove(beforeMove);
                }));
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
                .map(FailoverConfigParser::toMap);
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

    private Validation<Seq<ConfigProblem>, CoordinationConfig> coordination() {
        CoordinationConfig d = CoordinationConfig.SINGLE;
        return ConfigProblem.flatten(Validation.combine(
                r.enumValue("coordination.kind", CoordinationKind.class, d.kind()),
                r.decimal("coordination.share", d.share()),
                r.duration("coordination.lease", d.lease()),
                r.string("coordination.instance-id", ""),
                r.string("coordination.zookeeper.connect", ""),
                r.string("coordination.zookeeper.namespace", d.zookeeperNamespace()),
                r.duration("coordination.zookeeper.session-timeout", d.zookeeperSessionTimeout()))
                .ap((kind, share, lease, id, connect, namespace, session) -> new CoordinationConfig(kind, share, lease,
                        Optional.of(id).filter(x -> !x.isBlank()), Optional.of(connect).filter(x -> !x.isBlank()), namespace,
                        session)));
    }

    private Validation<Seq<ConfigProblem>, FailoverConfig.Hedge> hedge() {
        FailoverConfig.Hedge d = FailoverConfig.Hedge.OFF;
        return ConfigProblem.flatten(Validation.combine(
                r.bool("hedge.reads", d.reads()),
                r.decimal("hedge.percentile", d.percentile()),
                r.duration("hedge.min-delay", d.minDelay()))
                .ap(FailoverConfig.Hedge::new));
    }

    private Validation<Seq<ConfigProblem>, Detection> detection() {
        Detection d = Detection.DEFAULT;
        return ConfigProblem.flatten(Validation.combine(
                r.enumValue("detection.kind", Detection.Kind.class, d.kind()),
                r.decimal("detection.phi-threshold", d.phiThreshold()),
                r.duration("detection.min-std-deviation", d.minStdDeviation()),
                r.duration("detection.acceptable-pause", d.acceptablePause()),
                r.duration("detection.check-interval", d.checkInterval())).ap(Detection::new));
    }

    private Validation<Seq<ConfigProblem>, Optional<BackupConfig>> backup() {
        if (!r.has("backup")) {
            return Validation.valid(Optional.empty());
        }
        return ConfigProblem.flatten(Validation.combine(
                r.stringList("backup.containers", List.of(), "a list of container names"),
                r.string("backup.site", ""),
                r.duration("backup.retention", BackupConfig.DEFAULT_RETENTION),
                r.path("backup.spool-directory"),
                r.duration("backup.chunk-grace", BackupConfig.DEFAULT_CHUNK_GRACE))
                .ap((containers, site, retention, spool, grace) -> Optional.of(
                        new BackupConfig(containers, site, retention, spool, grace))));
    }

    private Validation<Seq<ConfigProblem>, Map<String, Set<Service>>> capabilities() {
        return r.keys("capabilities", "capabilities by name").flatMap(names -> Validation.traverse(names,
                        name -> services("capabilities." + name, Set.of()).map(s -> Map.entry(name, s))))
                .map(FailoverConfigParser::toMap);
    }

    private static <K, V> Map<K, V> toMap(Seq<Map.Entry<K, V>> entries) {
        Map<K, V> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }
}
