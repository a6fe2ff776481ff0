package dev.cloudhop.samples.crosscloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.RunbookReport;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.samples.commerce.Commerce;
import dev.cloudhop.samples.commerce.OrderTraffic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The drill suite: each disaster scenario of the DR guide that applies, run against the real emulated sites
 * (Azurite, LocalStack, BIND/Artemis/files/sshd) under steady order traffic, with the report's invariants
 * asserted: no acknowledged order lost, none processed twice, and fencing held (a stale application
 * instance that missed the failover cannot write to the old primary).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrossCloudDrillTest {

    private static EmulatedSites env;
    private static Path config;

    private Sites sites;
    private FailoverCloud cloud;
    private FailoverCloud stale;
    private Commerce shop;

    @BeforeAll
    static void startSites() {
        env = EmulatedSites.start(EmulatedSites.Aws.LOCALSTACK);
        System.out.println("[crosscloud-drills] sites ready: " + env.startupTimes());
        config = env.config(EmulatedSites.failoverSection("manual"));
    }

    @AfterAll
    static void stopSites() {
        if (env != null) {
            env.close();
        }
    }

    @BeforeEach
    void open() {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig cfg = CloudhopConfig.load(config, Map.of(), providers);
        sites = Cloudhop.open(cfg, providers);
        FailoverConfig failover = FailoverConfig.of(cfg);
        cloud = FailoverCloud.builder(sites, failover).build();
        if (!cloud.activeSite().equals("azure")) {
            cloud.failback(); // a previous drill left another site active
        }
        CrossCloudDemo.prepareDns(cloud);
        // a second application instance that never probes: it misses every failover
        stale = FailoverCloud.builder(sites, failover).scheduledProbes(false).build();
        shop = new Commerce(cloud);
        shop.setUp(Commerce.sampleCatalog());
        shop.startWorkers(2);
    }

    @AfterEach
    void close() {
        if (shop != null) {
            shop.close();
        }
        if (stale != null) {
            stale.close();
        }
        if (cloud != null) {
            cloud.close();
        }
        if (sites != null) {
            sites.close();
        }
    }

    private DrillReport drill(Drill.Scenario scenario, Duration faultFor, boolean failback) throws InterruptedException {
        // a move that fails leaves orders at the old site until the next sweep (replication.merge-interval,
        // 15 s), or 60 s if the old site could not even release them: late, not lost (the drain returns as
        // soon as every acknowledged order is processed)
        OrderTraffic traffic = new OrderTraffic(shop, Long.MAX_VALUE, Duration.ofSeconds(90));
        DrillReport report = Drill.run(cloud, scenario, traffic,
                new Drill.Options(3, Duration.ofMillis(50), Duration.ofSeconds(1), faultFor, Duration.ofSeconds(1), failback));
        System.out.println("[crosscloud-drills] " + report.summary());
        return report;
    }

    private static void assertNoOrderLostOrProcessedTwice(DrillReport r) {
        assertThat(((Number) r.workload().get("ordersAcknowledged")).longValue()).as("orders acknowledged").isPositive();
        assertThat(r.workload().get("ordersLost")).as("acknowledged orders lost").isEqualTo(0L);
        assertThat(r.workload().get("ordersProcessedTwice")).as("orders processed twice").isEqualTo(0L);
    }

    /** The stale instance still believes in epoch 1 at azure: its write must be refused, and nothing written. */
    private void assertFencingHeld() {
        BlobId probe = BlobId.of("catalog", "stale-write-" + System.nanoTime());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                stale.blobs().put(probe, BlobContent.ofUtf8("from a stale instance"));
            } catch (ConflictException e) {
                assertThat(e.getMessage()).contains("epoch");
                break;
            }
            // its fence cache has not expired yet: the write went through before it learned; retry until refused
            assertThat(System.nanoTime()).as("stale instance refused within 5 s").isLessThan(deadline);
        }
        assertThat(stale.epoch()).isEqualTo(cloud.epoch());
    }

    private static void assertFailedOverTo(DrillReport r, String from, String to) {
        assertThat(r.runbooks()).extracting(x -> x.from() + "->" + x.to()).startsWith(from + "->" + to);
        assertThat(r.runbooks()).allSatisfy(x -> assertThat(x.ok()).as(x.toString()).isTrue());
        assertThat(r.detection()).as("detected").isNotNull();
    }

    @Test
    void applicationFailureWorkersCrashMidBatchAndAReplacementProcessesEveryOrderOnce() throws Exception {
        DrillReport r = drill(Drill.Scenario.of("application-failure", "azure",
                "every order worker dies abandoning received orders; a replacement instance starts",
                shop::crashWorkers, () -> shop.startWorkers(2)), Duration.ofSeconds(2), false);
        assertThat(r.runbooks()).as("no failover for an application failure").isEmpty();
        assertThat(r.siteAfter()).isEqualTo("azure");
        assertNoOrderLostOrProcessedTwice(r);
    }

    @Test
    void dependentServiceFailureQueueDownMeansReducedFunctionalityNotFailover() throws Exception {
        DrillReport r = drill(Drill.Scenario.dependentServiceOutage("azure", Service.QUEUE), Duration.ofSeconds(3), false);
        assertThat(r.runbooks()).as("blob is the only critical service").isEmpty();
        assertThat(((Number) r.workload().get("ordersRejectedReducedFunctionality")).longValue()
                + r.timeline().stream().filter(e -> e.what().contains("captured")).count())
                .as("ordering refused or captured while the queue was down").isPositive();
        assertThat(shop.products()).as("the catalog kept serving").hasSize(Commerce.sampleCatalog().size());
        assertNoOrderLostOrProcessedTwice(r);
    }

    @Test
    void networkLatencySlowsCallsWithoutAFailover() throws Exception {
        DrillReport r = drill(Drill.Scenario.networkLatency("azure", Duration.ofMillis(150)), Duration.ofSeconds(3), false);
        assertThat(r.runbooks()).isEmpty();
        assertThat(r.failedCalls()).isZero();
        assertNoOrderLostOrProcessedTwice(r);
    }

    @Test
    void networkOutageAzuriteFrozenBySigstopFailsOverToAwsAndBack() throws Exception {
        DrillReport r = drill(env.freezeScenario("azure"), Duration.ofSeconds(6), true);
        assertFailedOverTo(r, "azure", "aws");
        assertThat(r.siteAfter()).isEqualTo("azure");
        assertNoOrderLostOrProcessedTwice(r);
        assertFencingHeld();
    }

    @Test
    void regionOutageSigkillFailsOverToAwsProvisioningEc2AndSwitchingBindAndRoute53() throws Exception {
        String[] dnsDuringOutage = new String[2];
        Drill.Scenario kill = env.killScenario("azure");
        Drill.Scenario scenario = Drill.Scenario.of(kill.name(), "azure", kill.description(), () -> kill.inject().accept(cloud), () -> {
            // checked while aws is active, before azure returns: dig asks BIND; Route 53 through its API
            dnsDuringOutage[0] = env.digRecord();
            dnsDuringOutage[1] = cloud.rawSite("aws").dns().get(EmulatedSites.ZONE, EmulatedSites.RECORD, RecordType.A)
                    .map(x -> String.join(",", x.values())).orElse("none");
            kill.clear().accept(cloud);
        });
        DrillReport r = drill(scenario, Duration.ofSeconds(6), true);

        assertFailedOverTo(r, "azure", "aws");
        RunbookReport away = r.failover().orElseThrow();
        assertThat(away.steps()).filteredOn(s -> s.name().equals("provision")).singleElement()
                .satisfies(s -> assertThat(s.detail()).contains("launched 2 nodes in group shop-web at aws"));
        assertThat(r.provisioning()).isPositive();
        assertThat(r.toJson()).contains("\"provisioningMs\"", "\"provisioningShareOfRto\"");
        assertThat(dnsDuringOutage[0]).as("dig @BIND during the outage").isEqualTo(EmulatedSites.ENDPOINTS.get("aws"));
        assertThat(dnsDuringOutage[1]).as("Route 53 during the outage").isEqualTo(EmulatedSites.ENDPOINTS.get("aws"));
        assertThat(env.digRecord()).as("dig @BIND after failback").isEqualTo(EmulatedSites.ENDPOINTS.get("azure"));
        assertThat(cloud.rawSite("aws").compute().listNodes("shop-web")).as("EC2 instances released after failback")
                .allSatisfy(n -> assertThat(n.status().name()).isEqualTo("TERMINATED"));
        assertNoOrderLostOrProcessedTwice(r);
        assertFencingHeld();
    }

    @Test
    void wholeCloudOutageAzureKilledAndAwsFrozenFailsOverToOnPrem() throws Exception {
        Drill.Scenario scenario = Drill.Scenario.of("cloud-outage-to-onprem", "azure",
                "azure's edge killed and AWS frozen: only on-prem is left",
                () -> {
                    env.freeze("aws");
                    // AWS hangs first; once the facade knows, azure's region goes: on-prem is the only way out
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (cloud.health().isUp("aws", Service.BLOB) && System.nanoTime() < until) {
                        sleep(20);
                    }
                    env.kill("azure");
                },
                () -> {
                    env.thaw("aws");
                    env.restart("azure");
                });
        DrillReport r = drill(scenario, Duration.ofSeconds(8), true);

        assertFailedOverTo(r, "azure", "onprem");
        assertThat(r.failover().orElseThrow().steps()).filteredOn(s -> s.name().equals("provision")).singleElement()
                .satisfies(s -> assertThat(s.detail()).contains("at onprem"));
        assertThat(r.siteAfter()).isEqualTo("azure");
        assertNoOrderLostOrProcessedTwice(r);
        assertFencingHeld();
    }

    @Test
    void aSwitchboardRegionOutageStillWorksOnRealSites() throws Exception {
        DrillReport r = drill(Drill.Scenario.regionOutage("azure"), Duration.ofSeconds(4), true);
        assertFailedOverTo(r, "azure", "aws");
        assertThat(r.siteAfter()).isEqualTo("azure");
        assertNoOrderLostOrProcessedTwice(r);
        assertFencingHeld();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
