package dev.cloudhop.samples.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.RunbookReport;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.drill.DrillReportPage;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.testing.FreePorts;
import dev.cloudhop.testing.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shop page's live state in headless Chromium, against the facade: the active site, health per site and service,
 * and the last failover's timeline, as the page's own script shows them; and the drill's report page
 * ({@link DrillReportPage}) of the shop's own drill. Screenshots go to {@code target/pages/}, and the shop page's and
 * the report page's first screen also to the directory named by {@code -Dcloudhop.screenshots=DIR} (how
 * {@code docs/shop-page.png} and {@code docs/drill-report.png} are made:
 * {@code mvn -pl samples test -Dtest=CommerceLivePageTest -Dcloudhop.screenshots=$PWD/docs}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommerceLivePageTest {

    private static final Duration SHOWN = Duration.ofSeconds(10);

    private FailoverCloud cloud;
    private Commerce shop;
    private CommerceHttp http;

    @BeforeEach
    void start() {
        HeadlessChromium.requireInstalled();
        cloud = FailoverCloud.open(Path.of("demo.conf"));
        // as the demo does: the authoritative zone the runbook's switch-dns step updates
        cloud.config().dns().ifPresent(d -> d.sites().forEach(s -> cloud.rawSite(s).dns().createZone(d.zone())));
        shop = new Commerce(cloud);
        shop.setUp(Commerce.sampleCatalog());
        shop.startWorkers(1);
        http = new CommerceHttp(shop, FreePorts.find());
    }

    @AfterEach
    void stop() {
        http.close();
        shop.close();
        cloud.close();
    }

    @Test
    void afterAFailoverThePageNamesTheNewActiveSiteItsHealthAndTheRunbook() throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.start(1100, 900)) {
            chromium.open(http.uri());
            chromium.await("the active site azure", SHOWN, () -> "azure".equals(text(chromium, "#active-site")));
            assertThat(healthShown(chromium)).isEqualTo(healthOf(cloud));
            assertThat(text(chromium, "#timeline-title")).isEqualTo("none yet");

            RunbookReport moved = cloud.failover("aws");
            assertThat(moved.ok()).isTrue();
            cloud.switchboard().inject("azure", Service.QUEUE, Fault.unavailable());
            cloud.probeNow();
            cloud.probeNow();
            assertThat(cloud.health().snapshot().get("azure").get(Service.QUEUE)).as("the facade sees azure's queues down").isFalse();

            chromium.await("the new active site aws", SHOWN, () -> "aws".equals(text(chromium, "#active-site")));
            chromium.await("azure's queues down", SHOWN, () -> healthShown(chromium).equals(healthOf(cloud)));
            chromium.await("the failover's timeline", SHOWN, () -> count(chromium, "#timeline svg rect.step") > 0);
            assertThat(text(chromium, "#epoch")).isEqualTo(String.valueOf(cloud.epoch()));
            assertThat(text(chromium, "#health tr.active th")).isEqualTo("aws (active)");
            assertThat(text(chromium, "#timeline-title")).startsWith("failover azure \u2192 aws completed");
            assertThat(count(chromium, "#timeline svg rect.step")).isEqualTo(moved.steps().size());
            assertThat(count(chromium, "#timeline svg rect.step[data-ok='false']")).as("every step succeeded").isZero();
            assertThat(count(chromium, "#timeline svg rect.step[data-step='redirect']")).isEqualTo(1);
            assertThat(count(chromium, "#timeline svg g.mark.redirect")).isEqualTo(1);

            assertThat((Boolean) chromium.script("return performance.getEntriesByType('resource')"
                    + ".every(e => e.name.startsWith(location.origin + '/'))")).as("the page loads only from the shop").isTrue();
            shot(chromium, "shop-page-failover.png");
            assertThat(chromium.consoleErrors()).as("browser console errors").isEmpty();
        }
    }

    @Test
    void afterADrillThePageShowsTheDrillsTimeline() throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.start(1100, 1250)) {
            chromium.open(http.uri());
            chromium.await("the active site azure", SHOWN, () -> "azure".equals(text(chromium, "#active-site")));

            OrderTraffic traffic = new OrderTraffic(shop, Long.MAX_VALUE, Duration.ofSeconds(10));
            DrillReport report = Drill.run(cloud, Drill.Scenario.regionOutage("azure"), traffic,
                    new Drill.Options(3, Duration.ofMillis(10), Duration.ofMillis(800), Duration.ofMillis(1500),
                            Duration.ofMillis(800), false));
            http.showDrill(report);
            assertThat(report.siteAfter()).isEqualTo("aws");

            chromium.await("the drill's timeline", SHOWN, () -> count(chromium, "#timeline svg g.mark.fault") == 1);
            assertThat(text(chromium, "#timeline-title")).startsWith("drill region-outage");
            for (String mark : new String[] {"detection", "redirect", "rto", "rpo"}) {
                assertThat(count(chromium, "#timeline svg g.mark." + mark)).as("mark " + mark).isEqualTo(1);
            }
            assertThat(count(chromium, "#timeline svg rect.step")).isEqualTo(report.runbooks().get(0).steps().size());
            assertThat(count(chromium, "#timeline svg g.strip rect.bucket")).isPositive();
            chromium.await("the new active site aws", SHOWN, () -> "aws".equals(text(chromium, "#active-site")));
            chromium.await("the facade's health", SHOWN, () -> healthShown(chromium).equals(healthOf(cloud)));

            HeadlessChromium.Screenshot shot = shot(chromium, "shop-page.png");
            assertThat(shot.height()).as("the whole page").isGreaterThan(900);
            assertThat(chromium.consoleErrors()).as("browser console errors").isEmpty();
            docs(chromium, "shop-page.png");

            Path page = Path.of("target", "pages", "drill-report.html");
            DrillReportPage.write(report, page);
            chromium.open(page);
            for (String mark : new String[] {"fault", "detection", "redirect", "rto", "rpo"}) {
                assertThat(count(chromium, "svg.drill-timeline g.mark." + mark)).as("report page mark " + mark).isEqualTo(1);
            }
            assertThat(count(chromium, "svg.drill-timeline rect.step")).isEqualTo(report.runbooks().get(0).steps().size());
            assertThat(((Number) chromium.script("return [...document.querySelectorAll('svg.drill-timeline rect.bucket')]"
                    + ".reduce((n, r) => n + Number(r.dataset.failed), 0)")).intValue()).isEqualTo(report.failedCalls());
            shot(chromium, "drill-report.png");
            assertThat(chromium.consoleErrors()).as("browser console errors on the report page").isEmpty();
            docs(chromium, "drill-report.png");
            chromium.open(http.uri());

            cloud.failback();
            chromium.await("a runbook after the drill replacing its timeline", SHOWN,
                    () -> text(chromium, "#timeline-title").startsWith("failover aws \u2192 azure"));
            chromium.await("the active site azure again", SHOWN, () -> "azure".equals(text(chromium, "#active-site")));
            assertThat(chromium.consoleErrors()).as("browser console errors").isEmpty();
        }
    }

    private static HeadlessChromium.Screenshot shot(HeadlessChromium chromium, String name) throws Exception {
        HeadlessChromium.Screenshot shot = chromium.screenshot(Path.of("target", "pages", name));
        assertThat(shot.width()).isGreaterThanOrEqualTo(1000);
        assertThat(shot.colors()).as("not blank").isGreaterThan(20);
        assertThat(shot.nonWhiteShare()).isGreaterThan(0.02);
        return shot;
    }

    /** The window's screenshot (what a reader sees first) into {@code -Dcloudhop.screenshots}, when given. */
    private static void docs(HeadlessChromium chromium, String name) throws Exception {
        String docs = System.getProperty("cloudhop.screenshots");
        if (docs != null && !docs.isBlank()) {
            Files.createDirectories(Path.of(docs));
            Files.write(Path.of(docs, name), chromium.screenshot(null, false).png());
        }
    }

    /** site -> service -> "up"/"down", as the facade has it. */
    private static Map<String, Map<String, String>> healthOf(FailoverCloud cloud) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        cloud.health().snapshot().forEach((site, services) -> {
            Map<String, String> m = new LinkedHashMap<>();
            services.forEach((s, up) -> m.put(s.key(), up ? "up" : "down"));
            out.put(site, m);
        });
        return out;
    }

    /** site -> service -> cell text, as the page shows it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> healthShown(HeadlessChromium chromium) {
        Object shown = chromium.script("const out = {};"
                + " document.querySelectorAll('#health tbody tr').forEach(r => { out[r.dataset.site] = {};"
                + " r.querySelectorAll('td').forEach(c => out[r.dataset.site][c.dataset.service] = c.textContent); });"
                + " return out;");
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        ((Map<String, Map<String, String>>) shown).forEach((site, services) -> out.put(site, new LinkedHashMap<>(services)));
        return out;
    }

    private static String text(HeadlessChromium chromium, String css) {
        return (String) chromium.script("const e = document.querySelector(arguments[0]); return e ? e.textContent : null", css);
    }

    private static int count(HeadlessChromium chromium, String css) {
        return ((Number) chromium.script("return document.querySelectorAll(arguments[0]).length", css)).intValue();
    }
}
