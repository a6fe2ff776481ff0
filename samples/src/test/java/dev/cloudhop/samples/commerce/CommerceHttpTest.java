package dev.cloudhop.samples.commerce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.drill.Fault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shop's HTTP API and page, over the demo configuration. */
class CommerceHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FailoverCloud cloud;
    private Commerce shop;
    private CommerceHttp http;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        cloud = FailoverCloud.open(Path.of("demo.conf"));
        shop = new Commerce(cloud);
        shop.setUp(Commerce.sampleCatalog());
        shop.startWorkers(1);
        http = new CommerceHttp(shop, 0);
    }

    @AfterEach
    void stop() {
        http.close();
        shop.close();
        cloud.close();
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(http.uri() + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void browseAddToCartOrderAndFollowTheOrder() throws Exception {
        assertThat(call("GET", "/").body()).contains("<h1>Cloudhop shop</h1>");
        assertThat(call("GET", "/products").body()).contains("\"id\":\"p1\"", "Trail shoes");
        assertThat(call("GET", "/products/p2").body()).contains("Rain jacket");
        assertThat(call("GET", "/products/nope").statusCode()).isEqualTo(404);
        assertThat(call("POST", "/carts/c1/items?product=p1&quantity=2").body()).isEqualTo("{\"p1\":2}");
        HttpResponse<String> order = call("POST", "/orders?cart=c1");
        assertThat(order.statusCode()).isEqualTo(202);
        JsonNode accepted = JSON.readTree(order.body());
        assertThat(accepted.get("status").asText()).isEqualTo("accepted");
        String id = accepted.get("order").asText();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(call("GET", "/orders/" + id).body()).contains("\"status\":\"processed\""));
        JsonNode status = JSON.readTree(call("GET", "/status").body());
        assertThat(status.get("active").asText()).isEqualTo("azure");
        assertThat(status.get("ordering").asText()).contains("ordering is available");
        assertThat(status.get("epoch").isNumber()).isTrue();
        assertThat(status.get("health").get("azure").get("blob").asBoolean()).isTrue();
        JsonNode products = JSON.readTree(call("GET", "/products").body());
        assertThat(products).hasSize(4);
        assertThat(products.get(0).fieldNames()).toIterable().containsExactly("id", "name", "priceCents");
        assertThat(JSON.readTree(call("GET", "/carts/c1").body()).get("p1").asInt()).isEqualTo(2);
    }

    @Test
    void aPoisonOrderIsRetriedThenDeadLetteredOnceAndStatusShowsItWhileTheOthersAreProcessedOnce() throws Exception {
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            good.add(shop.submitOrder(Map.of("p" + (1 + i % 4), 1)));
        }
        String poison = shop.submitOrder(Map.of(Commerce.POISON_PRODUCT, 1));
        for (int i = 0; i < 10; i++) {
            good.add(shop.submitOrder(Map.of("p" + (1 + i % 4), 2)));
        }

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            assertThat(shop.processedCounts()).containsKeys(good.toArray(String[]::new));
            assertThat(shop.deadLetteredOrders()).containsExactly(poison);
        });

        assertThat(shop.processedCounts()).as("each good order processed once, the poison order never")
                .hasSize(good.size()).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(shop.failedDeliveries()).as("deliveries of the poison order before it was dead-lettered")
                .containsExactly(Map.entry(poison, (long) Commerce.MAX_DELIVERIES));
        assertThat(cloud.queues().approximateDepth(Commerce.ORDER_DLQ)).isEqualTo(1);
        assertThat(cloud.queues().deadLetterPolicy("orders"))
                .contains(new DeadLetterPolicy(Commerce.ORDER_DLQ, Commerce.MAX_DELIVERIES));
        JsonNode dead = JSON.readTree(call("GET", "/status").body()).get("deadLettered");
        assertThat(dead.get("count").asInt()).isEqualTo(1);
        assertThat(dead.get("orders")).extracting(JsonNode::asText).containsExactly(poison);
        assertThat(call("GET", "/orders/" + poison).body()).contains("\"status\":\"pending\"");
        assertThat(shop.deadLetteredOrders()).as("looking leaves it there").containsExactly(poison);
    }

    @Test
    void theTimelineIsTheLastDrillShownUntilARunbookRunsAfterIt() throws Exception {
        assertThat(call("GET", "/timeline.svg").statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(call("GET", "/status").body()).get("timeline").isNull()).isTrue();

        var moved = cloud.failover("aws");
        HttpResponse<String> svg = call("GET", "/timeline.svg");
        assertThat(svg.statusCode()).isEqualTo(200);
        assertThat(svg.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/svg+xml"));
        assertThat(svg.body()).startsWith("<svg ").contains("data-step=\"redirect\"");
        JsonNode first = JSON.readTree(call("GET", "/status").body()).get("timeline");
        assertThat(first.get("source").asText()).isEqualTo("runbook");
        assertThat(first.get("title").asText()).startsWith("failover azure \u2192 aws");

        dev.cloudhop.failover.drill.DrillReport drill = new dev.cloudhop.failover.drill.DrillReport("region-outage",
                "every service of azure <unavailable> & more", "azure", "aws", Duration.ofMillis(30), Duration.ofMillis(200), 0,
                10, 2, List.of(), List.of(moved), Map.of(), List.of(), Duration.ofSeconds(1));
        http.showDrill(drill);
        JsonNode second = JSON.readTree(call("GET", "/status").body()).get("timeline");
        assertThat(second.get("source").asText()).isEqualTo("drill");
        assertThat(second.get("key").asText()).isNotEqualTo(first.get("key").asText());
        assertThat(call("GET", "/timeline.svg").body()).contains("class=\"mark fault\"")
                .doesNotContain("<unavailable>");

        cloud.failback();
        JsonNode third = JSON.readTree(call("GET", "/status").body()).get("timeline");
        assertThat(third.get("source").asText()).as("a runbook after the drill is the newer failover").isEqualTo("runbook");
        assertThat(third.get("title").asText()).startsWith("failover aws \u2192 azure");
    }

    @Test
    void metricsAnswers404SayingWhyWhenTheFacadeHasNoPrometheusRegistry() throws Exception {
        HttpResponse<String> metrics = call("GET", "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(404);
        assertThat(metrics.body()).contains("no Prometheus metrics", "SimpleMeterRegistry",
                "FailoverCloudBuilder.meterRegistry(CommerceHttp.prometheusRegistry())");
    }

    @Test
    void orderingAnswers503WhileTheQueueIsDownAndTheCatalogStillServes() throws Exception {
        call("POST", "/carts/c2/items?product=p3&quantity=1");
        cloud.switchboard().inject("azure", Service.QUEUE, Fault.unavailable());
        cloud.probeNow();
        cloud.probeNow();
        HttpResponse<String> order = call("POST", "/orders?cart=c2");
        assertThat(order.statusCode()).isEqualTo(503);
        assertThat(order.body()).contains("ordering is temporarily unavailable");
        assertThat(call("GET", "/products").statusCode()).isEqualTo(200);
        HttpResponse<String> empty = call("POST", "/orders?cart=empty-cart");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(empty.body()).get("error").asText()).isEqualTo("cart empty-cart is empty");
    }
}
