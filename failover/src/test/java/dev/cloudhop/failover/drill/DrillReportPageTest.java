package dev.cloudhop.failover.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudhop.failover.RunbookReport;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The drill report page, parsed: it is well-formed XML as well as HTML, so an XML parser reads its structure. */
class DrillReportPageTest {

    static final String NASTY = "<script>alert('x')</script> & \"quoted\" </svg>";

    /** A region outage: fault at 1 s, detected 150 ms later, a runbook of three steps, calls failing for 0.3 s. */
    static DrillReport report() {
        RunbookReport runbook = new RunbookReport("azure", "aws", "azure down: " + NASTY, 2,
                Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMillis(400), true, 3, List.of(
                new RunbookReport.Step("fence", Duration.ofMillis(50), true, "epoch 2", Duration.ZERO),
                new RunbookReport.Step("switch-dns", Duration.ofMillis(200), true, "A " + NASTY, Duration.ofMillis(60)),
                new RunbookReport.Step("redirect", Duration.ofMillis(10), true, "clients -> aws", Duration.ofMillis(270))));
        List<Integer> calls = new ArrayList<>(Collections.nCopies(30, 10));
        List<Integer> failed = new ArrayList<>(Collections.nCopies(30, 0));
        failed.set(11, 4);
        failed.set(12, 10);
        failed.set(13, 7);
        return new DrillReport("region-outage", "every service of azure unavailable " + NASTY, "azure", "aws",
                Duration.ofMillis(150), Duration.ofMillis(480), 3, 300, 21, List.of("UnavailableException: " + NASTY),
                List.of(runbook), Map.of("ordersLost", 0L),
                List.of(new DrillReport.TimedEvent(Duration.ofMillis(1000), "FAULT " + NASTY),
                        new DrillReport.TimedEvent(Duration.ofMillis(2000), "CLEARED " + NASTY)),
                Duration.ofSeconds(3), Duration.ofMillis(1000), Duration.ofMillis(430), List.of(Duration.ofMillis(1160)),
                calls, failed);
    }

    static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    static NodeList nodes(Document doc, String xpath) throws Exception {
        return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
    }

    /** The whole drill's timeline (a close-up of the outage may follow it). */
    static final String FULL = "//*[local-name()='svg'][@class='drill-timeline']";
    static final String CLOSE_UP = "//*[local-name()='svg'][@class='drill-closeup']";

    static double x(Document doc, String markClass) throws Exception {
        return x(doc, FULL, markClass);
    }

    static double x(Document doc, String svg, String markClass) throws Exception {
        NodeList lines = nodes(doc, svg + "//*[local-name()='g'][@class='mark " + markClass + "']/*[local-name()='line']");
        assertThat(lines.getLength()).as("mark " + markClass).isEqualTo(1);
        return Double.parseDouble(((Element) lines.item(0)).getAttribute("x1"));
    }

    @Test
    void theTimelineShowsFaultDetectionStepsRedirectStripRtoAndRpoInTimeOrder() throws Exception {
        Document doc = parse(DrillReportPage.html(report()));

        assertThat(nodes(doc, FULL).getLength()).isEqualTo(1);
        double fault = x(doc, "fault");
        double detection = x(doc, "detection");
        double redirect = x(doc, "redirect");
        double rto = x(doc, "rto");
        double cleared = x(doc, "cleared");
        assertThat(fault).isLessThan(detection);
        assertThat(detection).isLessThan(redirect);
        assertThat(redirect).isLessThan(rto);
        assertThat(rto).isLessThan(cleared);
        assertThat(x(doc, "rpo")).as("the RPO is what had not reached the new site when clients moved").isEqualTo(redirect);
        assertThat(nodes(doc, FULL + "//*[@class='mark rto']/*[local-name()='text']").item(0).getTextContent()).isEqualTo("RTO 480 ms");
        assertThat(nodes(doc, FULL + "//*[@class='mark rpo']/*[local-name()='text']").item(0).getTextContent()).isEqualTo("RPO 3 writes");

        NodeList steps = nodes(doc, FULL + "//*[local-name()='rect'][@class='step']");
        assertThat(steps.getLength()).isEqualTo(3);
        List<String> names = new ArrayList<>();
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < steps.getLength(); i++) {
            Element e = (Element) steps.item(i);
            names.add(e.getAttribute("data-step"));
            starts.add(Double.parseDouble(e.getAttribute("x")));
            assertThat(Double.parseDouble(e.getAttribute("width"))).isPositive();
        }
        assertThat(names).containsExactly("fence", "switch-dns", "redirect");
        assertThat(starts).isSorted();
        assertThat(starts.get(0)).as("the runbook began after detection").isGreaterThan(detection);
        Element dns = (Element) steps.item(1);
        assertThat(Double.parseDouble(dns.getAttribute("width"))).as("200 ms of 3 s on the plot")
                .isCloseTo(200.0 / 3000 * 800, org.assertj.core.data.Offset.offset(1.0));

