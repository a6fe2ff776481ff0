package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudhop.failover.drill.DrillReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of {@link RunbookReport} and {@link DrillReport}, read back by a real JSON parser. */
class ReportJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AWKWARD = "say \"hi\" \\ back\nslash\ttab \u0001 Zürich 東京 \uD83D\uDE80";

    private static RunbookReport runbook(String detail) {
        return new RunbookReport("azure", "aws", AWKWARD, 7, Instant.parse("2024-05-01T10:15:30.123Z"),
                Duration.ofNanos(1_234_567_890L), true, 3,
                List.of(new RunbookReport.Step("fence", Duration.ofMillis(12), true, "epoch 7", Duration.ofMillis(3)),
                        new RunbookReport.Step("provision", Duration.ofNanos(45_678_901L), false, detail, Duration.ofMillis(15))));
    }

    @Test
    void runbookReportParsesWithItsFieldsAndKeepsSpecialCharacters() throws Exception {
        JsonNode json = JSON.readTree(runbook(AWKWARD).toJson());

        assertThat(json.get("from").asText()).isEqualTo("azure");
        assertThat(json.get("to").asText()).isEqualTo("aws");
        assertThat(json.get("reason").asText()).isEqualTo(AWKWARD);
        assertThat(json.get("epoch").asLong()).isEqualTo(7);
        assertThat(json.get("started").asText()).isEqualTo("2024-05-01T10:15:30.123Z");
        assertThat(json.get("tookMs").decimalValue()).isEqualByComparingTo("1234.6");
        assertThat(json.get("ok").asBoolean()).isTrue();
        assertThat(json.get("unreplicatedWrites").asInt()).isEqualTo(3);
        assertThat(json.get("steps")).hasSize(2);
        JsonNode provision = json.get("steps").get(1);
        assertThat(provision.get("name").asText()).isEqualTo("provision");
        assertThat(provision.get("atMs").decimalValue()).isEqualByComparingTo("15.0");
        assertThat(provision.get("tookMs").decimalValue()).isEqualByComparingTo("45.7");
        assertThat(provision.get("ok").asBoolean()).isFalse();
        assertThat(provision.get("detail").asText()).isEqualTo(AWKWARD);
    }

    @Test
    void durationsAreMillisecondsWithOneDecimalNeverExponents() {
        String json = new RunbookReport("a", "b", null, 1, Instant.EPOCH, Duration.ofHours(5), true, 0,
                List.of(new RunbookReport.Step("verify", Duration.ZERO, true, null))).toJson();

        assertThat(json).contains("\"tookMs\":18000000.0", "\"tookMs\":0.0", "\"reason\":null", "\"detail\":null");
    }

    @Test
    void drillReportParsesWithItsFieldsAndNestsItsRunbooks() throws Exception {
        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("lost", 0);
        workload.put("consistent", true);
        workload.put("note", AWKWARD);
        DrillReport report = new DrillReport("region-outage", AWKWARD, "azure", "aws", null, Duration.ofMillis(200), 2,
                100, 5, List.of(AWKWARD), List.of(runbook("created 1 node")), workload,
                List.of(new DrillReport.TimedEvent(Duration.ofNanos(1_250_000L), AWKWARD)), Duration.ofSeconds(3));

        JsonNode json = JSON.readTree(report.toJson());

        assertThat(json.get("scenario").asText()).isEqualTo("region-outage");
        assertThat(json.get("description").asText()).isEqualTo(AWKWARD);
        assertThat(json.get("siteBefore").asText()).isEqualTo("azure");
        assertThat(json.get("siteAfter").asText()).isEqualTo("aws");
        assertThat(json.get("detectionMs").isNull()).isTrue();
        assertThat(json.get("rtoMs").decimalValue()).isEqualByComparingTo("200.0");
        assertThat(json.get("rpoWrites").asInt()).isEqualTo(2);
        assertThat(json.get("provisioningMs").decimalValue()).isEqualByComparingTo("45.7");
        assertThat(json.get("provisioningShareOfRto").decimalValue()).isEqualByComparingTo("0.228");
        assertThat(json.get("calls").asInt()).isEqualTo(100);
        assertThat(json.get("failedCalls").asInt()).isEqualTo(5);
        assertThat(json.get("sampleErrors").get(0).asText()).isEqualTo(AWKWARD);
        assertThat(json.get("workload").get("lost").isInt()).isTrue();
        assertThat(json.get("workload").get("consistent").isBoolean()).isTrue();
        assertThat(json.get("workload").get("note").asText()).isEqualTo(AWKWARD);
        assertThat(json.get("runbooks")).hasSize(1);
        assertThat(json.get("runbooks").get(0)).isEqualTo(JSON.readTree(report.runbooks().get(0).toJson()));
        assertThat(json.get("timeline").get(0).get("atMs").decimalValue()).isEqualByComparingTo("1.3");
        assertThat(json.get("timeline").get(0).get("what").asText()).isEqualTo(AWKWARD);
        assertThat(json.get("tookMs").decimalValue()).isEqualByComparingTo("3000.0");
    }

    @Test
    void drillReportWritesItsTimingDetailAndTheCallsPer100Ms() throws Exception {
        RunbookReport runbook = new RunbookReport("azure", "aws", "down", 2, Instant.EPOCH, Duration.ofMillis(300), true, 0,
                List.of(new RunbookReport.Step("fence", Duration.ofMillis(20), true, "epoch 2", Duration.ofNanos(1_250_000L))));
        DrillReport report = new DrillReport("region-outage", "d", "azure", "aws", Duration.ofMillis(40), Duration.ofMillis(200),
                0, 5, 2, List.of(), List.of(runbook), Map.of(), List.of(), Duration.ofMillis(250), Duration.ofMillis(100),
                Duration.ofMillis(120), List.of(Duration.ofMillis(150)), List.of(1, 3, 1), List.of(0, 2, 0));

        JsonNode json = JSON.readTree(report.toJson());

        assertThat(json.get("faultAtMs").decimalValue()).isEqualByComparingTo("100.0");
        assertThat(json.get("redirectMs").decimalValue()).isEqualByComparingTo("120.0");
        assertThat(json.get("runbookStartsMs").get(0).decimalValue()).isEqualByComparingTo("150.0");
        assertThat(json.get("callsPer100ms").toString()).isEqualTo("[1,3,1]");
        assertThat(json.get("failedCallsPer100ms").toString()).isEqualTo("[0,2,0]");
        assertThat(json.get("runbooks").get(0).get("steps").get(0).get("atMs").decimalValue()).isEqualByComparingTo("1.3");
        DrillReport old = new DrillReport("x", "d", "azure", "azure", null, Duration.ZERO, 0, 0, 0, List.of(), List.of(),
                Map.of(), List.of(), Duration.ZERO);
        JsonNode oldJson = JSON.readTree(old.toJson());
        assertThat(oldJson.get("redirectMs").isNull()).isTrue();
        assertThat(oldJson.get("callsPer100ms")).isEmpty();
    }

    @Test
    void theFrontDoorRtoRunsFromTheFaultToTheEndOfTheLaterOfProvisioningAndTheDnsSwitch() throws Exception {
        // fault at 1000 ms; the runbook starts at 1200 ms: redirect ends at +150, provision +160..+660, DNS +160..+210
        RunbookReport runbook = new RunbookReport("azure", "aws", "down", 2, Instant.EPOCH, Duration.ofMillis(700), true, 0,
                List.of(new RunbookReport.Step("redirect", Duration.ofMillis(50), true, "clients now use aws", Duration.ofMillis(100)),
                        new RunbookReport.Step("provision", Duration.ofMillis(500), true, "launched 2", Duration.ofMillis(160)),
                        new RunbookReport.Step("switch-dns", Duration.ofMillis(50), true, "www -> 10.1.0.10", Duration.ofMillis(160))));
        DrillReport report = new DrillReport("region-outage", "d", "azure", "aws", Duration.ofMillis(150), Duration.ofMillis(400),
                0, 5, 2, List.of(), List.of(runbook), Map.of(), List.of(), Duration.ofSeconds(3), Duration.ofSeconds(1),
                Duration.ofMillis(350), List.of(Duration.ofMillis(1200)), List.of(), List.of());

        assertThat(report.frontDoorRto()).contains(Duration.ofMillis(860));
        assertThat(runbook.redirected()).contains(Duration.ofMillis(150));
        assertThat(JSON.readTree(report.toJson()).get("frontDoorRtoMs").decimalValue()).isEqualByComparingTo("860.0");
        assertThat(report.summary()).contains("RTO: 400 ms (data plane), 860 ms (front door: compute and DNS)");
        assertThat(dev.cloudhop.failover.drill.DrillReportPage.html(report)).contains("RTO (data plane)", "front door", "860 ms");
        DrillReport without = new DrillReport("x", "d", "azure", "azure", null, Duration.ZERO, 0, 0, 0, List.of(), List.of(),
                Map.of(), List.of(), Duration.ZERO);
        assertThat(without.frontDoorRto()).isEmpty();
        assertThat(JSON.readTree(without.toJson()).get("frontDoorRtoMs").isNull()).isTrue();
    }
}
