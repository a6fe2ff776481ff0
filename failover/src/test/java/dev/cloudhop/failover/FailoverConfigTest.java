package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.failover.FailoverConfig.Dns;
import dev.cloudhop.failover.FailoverConfig.FailbackMode;
import dev.cloudhop.failover.FailoverConfig.FailoverMode;
import dev.cloudhop.failover.FailoverConfig.InsufficientReplicas;
import dev.cloudhop.failover.FailoverConfig.Redeploy;
import dev.cloudhop.failover.FailoverConfig.ReplicationMode;
import dev.cloudhop.failover.FailoverConfig.Topology;
import dev.cloudhop.failover.coordination.CoordinationConfig;
import dev.cloudhop.failover.coordination.CoordinationKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailoverConfigTest {

    private static final List<String> SITES = List.of("azure", "aws", "onprem");

    private static FailoverConfig parse(String hocon) {
        return FailoverConfig.parse(ConfigFactory.parseString(hocon).root().unwrapped(), SITES, "f.conf");
    }

    private static List<String> problems(Runnable parse) {
        try {
            parse.run();
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("no ConfigException");
    }

    @Test
    void problemsOfSeveralSectionsAreReportedTogetherNamingKeyAndFile() {
        assertThat(problems(() -> parse("""
                priority = [azure, aws]
                probe { interval = soon, tolerated-failures = 2 }
                dns { zone = shop.example.com, record = www.shop.example.com, endpoints { azure = "10.0.0.1" } }
                replication { mode = sync, parallelism = 0 }
                redeploy { standing = [azrue] }
                """))).containsExactlyInAnyOrder(
                "f.conf: failover.probe.interval: must be a duration such as 500 ms or 2 s",
                "f.conf: failover.dns.endpoints.aws: missing; the address clients use for site aws",
                "f.conf: failover.replication.parallelism: must be between 1 and 64, was 0",
                "f.conf: failover.redeploy.standing: unknown site 'azrue'; configured sites: azure, aws, onprem");
    }

    @Test
    void detectionIsPhiByDefaultAndItsSettingsChecked() {
        assertThat(parse("priority = [azure]").detection()).isEqualTo(dev.cloudhop.failover.health.Detection.DEFAULT);
        dev.cloudhop.failover.health.Detection phi = parse("priority = [azure], detection { phi-threshold = 2.5 }")
                .detection();
        assertThat(phi.kind()).isEqualTo(dev.cloudhop.failover.health.Detection.Kind.PHI);
        assertThat(phi.phiThreshold()).isEqualTo(2.5);
        assertThat(parse("priority = [azure], detection.kind = count").detection()).isEqualTo(dev.cloudhop.failover.health.Detection.COUNT);
        assertThat(problems(() -> parse("""
                priority = [azure]
                detection { kind = hunch, check-interval = often }
                """))).containsExactlyInAnyOrder(
                "f.conf: failover.detection.kind: must be one of [count, phi], was 'hunch'",
                "f.conf: failover.detection.check-interval: must be a duration such as 500 ms or 2 s");
        assertThat(problems(() -> parse("priority = [azure], detection { phi-threshold = 0, min-std-deviation = 0 ms }")))
                .containsExactlyInAnyOrder("f.conf: failover.detection.phi-threshold: must be positive, was 0.0",
                        "f.conf: failover.detection.min-std-deviation: must be positive, was PT0S");
    }

    @Test
    void aKeyThatCannotBeReadIsReportedOnce() {
        assertThat(problems(() -> parse("priority = azure"))).containsExactly(
                "f.conf: failover.priority: must be a list of site ids");
    }

    @Test
    void modesParseToEnumsAndAWrongOneListsTheAllowedValues() {
        FailoverConfig config = parse("priority = [azure], automatic = false, failback = automatic, replication.mode = sync");
        assertThat(config.failoverMode()).isEqualTo(FailoverMode.MANUAL);
        assertThat(config.automatic()).isFalse();
        assertThat(config.failbackMode()).isEqualTo(FailbackMode.AUTOMATIC);
        assertThat(config.automaticFailback()).isTrue();
        assertThat(config.replicationMode()).isEqualTo(ReplicationMode.SYNC);
        assertThat(config.syncReplication()).isTrue();

        assertThat(problems(() -> parse("priority = [azure], failback = sometimes, replication.mode = eventually, automatic = maybe")))
                .containsExactlyInAnyOrder(
                        "f.conf: failover.failback: must be one of [manual, automatic], was 'sometimes'",
                        "f.conf: failover.replication.mode: must be one of [async, sync], was 'eventually'",
                        "f.conf: failover.automatic: must be true or false");
    }

    @Test
    void theBuilderChecksTheParsersRules() {
        assertThat(problems(() -> FailoverConfig.builder().sites(SITES)
                .topology(Topology.REDEPLOY)
                .parallelism(65)
                .clientWait(Duration.ofSeconds(-1))
                .weights(Map.of("gcp", 2))
                .build())).containsExactlyInAnyOrder(
                "FailoverConfig.builder(): failover.priority: missing; list the sites in failover order, e.g. [azure, aws, onprem]",
                "FailoverConfig.builder(): failover.weights.gcp: unknown site 'gcp'",
                "FailoverConfig.builder(): failover.client-wait: must not be negative",
                "FailoverConfig.builder(): failover.replication.parallelism: must be between 1 and 64, was 65",
                "FailoverConfig.builder(): failover.redeploy: missing; the redeploy topology needs group, image, size and count");
        assertThat(problems(() -> FailoverConfig.builder().priority("a", "b", "a")
                .dns(new Dns("z.example.com", "www.z.example.com", Duration.ofSeconds(30), List.of("a"), Map.of("a", "10.0.0.1")))
                .build())).containsExactlyInAnyOrder(
                "FailoverConfig.builder(): failover.priority: lists a site twice",
                "FailoverConfig.builder(): failover.dns.endpoints.b: missing; the address clients use for site b");
    }

    @Test
    void theBuilderMakesWhatTheParserMakes() {
        FailoverConfig built = FailoverConfig.builder().priority("azure", "aws")
                .failbackMode(FailbackMode.AUTOMATIC)
                .replicationMode(ReplicationMode.SYNC)
                .criticalServices(Service.BLOB, Service.QUEUE)
                .probe(new FailoverConfig.Probe(Duration.ofMillis(200), Duration.ofMillis(100), 1))
                .capabilities(Map.of("ordering", List.of(Service.QUEUE)))
                .build();
        FailoverConfig parsed = parse("""
                priority = [azure, aws], failback = automatic, replication.mode = sync, critical-services = [queue, blob]
                probe { interval = 200 ms, timeout = 100 ms, tolerated-failures = 1 }
                capabilities { ordering = [queue] }
                """);
        assertThat(built).isEqualTo(parsed).hasSameHashCodeAs(parsed);
    }

    @Test
    void itIsImmutableAndKeepsTheOrderOfMaps() {
        List<String> priority = new ArrayList<>(List.of("a", "b", "c"));
        Map<String, List<Service>> capabilities = new LinkedHashMap<>();
        capabilities.put("ordering", new ArrayList<>(List.of(Service.QUEUE, Service.BLOB)));
        capabilities.put("catalog", new ArrayList<>(List.of(Service.BLOB)));
        capabilities.put("accounts", new ArrayList<>(List.of(Service.DNS)));
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("c", "10.0.0.3");
        endpoints.put("a", "10.0.0.1");
        endpoints.put("b", "10.0.0.2");
        Map<String, List<String>> perSite = new LinkedHashMap<>(Map.of("b", new ArrayList<>(List.of("img", "small"))));
        FailoverConfigBuilder builder = FailoverConfig.builder().priority(priority).capabilities(capabilities)
                .dns(new Dns("z.example.com", "www.z.example.com", Duration.ofSeconds(30), List.of("a"), endpoints))
                .redeploy(new Redeploy("web", "img", "small", 1, perSite, Set.of(), true))
                .topology(Topology.REDEPLOY);
        FailoverConfig config = builder.build();

        priority.add("d");
        capabilities.get("ordering").add(Service.COMPUTE);
        capabilities.put("extra", List.of(Service.BLOB));
        endpoints.put("d", "10.0.0.4");
        perSite.get("b").set(0, "other");
        assertThat(config.priority()).containsExactly("a", "b", "c");
        assertThat(config.capabilities()).containsOnlyKeys("ordering", "catalog", "accounts");
        assertThat(config.capabilities().keySet()).containsExactly("ordering", "catalog", "accounts");
        assertThat(config.capabilities().get("ordering")).containsExactly(Service.BLOB, Service.QUEUE);
        assertThat(config.dns().orElseThrow().endpoints().keySet()).containsExactly("c", "a", "b");
        assertThat(config.redeploy().orElseThrow().imageAndSize("b")).containsExactly("img", "small");
        assertThat(builder.build()).as("the builder copied its inputs too").isEqualTo(config);

        assertThatThrownBy(() -> config.priority().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.capabilities().put("x", Set.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.capabilities().get("catalog").add(Service.DNS)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.criticalServices().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.weights().put("a", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.dns().orElseThrow().endpoints().remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.redeploy().orElseThrow().perSite().get("b").add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void replicationGuaranteesHaveDefaultsAndReadEveryKey() {
        FailoverConfig defaults = parse("priority = [azure, aws, onprem]");
        assertThat(defaults.minReplicas()).isEqualTo(1);
        assertThat(defaults.onInsufficientReplicas()).isEqualTo(InsufficientReplicas.FAIL);
        assertThat(defaults.presyncThreshold()).isEqualTo(100);
        assertThat(defaults.maxPause()).isEqualTo(Duration.ofSeconds(2));
        FailoverConfig c = parse("""
                priority = [azure, aws, onprem]
                replication { mode = sync, min-replicas = 2, on-insufficient-replicas = degrade,
                              presync-threshold = 10, max-pause = 500 ms }
                """);
        assertThat(c.minReplicas()).isEqualTo(2);
        assertThat(c.onInsufficientReplicas()).isEqualTo(InsufficientReplicas.DEGRADE);
        assertThat(c.presyncThreshold()).isEqualTo(10);
        assertThat(c.maxPause()).isEqualTo(Duration.ofMillis(500));
        assertThat(FailoverConfig.builder().priority("azure", "aws", "onprem").replicationMode(ReplicationMode.SYNC)
                .minReplicas(2).onInsufficientReplicas(InsufficientReplicas.DEGRADE).presyncThreshold(10)
                .maxPause(Duration.ofMillis(500)).build()).isEqualTo(c);
    }

    @Test
    void replicationGuaranteeProblemsNameTheirKeys() {
        assertThat(problems(() -> parse("""
                priority = [azure, aws, onprem]
                replication { min-replicas = 3, presync-threshold = -1, max-pause = 0 s }
                """))).containsExactlyInAnyOrder(
                "f.conf: failover.replication.min-replicas: must be between 1 and 2 (the other sites), was 3",
                "f.conf: failover.replication.presync-threshold: must not be negative, was -1",
                "f.conf: failover.replication.max-pause: must be positive, was PT0S");
        assertThat(problems(() -> parse("priority = [azure, aws], replication.on-insufficient-replicas = shrug")))
                .containsExactly("f.conf: failover.replication.on-insufficient-replicas: must be one of [fail, degrade], "
                        + "was 'shrug'");
        assertThat(problems(() -> FailoverConfig.builder().priority("azure", "aws").minReplicas(0).build()))
                .containsExactly("FailoverConfig.builder(): failover.replication.min-replicas: must be between 1 and 1 "
                        + "(the other sites), was 0");
    }

    @Test
    void coordinationDefaultsToOneInstanceAndReadsEveryKey() {
        assertThat(parse("priority = [azure, aws, onprem]").coordination()).isEqualTo(CoordinationConfig.SINGLE);
        CoordinationConfig c = parse("""
                priority = [azure, aws, onprem]
                coordination { kind = sites, share = 0.25, lease = 2 s, instance-id = i1,
                               zookeeper { namespace = shop, session-timeout = 3 s } }
                """).coordination();
        assertThat(c).isEqualTo(new CoordinationConfig(CoordinationKind.SITES, 0.25, Duration.ofSeconds(2),
                java.util.Optional.of("i1"), java.util.Optional.empty(), "shop", Duration.ofSeconds(3)));
    }

    @Test
    void coordinationProblemsNameTheirKeys() {
        assertThat(problems(() -> parse("""
                priority = [azure, aws, onprem]
                coordination { kind = zookeeper, share = 1.5, lease = 0 s }
                """))).containsExactlyInAnyOrder(
                "f.conf: failover.coordination.share: must be above 0 and at most 1 (a site is down for the fleet when "
                        + "MORE than this share of live instances sees it down; 1: all of them), was 1.5",
                "f.conf: failover.coordination.lease: must be at least 30 ms, was PT0S",
                "f.conf: failover.coordination.zookeeper.connect: missing; the ensemble as \"host:port,host:port\" "
                        + "(kind = zookeeper)");
        assertThat(problems(() -> FailoverConfig.parse(ConfigFactory.parseString(
                "priority = [azure, aws], coordination.kind = sites").root().unwrapped(), List.of("azure", "aws"), "f.conf")))
                .containsExactly("f.conf: failover.coordination.kind: sites needs at least three sites (a majority must "
                        + "survive one site's loss); configured sites: azure, aws");
    }

    @Test
    void backupIsReadWithItsDefaultsAndEveryProblemNamesItsKey() {
        FailoverConfig c = parse("""
                priority = [azure, aws]
                backup { containers = [catalog, orders], site = onprem, retention = 7 d }
                """);
        assertThat(c.backup()).hasValueSatisfying(b -> {
            assertThat(b.containers()).containsExactly("catalog", "orders");
            assertThat(b.site()).isEqualTo("onprem");
            assertThat(b.retention()).isEqualTo(Duration.ofDays(7));
            assertThat(b.chunkGrace()).isEqualTo(Duration.ofHours(1));
            assertThat(b.spoolDirectory()).isEmpty();
        });
        assertThat(parse("priority = [azure]").backup()).isEmpty();
        assertThat(problems(() -> parse("""
                priority = [azure, aws]
                backup { containers = [], site = vault, retention = 0 s, chunk-grace = -1 s, spool = /tmp }
                """))).containsExactlyInAnyOrder(
                "f.conf: failover.backup.containers: missing; list the containers to back up, e.g. [catalog, orders]",
                "f.conf: failover.backup.site: unknown site 'vault'; configured sites: azure, aws, onprem",
                "f.conf: failover.backup.retention: must be at least 1 s, was PT0S",
                "f.conf: failover.backup.chunk-grace: must not be negative",
                "f.conf: failover.backup.spool: unknown key; known keys: containers, site, retention, spool-directory, chunk-grace");
    }
}
