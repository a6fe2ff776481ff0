package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.drill.DrillReportPage;
import dev.cloudhop.testing.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real drill's report page, rendered by headless Chromium: the SVG timeline's parts are in the rendered DOM with a
 * size, the page loads nothing, the console stays clean, and the screenshot shows something. The screenshot is written
 * to {@code target/pages/} (the samples' {@code CommerceLivePageTest} makes the one in {@code docs/}, from the commerce
 * application's drill).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DrillReportPageBrowserTest {

    @Test
    void aRegionOutageDrillsPageRendersItsTimelineInChromium() throws Exception {
        HeadlessChromium.requireInstalled();
        DrillReport report;
        try (Fixture f = new Fixture(); FailoverCloud cloud = FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).build()) {
            cloud.blobs().createContainer("drill");
            Drill.Workload writes = (client, seq) -> cloud.blobs().put(BlobId.of("drill", "c" + client + "-" + seq),
                    BlobContent.ofUtf8("order " + seq));
            report = Drill.run(cloud, Drill.Scenario.regionOutage("azure"), writes,
                    new Drill.Options(4, Duration.ofMillis(10), Duration.ofMillis(600), Duration.ofMillis(1500),
                            Duration.ofMillis(600), true));
        }
        assertThat(report.runbooks()).as("a failover and a failback").hasSize(2);
        Path page = Path.of("target", "pages", "drill-report.html");
        DrillReportPage.write(report, page);

        try (HeadlessChromium chromium = HeadlessChromium.start(1100, 900)) {
            chromium.open(page);

            for (String mark : List.of("fault", "cleared", "detection", "redirect", "rto", "rpo")) {
                assertThat(count(chromium, "svg.drill-timeline g.mark." + mark)).as("mark " + mark).isEqualTo(1);
                assertThat(width(chromium, "svg.drill-timeline g.mark." + mark + " text")).as("label of " + mark).isPositive();
            }
            int steps = report.runbooks().stream().mapToInt(r -> r.steps().size()).sum();
            assertThat(count(chromium, "svg.drill-timeline rect.step")).isEqualTo(steps);
            Object unseen = chromium.script("return [...document.querySelectorAll('svg.drill-timeline rect.step')]"
                    + ".filter(r => r.getBoundingClientRect().width <= 0 || r.getBoundingClientRect().height <= 0).length");
            assertThat(((Number) unseen).intValue()).as("every step bar is drawn with a size").isZero();
            Object failedShown = chromium.script("return [...document.querySelectorAll('svg.drill-timeline g.strip rect.bucket')]"
                    + ".reduce((n, r) => n + Number(r.dataset.failed), 0)");
            assertThat(((Number) failedShown).intValue()).as("the strip holds every failed call").isEqualTo(report.failedCalls());
            assertThat(count(chromium, "svg.drill-timeline g.strip rect.bucket")).isPositive();
            int closeUps = DrillReportPage.closeUp(report).isPresent() ? 1 : 0;
            assertThat(count(chromium, "svg.drill-closeup")).isEqualTo(closeUps);
            assertThat(count(chromium, "svg.drill-closeup g.mark.fault")).isEqualTo(closeUps);
            List<String> fields = new ArrayList<>();
            new ObjectMapper().readTree(report.toJson()).fieldNames().forEachRemaining(fields::add);
            assertThat(count(chromium, "section.drill > table.report > tbody > tr[data-field]")).isEqualTo(fields.size());
            assertThat(((Number) chromium.script("return document.scripts.length + performance.getEntriesByType('resource').length"))
                    .intValue()).as("no script, and nothing loaded beyond the file").isZero();

            HeadlessChromium.Screenshot shot = chromium.screenshot(page.resolveSibling("drill-report.png"));
            assertThat(shot.width()).isGreaterThanOrEqualTo(1000);
            assertThat(shot.height()).as("the whole page, timeline and table").isGreaterThan(900);
            assertThat(shot.colors()).as("not blank: text, bars, marks").isGreaterThan(20);
            assertThat(shot.nonWhiteShare()).isGreaterThan(0.02);
            assertThat(chromium.consoleErrors()).as("browser console errors").isEmpty();
        }
    }

    private static int count(HeadlessChromium chromium, String css) {
        return ((Number) chromium.script("return document.querySelectorAll(arguments[0]).length", css)).intValue();
    }

    private static double width(HeadlessChromium chromium, String css) {
        return ((Number) chromium.script("const e = document.querySelector(arguments[0]);"
                + " return e ? e.getBoundingClientRect().width : 0", css)).doubleValue();
    }
}
