package dev.cloudhop.samples.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.drill.Fault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shop's {@code /metrics} over the demo's local sites, scraped as Prometheus would after a drill and a captured
 * send, and checked against the series {@code docs/grafana-dashboard.json} queries.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommerceMetricsTest {

    private Sites sites;
    private FailoverCloud cloud;
    private Commerce shop;
    private CommerceHttp http;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void open() throws Exception {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(Files.readString(Path.of("demo.conf")), "demo.conf", Map.of(), providers);
        sites = Cloudhop.open(config, providers);
        sites.site("onprem").dns().createZone("shop.example.com");
        cloud = FailoverCloud.builder(sites, FailoverConfig.of(config)).meterRegistry(CommerceHttp.prometheusRegistry())
                .build();
        shop = new Commerce(cloud);
        shop.setUp(Commerce.sampleCatalog());
        shop.startWorkers(2);
        http = new CommerceHttp(shop, 0);
    }

    @AfterEach
    void close() {
        http.close();
        shop.close();
        cloud.close();
        sites.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(http.uri() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void afterADrillAndACaptureMetricsServesEverySeriesTheDashboardUses() throws Exception {
        DrillReport report = Drill.run(cloud, Drill.Scenario.regionOutage("azure"),
                new OrderTraffic(shop, Long.MAX_VALUE, Duration.ofSeconds(10)),
                new Drill.Options(2, Duration.ofMillis(20), Duration.ofMillis(300), Duration.ofSeconds(1),
                        Duration.ofMillis(300), false));
        assertThat(report.siteAfter()).isEqualTo("aws");
        // a send the active site cannot take is captured, then replayed when it returns
        cloud.queues().createQueue("audit");
        cloud.switchboard().inject("aws", Service.QUEUE, Fault.unavailable());
        assertThat(cloud.queues().send("audit", OutgoingMessage.of("checked out").withDedupKey("audit-1")))
                .startsWith("captured:");
        String whileCaptured = get("/metrics").body();
        cloud.switchboard().clear("aws");
        cloud.probeNow();
        assertThat(cloud.awaitIdle(Duration.ofSeconds(10))).isTrue();

        HttpResponse<String> metrics = get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        String body = metrics.body();
        assertThat(body).contains(
                "cloudhop_calls_seconds_count{",
                "cloudhop_calls_seconds_bucket{",
                "outcome=\"ok\"",
                "outcome=\"UnavailableException\"",
                "cloudhop_runbook_step_seconds_count{ok=\"true\",step=\"redirect\"}",
                "cloudhop_failover_duration_seconds_count{from=\"azure\",ok=\"true\",to=\"aws\"}",
                "cloudhop_replication_lag_seconds{site=\"aws\"}",
                "cloudhop_replication_copied_total",
                "cloudhop_site_active{site=\"aws\"} 1",
                "cloudhop_drill_rto_seconds_bucket{",
                "cloudhop_drill_detection_seconds_count{scenario=\"region-outage\",site=\"azure\"} 1",
                "cloudhop_queue_captures_total{queue=\"audit\",site=\"aws\"} 1",
                "cloudhop_queue_replayed_total{queue=\"audit\",site=\"aws\",source=\"capture\"} 1");
        assertThat(body).containsPattern("cloudhop_calls_seconds_count\\{[^}]*operation=\"send\"[^}]*site=\"aws\"[^}]*} [1-9]");
        assertThat(whileCaptured).as("the gauge of captured sends beside the counter of captures (distinct Prometheus names)")
                .contains("cloudhop_queue_captured 1", "cloudhop_queue_captures_total{");

        Matcher used = Pattern.compile("cloudhop_[a-z_]+").matcher(Files.readString(Path.of("../docs/grafana-dashboard.json")));
        Set<String> series = new TreeSet<>();
        while (used.find()) {
            series.add(used.group());
        }
        assertThat(series).as("series the Grafana dashboard queries").hasSizeGreaterThan(10)
                .allSatisfy(name -> assertThat(body).as(name).contains("\n" + name));
    }
}
