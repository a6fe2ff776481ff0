package dev.cloudhop.samples.commerce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.drill.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Drills of the commerce application on three local sites, with the demo's configuration. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommerceDrillTest {

    private Sites sites;
    private FailoverCloud cloud;
    private Commerce shop;

    @BeforeEach
    void open() throws Exception {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(Files.readString(Path.of("demo.conf")), "demo.conf", Map.of(), providers);
        sites = Cloudhop.open(config, providers);
        sites.site("onprem").dns().createZone("shop.example.com");
        cloud = FailoverCloud.builder(sites, FailoverConfig.of(config)).build();
        shop = new Commerce(cloud);
        shop.setUp(Commerce.sampleCatalog());
        shop.startWorkers(2);
    }

    @AfterEach
    void close() {
        shop.close();
        cloud.close();
        sites.close();
    }

    @Test
    void thousandOrdersWithAPrimaryOutageInTheMiddleAreEachProcessedExactlyOnce() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger slots = new AtomicInteger(); // acknowledged orders so far, reserved before each submission
        AtomicInteger rejected = new AtomicInteger();
        AtomicInteger ackedAtSecondary = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean cleared = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            futures.add(clients.submit(() -> {
                int n;
                while (slots.incrementAndGet() <= 1000 && (n = attempts.incrementAndGet()) <= 5000) {
                    if (n == 500) {
                        cloud.switchboard().inject("azure", Fault.unavailable()); // region outage mid-way
                        // this client waits for the failover; the others keep ordering
                        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                                .until(() -> "aws".equals(cloud.activeSite()));
                    }
                    if (n >= 800 && "aws".equals(cloud.activeSite()) && cleared.compareAndSet(false, true)) {
                        cloud.switchboard().clear("azure"); // the primary returns once traffic runs at aws
                    }
                    try {
                        acknowledged.add(shop.submitOrder(Map.of("p" + (1 + n % 4), 1)));
                        if ("aws".equals(cloud.activeSite())) {
                            ackedAtSecondary.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        rejected.incrementAndGet(); // reported to the client; not acknowledged: order again
                        slots.decrementAndGet();
                    }
                    Thread.sleep(3); // a client's think time
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        if (cleared.compareAndSet(false, true)) {
            cloud.switchboard().clear("azure");
        }
        clients.shutdown();
        cloud.awaitIdle(Duration.ofSeconds(10));
        assertThat(cloud.failovers()).as("automatic failover happened").isNotEmpty();
        assertThat(cloud.failovers().get(0).to()).isEqualTo("aws");

        // The primary returns: fail back, then let the workers drain everything.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> cloud.health().isUp("azure", Service.BLOB));
        cloud.awaitIdle(Duration.ofSeconds(10));
        assertThat(cloud.failback().ok()).isTrue();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> shop.processedCounts().keySet().containsAll(acknowledged));

        Map<String, Long> processed = shop.processedCounts();
        assertThat(acknowledged).as("orders acknowledged").hasSize(1000);
        assertThat(rejected.get()).as("refused only while the outage was being handled").isLessThan(1000);
        // Orders between detection of the queue outage and the end of the failover are refused (reduced
        // functionality), never silently dropped; after the failover, ordering goes on at aws.
        assertThat(ackedAtSecondary.get()).as("orders acknowledged while aws was active").isPositive();
        assertThat(acknowledged).as("no acknowledged order is lost").allSatisfy(id -> assertThat(processed).containsKey(id));
        assertThat(processed).as("every order is processed exactly once").allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(processed.keySet()).as("nothing but acknowledged orders is processed").isEqualTo(acknowledged);
        assertThat(cloud.activeSite()).isEqualTo("azure");
    }

    @Test
    void aRegionOutageDrillReportsRtoRpoAndNoLostOrders() throws Exception {
        OrderTraffic traffic = new OrderTraffic(shop, Long.MAX_VALUE, Duration.ofSeconds(20));
        DrillReport report = Drill.run(cloud, Drill.Scenario.regionOutage("azure"), traffic,
                new Drill.Options(3, Duration.ofMillis(10), Duration.ofMillis(500), Duration.ofSeconds(2),
                        Duration.ofMillis(500), true));

        assertThat(report.siteBefore()).isEqualTo("azure");
        assertThat(report.runbooks()).extracting(r -> r.from() + "->" + r.to()).containsExactly("azure->aws", "aws->azure");
        assertThat(report.detection()).isNotNull().isLessThan(Duration.ofSeconds(1));
        assertThat(report.rto()).as("failover detection is the feature: generous bound").isLessThan(Duration.ofSeconds(3));
        assertThat(report.workload().get("ordersLost")).isEqualTo(0L);
        assertThat(report.workload().get("ordersProcessedTwice")).isEqualTo(0L);
        assertThat(report.toJson()).contains("\"scenario\":\"region-outage\"", "\"rtoMs\"", "\"rpoWrites\"", "\"timeline\"");
    }

    @Test
    void whenOrderingCannotWorkTheCatalogStillServesAndSubmissionSaysSo() throws Exception {
        cloud.switchboard().inject("azure", Service.QUEUE, Fault.unavailable());
        for (int i = 0; i < 3; i++) {
            cloud.probeNow();
        }
        assertThat(shop.products()).hasSize(4);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> shop.submitOrder(Map.of("p1", 1)))
                .isInstanceOf(OrderingUnavailableException.class)
                .hasMessage("ordering is temporarily unavailable (queue down at site azure)");
        assertThat(cloud.activeSite()).isEqualTo("azure");
        cloud.switchboard().clear("azure");
        cloud.probeNow();
        String id = shop.submitOrder(Map.of("p1", 1));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(shop.status(id)).isEqualTo("processed"));
    }
}
