package dev.cloudhop.samples.commerce;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.failover.RunbookReport;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.drill.DrillReportPage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The shop's small HTTP API and web page, on a loopback port:
 * <ul>
 *   <li>{@code GET /} the page: the catalog, a cart, and the live state (the active site, health per site and
 *   service, and the last failover's timeline), refreshed every second by a small inline script polling
 *   {@code /status}; the page loads nothing from elsewhere</li>
 *   <li>{@code GET /status} active site, health, capabilities, the dead-lettered orders and which timeline
 *   {@code /timeline.svg} shows (JSON)</li>
 *   <li>{@code GET /timeline.svg}: the last failover's timeline ({@link DrillReportPage}'s SVG): the last drill shown
 *   with {@link #showDrill}, or a runbook that ran after it (a failover outside a drill, drawn from its own report);
 *   404 before any</li>
 *   <li>{@code GET /products}, {@code GET /products/{id}}</li>
 *   <li>{@code POST /carts/{cart}/items?product=p1&quantity=2}, {@code GET /carts/{cart}}</li>
 *   <li>{@code POST /orders?cart={cart}}: 202 with the order id, or 503 "ordering is temporarily unavailable"</li>
 *   <li>{@code GET /orders/{id}}: processed or pending</li>
 *   <li>{@code GET /metrics}: the failover facade's meters in the Prometheus text format (0.0.4), when the shop's
 *   {@link dev.cloudhop.failover.FailoverCloud} was built with a {@link PrometheusMeterRegistry} (alone or in a
 *   composite registry, see {@link #prometheusRegistry()}); otherwise 404 saying so</li>
 * </ul>
 */
public final class CommerceHttp implements AutoCloseable {

    /** The content type of {@code /metrics}: Prometheus text exposition format 0.0.4. */
    static final String METRICS_TYPE = "text/plain; version=0.0.4";

    private final HttpServer server;
    private final Commerce shop;
    private final Optional<PrometheusMeterRegistry> prometheus;
    /** The last drill shown, and how many runbooks the facade had run when it was: a later runbook is newer news. */
    private volatile ShownDrill lastDrill;

    private record ShownDrill(DrillReport report, int runbooksThen, long seq) {
    }

    /**
     * What {@code /timeline.svg} draws: a drill's report or a runbook's, under a key that changes with it; drawn only
     * when asked for ({@code /status} needs the key, not the drawing).
     */
    private record Timeline(String key, String source, String title, java.util.function.Supplier<String> svg) {
    }

    /**
     * A registry for {@link dev.cloudhop.failover.FailoverCloudBuilder#meterRegistry} that {@code /metrics} serves:
     * {@code FailoverCloud.open(config, b -> b.meterRegistry(CommerceHttp.prometheusRegistry()))}.
     */
    public static PrometheusMeterRegistry prometheusRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** Starts on {@code port} of the loopback interface (0 for a free one). */
    public CommerceHttp(Commerce shop, int port) {
        this.shop = shop;
        this.prometheus = prometheus(shop.cloud().meters());
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "shop-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Shows {@code report} as the page's last failover timeline, until another drill is shown or a runbook runs
     * after it. Thread-safe.
     */
    public void showDrill(DrillReport report) {
        ShownDrill before = lastDrill;
        lastDrill = new ShownDrill(java.util.Objects.requireNonNull(report, "report"), shop.cloud().failovers().size(),
                before == null ? 1 : before.seq() + 1);
    }

    /** Where it listens. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            try {
                if (path.equals("/") && method.equals("GET")) {
                    send(ex, 200, "text/html", PAGE);
                } else if (path.equals("/timeline.svg") && method.equals("GET")) {
                    Optional<Timeline> timeline = timeline();
                    if (timeline.isPresent()) {
                        send(ex, 200, "image/svg+xml", timeline.get().svg().get());
                    } else {
                        send(ex, 404, "text/plain", "no failover or drill yet");
                    }
                } else if (path.equals("/metrics") && method.equals("GET")) {
                    metrics(ex);
                } else if (path.equals("/status")) {
                    send(ex, 200, "application/json", status());
                } else if (path.equals("/products")) {
                    send(ex, 200, "application/json", ShopJson.write(shop.products()));
                } else if (path.startsWith("/products/")) {
                    var p = shop.product(path.substring("/products/".length()));
                    if (p.isPresent()) {
                        send(ex, 200, "application/json", p.get().toJson());
                    } else {
                        send(ex, 404, "text/plain", "no such product");
                    }
                } else if (path.matches("/carts/[\\w-]+/items") && method.equals("POST")) {
                    String cart = path.split("/")[2];
                    var lines = shop.addToCart(cart, query.getOrDefault("product", ""),
                            Integer.parseInt(query.getOrDefault("quantity", "1")));
                    send(ex, 200, "application/json", ShopJson.write(lines));
                } else if (path.matches("/carts/[\\w-]+")) {
                    send(ex, 200, "application/json", ShopJson.write(shop.cart(path.split("/")[2])));
                } else if (path.equals("/orders") && method.equals("POST")) {
                    String id = shop.checkout(query.getOrDefault("cart", ""));
                    send(ex, 202, "application/json", order(id, "accepted"));
                } else if (path.startsWith("/orders/")) {
                    String id = path.substring("/orders/".length());
                    send(ex, 200, "application/json", order(id, shop.status(id)));
                } else {
                    send(ex, 404, "text/plain", "not found");
                }
            } catch (OrderingUnavailableException e) {
                send(ex, 503, "application/json", error(e.getMessage()));
            } catch (IllegalArgumentException e) {
                send(ex, 400, "application/json", error(e.getMessage()));
            } catch (CloudException e) {
                send(ex, 503, "application/json", error(e.getClass().getSimpleName()));
            }
        }
    }

    /** The facade's meters for a Prometheus scrape, or 404 naming why there are none. */
    private void metrics(HttpExchange ex) throws IOException {
        if (prometheus.isPresent()) {
            sendTyped(ex, 200, METRICS_TYPE + "; charset=utf-8", prometheus.get().scrape());
        } else {
            send(ex, 404, "text/plain", "no Prometheus metrics: the shop's FailoverCloud was built with a "
                    + shop.cloud().meters().getClass().getSimpleName() + ", not a PrometheusMeterRegistry; build it with "
                    + "FailoverCloudBuilder.meterRegistry(CommerceHttp.prometheusRegistry()) to serve /metrics\n");
        }
    }

    /** {@code registry} itself, or the first Prometheus registry of a composite one. */
    private static Optional<PrometheusMeterRegistry> prometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry p) {
            return Optional.of(p);
        }
        if (registry instanceof CompositeMeterRegistry c) {
            return c.getRegistries().stream().map(CommerceHttp::prometheus).flatMap(Optional::stream).findFirst();
        }
        return Optional.empty();
    }

    /** The last failover's timeline: the last drill shown, unless a runbook ran since; empty before either. */
    private Optional<Timeline> timeline() {
        List<RunbookReport> runs = shop.cloud().failovers();
        ShownDrill drill = lastDrill;
        if (drill != null && runs.size() <= drill.runbooksThen()) {
            DrillReport r = drill.report();
            return Optional.of(new Timeline("drill-" + drill.seq(), "drill", "drill " + r.scenario() + ": " + r.description()
                    + "; active site " + r.siteBefore() + " \u2192 " + r.siteAfter() + ", RTO " + r.rto().toMillis() + " ms, RPO "
                    + r.rpoWrites() + " writes, " + r.failedCalls() + " of " + r.calls() + " client calls failed",
                    () -> DrillReportPage.svg(r)));
        }
        if (runs.isEmpty()) {
            return Optional.empty();
        }
        RunbookReport last = runs.get(runs.size() - 1);
        return Optional.of(new Timeline("runbook-" + runs.size(), "runbook", "failover " + last.from() + " \u2192 " + last.to()
                + (last.ok() ? " completed" : " FAILED") + " in " + last.took().toMillis() + " ms (" + last.reason() + "), started "
                + last.started(), () -> DrillReportPage.svg(last)));
    }

    /**
     * {@code {"active", "epoch", "ordering", "health": {site: {service: up}}, "deadLettered": {"count", "orders":
     * [id]}, "timeline": {"key", "source", "title"} or null}}, and with backup {@code "backup": {"site", "pending",
     * "lagMillis", "latestRestorable"}}; {@code "deadLettered"} holds an {@code "error"} instead while the queue cannot
     * be read. {@code timeline.key} changes whenever {@code /timeline.svg} draws something else; {@code source} is
     * {@code drill} or {@code runbook}.
     */
    private String status() {
        ObjectNode json = ShopJson.object().put("active", shop.cloud().activeSite()).put("epoch", shop.cloud().epoch())
                .put("ordering", shop.ordering().message());
        ObjectNode health = json.putObject("health");
        for (var site : shop.cloud().health().snapshot().entrySet()) {
            ObjectNode services = health.putObject(site.getKey());
            for (Service s : Service.values()) {
                services.put(s.key(), site.getValue().get(s));
            }
        }
        shop.cloud().backup().map(b -> b.status()).ifPresent(b -> json.putObject("backup").put("site", b.site())
                .put("pending", b.pending()).put("lagMillis", b.lag().toMillis())
                .put("latestRestorable", b.latestRestorable().toString()));
        Optional<Timeline> timeline = timeline();
        if (timeline.isPresent()) {
            json.putObject("timeline").put("key", timeline.get().key()).put("source", timeline.get().source())
                    .put("title", timeline.get().title());
        } else {
            json.putNull("timeline");
        }
        ObjectNode deadLettered = json.putObject("deadLettered");
        try {
            List<String> dead = shop.deadLetteredOrders();
            deadLettered.put("count", dead.size());
            dead.forEach(deadLettered.putArray("orders")::add);
        } catch (CloudException e) {
            deadLettered.put("error", e.getClass().getSimpleName()); // the rest of the status still answers
        }
        return ShopJson.write(json);
    }

    private static String order(String id, String status) {
        return ShopJson.write(ShopJson.object().put("order", id).put("status", status));
    }

    private static String error(String message) {
        return ShopJson.write(ShopJson.object().put("error", message));
    }

    private static Map<String, String> query(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        return java.util.Arrays.stream(raw.split("&")).map(kv -> kv.split("=", 2))
                .collect(Collectors.toMap(kv -> decode(kv[0]), kv -> kv.length > 1 ? decode(kv[1]) : "", (a, b) -> b));
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        sendTyped(ex, status, type + "; charset=utf-8", body);
    }

    private static void sendTyped(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static final String PAGE = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Cloudhop shop</title><link rel="icon" href="data:,">
            <style>body{font-family:sans-serif;max-width:1040px;margin:2em auto;padding:0 1em}li{margin:.3em 0}
            #status{background:#f4f4f4;padding:.6em;font-family:monospace;white-space:pre-wrap;font-size:.85em}
            #live{border:1px solid #ccc;border-radius:6px;padding:.2em 1em 1em}
            #active-site{font-size:1.4em;color:#1565c0}
            #health{border-collapse:collapse;margin:.5em 0}#health th,#health td{border:1px solid #ddd;padding:3px 10px;text-align:center}
            #health td.up{background:#e8f5e9;color:#2e7d32}#health td.down{background:#ffebee;color:#c62828;font-weight:bold}
            #health tr.active th{color:#1565c0}
            #timeline svg{max-width:100%;height:auto;border:1px solid #ddd}#timeline-title{font-size:.9em;color:#333}</style></head>
            <body><h1>Cloudhop shop</h1>
            <p>One application, three sites; it keeps selling when a site fails.</p>
            <h2>Catalog</h2><ul id="products"></ul>
            <h2>Order</h2><p id="order">Add a product to your cart, then check out.</p>
            <button onclick="checkout()">Check out</button>
            <section id="live"><h2>Live state</h2>
            <p>Active site: <strong id="active-site">?</strong> (epoch <span id="epoch">?</span>) &middot; <span id="ordering"></span></p>
            <table id="health"><thead></thead><tbody></tbody></table>
            <h3>Last failover</h3><p id="timeline-title">none yet</p><div id="timeline"></div>
            <p id="updated"></p></section>
            <h2>Status</h2><div id="status"></div>
            <script>
            const cart = 'web-' + Math.random().toString(36).slice(2, 8);
            let timelineKey = null;
            async function load() {
              const products = await (await fetch('/products')).json();
              document.getElementById('products').innerHTML = products.map(p =>
                `<li>${p.name} — ${(p.priceCents / 100).toFixed(2)} <button onclick="add('${p.id}')">add</button></li>`).join('');
              refresh();
            }
            async function add(id) {
              const lines = await (await fetch(`/carts/${cart}/items?product=${id}&quantity=1`, {method: 'POST'})).json();
              document.getElementById('order').textContent = 'Cart: ' + JSON.stringify(lines);
            }
            async function checkout() {
              const r = await fetch(`/orders?cart=${cart}`, {method: 'POST'});
              document.getElementById('order').textContent = (r.ok ? 'Order accepted: ' : 'Sorry: ') + await r.text();
            }
            function cell(row, tag, text, cls) {
              const c = document.createElement(tag);
              c.textContent = text;
              if (cls) c.className = cls;
              row.appendChild(c);
              return c;
            }
            function showHealth(s) {
              const sites = Object.keys(s.health);
              const services = sites.length ? Object.keys(s.health[sites[0]]) : [];
              const head = document.createElement('tr');
              cell(head, 'th', 'site');
              services.forEach(v => cell(head, 'th', v));
              document.querySelector('#health thead').replaceChildren(head);
              document.querySelector('#health tbody').replaceChildren(...sites.map(site => {
                const row = document.createElement('tr');
                row.dataset.site = site;
                if (site === s.active) row.className = 'active';
                cell(row, 'th', site === s.active ? site + ' (active)' : site);
                services.forEach(v => {
                  const up = s.health[site][v];
                  const c = cell(row, 'td', up ? 'up' : 'down', up ? 'up' : 'down');
                  c.dataset.service = v;
                });
                return row;
              }));
            }
            async function showTimeline(t) {
              if (!t) {
                timelineKey = null;
                document.getElementById('timeline-title').textContent = 'none yet';
                document.getElementById('timeline').replaceChildren();
                return;
              }
              if (t.key === timelineKey) return;
              const r = await fetch('/timeline.svg');
              if (!r.ok) return; // replaced meanwhile: the next refresh fetches the new one
              // the server escapes every text it draws, so its SVG is markup the page can take as it is
              document.getElementById('timeline').innerHTML = await r.text();
              document.getElementById('timeline-title').textContent = t.title;
              timelineKey = t.key;
            }
            async function refresh() {
              try {
                const s = await (await fetch('/status')).json();
                document.getElementById('active-site').textContent = s.active;
                document.getElementById('epoch').textContent = s.epoch;
                document.getElementById('ordering').textContent = s.ordering;
                showHealth(s);
                await showTimeline(s.timeline);
                document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
                document.getElementById('status').textContent = JSON.stringify(s, null, 1);
              } catch (e) {
                document.getElementById('updated').textContent = 'the shop does not answer: ' + e.message;
              }
            }
            load(); setInterval(refresh, 1000);
            </script></body></html>
            """;
}
