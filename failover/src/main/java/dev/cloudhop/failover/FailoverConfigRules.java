package dev.cloudhop.failover;

import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.failover.FailoverConfig.Dns;
import dev.cloudhop.failover.FailoverConfig.Redeploy;
import dev.cloudhop.failover.FailoverConfig.Topology;
import dev.cloudhop.failover.backup.BackupConfig;
import dev.cloudhop.failover.coordination.CoordinationConfig;
import dev.cloudhop.failover.coordination.CoordinationKind;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rules a configuration keeps however it was made (file or {@link FailoverConfigBuilder}): ranges and site ids
 * across keys.
 */
record FailoverConfigRules(FailoverConfigBuilder b, List<String> known) {
    FailoverConfigRules(FailoverConfigBuilder b) {
        this(b, b.sites.orElse(b.priority));
    }

    /** Bound of {@code replication.parallelism}: each unit is a thread per site. */
    static final int MAX_PARALLELISM = 64;

    private <T> Validation<Seq<ConfigProblem>, T> check(boolean ok, String key, String message) {
        return ConfigProblem.check(ok, null, b.source, "failover." + key, message);
    }

    private Validation<Seq<ConfigProblem>, Void> knownSite(String site, String key, String what) {
        return check(known.contains(site), key, "unknown site '" + site + "'" + what);
    }

    private String configured() {
        return "; configured sites: " + String.join(", ", known);
    }

    private Validation<Seq<ConfigProblem>, Void> positive(String key, Duration d) {
        return check(!d.isNegative() && !d.isZero(), key, "must be positive, was " + d);
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
        checks.add(check(b.detection.phiThreshold() > 0, "detection.phi-threshold",
                "must be positive, was " + b.detection.phiThreshold()));
        checks.add(positive("detection.min-std-deviation", b.detection.minStdDeviation()));
        checks.add(notNegative("detection.acceptable-pause", b.detection.acceptablePause()));
        checks.add(positive("detection.check-interval", b.detection.checkInterval()));
        checks.add(check(b.hedge.percentile() > 0 && b.hedge.percentile() <= 100, "hedge.percentile",
                "must be above 0 and at most 100, was " + b.hedge.percentile()));
        checks.add(notNegative("hedge.min-delay", b.hedge.minDelay()));
        checks.add(notNegative("client-wait", b.clientWait));
        checks.add(notNegative("call-timeout", b.callTimeout));
        checks.add(notNegative("replication.rpo-budget", b.rpoBudget));
        checks.add(notNegative("replication.presync-timeout", b.presyncTimeout));
        checks.add(notNegative("replication.merge-interval", b.mergeInterval));
        int replicas = Math.max(1, known.size() - 1);
        checks.add(check(b.minReplicas >= 1 && b.minReplicas <= replicas, "replication.min-replicas",
                "must be between 1 and " + replicas + " (the other sites), was " + b.minReplicas));
        checks.add(check(b.presyncThreshold >= 0, "replication.presync-threshold",
                "must not be negative, was " + b.presyncThreshold));
        checks.add(check(!b.maxPause.isNegative() && !b.maxPause.isZero(), "replication.max-pause", "must be positive, was " + b.maxPause));
        checks.add(check(b.parallelism >= 1 && b.parallelism <= MAX_PARALLELISM, "replication.parallelism",
                "must be between 1 and " + MAX_PARALLELISM + ", was " + b.parallelism));
        b.dns.ifPresent(d -> checks.addAll(dns(d)));
        b.redeploy.ifPresentOrElse(r -> checks.addAll(redeploy(r)), () -> checks.add(check(
                b.topology != Topology.REDEPLOY, "redeploy",
                "missing; the redeploy topology needs group, image, size and count")));
        checks.addAll(coordination(b.coordination));
        b.backup.ifPresent(c -> checks.addAll(backup(c)));
        return ConfigProblem.all(checks);
    }

    private List<Validation<Seq<ConfigProblem>, Void>> coordination(CoordinationConfig c) {
        List<Validation<Seq<ConfigProblem>, Void>> checks = new ArrayList<>();
        checks.add(check(c.share() > 0 && c.share() <= 1, "coordination.share",
                "must be above 0 and at most 1 (a site is down for the fleet when MORE than this share of live instances "
                        + "sees it down; 1: all of them), was " + c.share()));
        checks.add(check(c.lease().toMillis() >= 30, "coordination.lease", "must be at least 30 ms, was " + c.lease()));
        checks.add(check(c.zookeeperSessionTimeout().toMillis() > 0, "coordination.zookeeper.session-timeout",
                "must be positive"));
        checks.add(check(c.kind() != CoordinationKind.ZOOKEEPER || c.zookeeperConnect().isPresent(),
                "coordination.zookeeper.connect", "missing; the ensemble as \"host:port,host:port\" (kind = zookeeper)"));
        checks.add(check(c.kind() != CoordinationKind.SITES || known.size() >= 3, "coordination.kind",
                "sites needs at least three sites (a majority must survive one site's loss); configured sites: "
                        + String.join(", ", known)));
        return checks;
    }

    private List<Validation<Seq<ConfigProblem>, Void>> backup(BackupConfig c) {
        List<Validation<Seq<ConfigProblem>, Void>> checks = new ArrayList<>();
        checks.add(check(!c.containers().isEmpty(), "backup.containers", "missing; list the containers to back up, e.g. [catalog, orders]"));
        checks.add(check(Set.copyOf(c.containers()).size() == c.containers().size(), "backup.containers", "lists a container twice"));
        checks.add(check(!c.containers().contains(FailoverCloud.SYSTEM_CONTAINER), "backup.containers",
                FailoverCloud.SYSTEM_CONTAINER + " holds Cloudhop's own records and cannot be backed up"));
        checks.add(c.site().isBlank() ? check(false, "backup.site", "missing; the site that keeps the backup" + configured())
                : knownSite(c.site(), "backup.site", configured()));
        checks.add(check(c.retention().toMillis() >= 1000, "backup.retention", "must be at least 1 s, was " + c.retention()));
        checks.add(notNegative("backup.chunk-grace", c.chunkGrace()));
        return checks;
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