        NodeList buckets = nodes(doc, FULL + "//*[local-name()='g'][@class='strip']/*[local-name()='rect'][@class='bucket']");
        assertThat(buckets.getLength()).isEqualTo(30);
        int failed = 0;
        for (int i = 0; i < buckets.getLength(); i++) {
            failed += Integer.parseInt(((Element) buckets.item(i)).getAttribute("data-failed"));
        }
        assertThat(failed).isEqualTo(21);
        Element worst = (Element) buckets.item(12);
        assertThat(worst.getAttribute("data-failed")).isEqualTo("10");
        assertThat(Double.parseDouble(worst.getAttribute("height"))).isGreaterThan(
                Double.parseDouble(((Element) buckets.item(11)).getAttribute("height")));
        assertThat(Double.parseDouble(((Element) buckets.item(0)).getAttribute("height"))).as("no failure, no red").isZero();
    }

    @Test
    void aShortOutageInALongDrillIsShownCloseUpToo() throws Exception {
        Document doc = parse(DrillReportPage.html(report()));

        assertThat(nodes(doc, CLOSE_UP).getLength()).isEqualTo(1);
        for (String mark : List.of("fault", "detection", "redirect", "rto", "rpo")) {
            assertThat(nodes(doc, CLOSE_UP + "//*[@class='mark " + mark + "']").getLength()).as(mark).isEqualTo(1);
        }
        assertThat(nodes(doc, CLOSE_UP + "//*[@class='mark cleared']").getLength()).as("cleared after the close-up's end").isZero();
        assertThat(x(doc, CLOSE_UP, "rto") - x(doc, CLOSE_UP, "fault")).as("the outage drawn wider than in the whole view")
                .isGreaterThan(2 * (x(doc, "rto") - x(doc, "fault")));
        assertThat(nodes(doc, CLOSE_UP + "//*[local-name()='rect'][@class='step']").getLength()).isEqualTo(3);
        NodeList buckets = nodes(doc, CLOSE_UP + "//*[local-name()='rect'][@class='bucket']");
        int failed = 0;
        for (int i = 0; i < buckets.getLength(); i++) {
            failed += Integer.parseInt(((Element) buckets.item(i)).getAttribute("data-failed"));
        }
        assertThat(failed).as("every failed call fell within the close-up").isEqualTo(21);
        assertThat(buckets.getLength()).as("only the buckets of the close-up's time").isLessThan(30);

        DrillReport r = report();
        DrillReport longOutage = new DrillReport(r.scenario(), r.description(), r.siteBefore(), r.siteAfter(), r.detection(),
                Duration.ofMillis(1900), r.rpoWrites(), r.calls(), r.failedCalls(), r.sampleErrors(), r.runbooks(), r.workload(),
                r.timeline(), r.took(), r.faultAt(), r.redirect(), r.runbookStarts(), r.callsPer100ms(), r.failedCallsPer100ms());
        assertThat(DrillReportPage.closeUp(longOutage)).as("an outage of most of the drill needs no close-up").isEmpty();
    }

    @Test
    void theTableBeneathHoldsEveryFieldOfTheJsonReportInOrder() throws Exception {
        DrillReport report = report();
        Document doc = parse(DrillReportPage.html(report));

        List<String> jsonFields = new ArrayList<>();
        new ObjectMapper().readTree(report.toJson()).fieldNames().forEachRemaining(jsonFields::add);
        NodeList rows = nodes(doc, "//*[local-name()='section']/*[local-name()='table'][@class='report']/*/*[@data-field]"
                + " | //*[local-name()='section']/*[local-name()='table'][@class='report']/*[@data-field]");
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < rows.getLength(); i++) {
            shown.add(((Element) rows.item(i)).getAttribute("data-field"));
        }
        assertThat(shown).isEqualTo(jsonFields).contains("failedCallsPer100ms", "callsPer100ms", "runbookStartsMs");
        String rto = nodes(doc, "//*[@data-field='rtoMs']/*[local-name()='td']").item(0).getTextContent();
        assertThat(rto).isEqualTo("480.0");
        NodeList stepRows = nodes(doc, "//*[@data-field='runbooks']//*[local-name()='table'][@class='rows']");
        assertThat(stepRows.getLength()).as("the runbooks and their steps as tables").isGreaterThanOrEqualTo(2);
    }

    @Test
    void textIsEscapedAndThePageLoadsNothing() throws Exception {
        String html = DrillReportPage.html(report());
        Document doc = parse(html);

        assertThat(nodes(doc, "//*[local-name()='script']").getLength()).as("report text never becomes markup").isZero();
        assertThat(doc.getDocumentElement().getTextContent()).contains(NASTY);
        assertThat(nodes(doc, "//*[local-name()='link' or local-name()='img' or local-name()='iframe' or local-name()='object']")
                .getLength()).isZero();
        assertThat(nodes(doc, "//@src").getLength()).isZero();
        NodeList hrefs = nodes(doc, "//@href");
        for (int i = 0; i < hrefs.getLength(); i++) {
            assertThat(hrefs.item(i).getNodeValue()).startsWith("#");
        }
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http:", "https:", "url(", "@import");
    }

    @Test
    void oneFileHoldsEveryReportOfARunEachInItsSection(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/drills.html");
        DrillReport second = report();

        DrillReportPage.write(List.of(report(), second), file);

        Document doc = parse(Files.readString(file));
        assertThat(nodes(doc, "//*[local-name()='section'][@class='drill']").getLength()).isEqualTo(2);
        assertThat(nodes(doc, FULL).getLength()).isEqualTo(2);
        assertThat(nodes(doc, "//*[local-name()='a'][@href='#drill-2']").getLength()).isEqualTo(1);
        DrillReportPage.write(second, dir.resolve("one.html"));
        assertThat(Files.readString(dir.resolve("one.html"))).isEqualTo(DrillReportPage.html(second));
    }

    @Test
    void aReportWithoutTimingDetailStillRendersAndSaysWhatIsMissing() throws Exception {
        DrillReport old = new DrillReport("network-latency", "slow", "azure", "azure", null, Duration.ZERO, 0, 10, 0,
                List.of(), List.of(report().runbooks().get(0)), Map.of(), List.of(new DrillReport.TimedEvent(Duration.ofMillis(200),
                "FAULT slow")), Duration.ofSeconds(1));

        Document doc = parse(DrillReportPage.html(old));

        assertThat(old.faultAt()).isEqualTo(Duration.ofMillis(200));
        assertThat(nodes(doc, FULL + "//*[@class='mark fault']").getLength()).isEqualTo(1);
        assertThat(nodes(doc, FULL + "//*[@class='mark detection']").getLength()).as("never detected").isZero();
        assertThat(nodes(doc, FULL + "//*[@class='step']").getLength()).isZero();
        assertThat(nodes(doc, FULL + "//*[@class='strip']").getLength()).isZero();
        assertThat(nodes(doc, FULL + "//*[@class='caption']").item(0).getTextContent()).contains("not recorded");
    }

    @Test
    void aRunbookAloneIsDrawnOnItsOwnTime() throws Exception {
        String svg = DrillReportPage.svg(report().runbooks().get(0));

        Document doc = parse(svg);
        assertThat(nodes(doc, "//*[@class='step']").getLength()).isEqualTo(3);
        assertThat(nodes(doc, "//*[@class='mark redirect']").getLength()).isEqualTo(1);
        assertThat(nodes(doc, "//*[@class='mark fault']").getLength()).as("only a drill knows the fault").isZero();
    }

    @Test
    void badInputGetsAClearError(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> DrillReportPage.html(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no drill reports");
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> DrillReportPage.write(report(), file.resolve("page.html")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(file.resolve("page.html").toString());
        DrillReport r = report();
        assertThatThrownBy(() -> new DrillReport(r.scenario(), r.description(), r.siteBefore(), r.siteAfter(), r.detection(),
                r.rto(), r.rpoWrites(), r.calls(), r.failedCalls(), r.sampleErrors(), r.runbooks(), r.workload(), r.timeline(),
                r.took(), r.faultAt(), r.redirect(), r.runbookStarts(), List.of(1, 2), List.of(0, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket 1 has 3 failed of 2 calls");
        assertThatThrownBy(() -> new DrillReport(r.scenario(), r.description(), r.siteBefore(), r.siteAfter(), r.detection(),
                r.rto(), r.rpoWrites(), r.calls(), r.failedCalls(), r.sampleErrors(), r.runbooks(), r.workload(), r.timeline(),
                r.took(), r.faultAt(), r.redirect(), List.of(Duration.ZERO, Duration.ZERO), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one per runbook");
    }
}
