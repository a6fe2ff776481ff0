package dev.cloudhop.samples.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudhop.failover.drill.DrillReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drill reports file the demos and benchmarks write. */
class DrillOutputTest {

    private static DrillReport report(String scenario) {
        return new DrillReport(scenario, "a \"quoted\" fault\n", "azure", "aws", Duration.ofMillis(40),
                Duration.ofMillis(250), 0, 10, 1, List.of("UnavailableException: down"), List.of(), Map.of("lost", 0),
                List.of(new DrillReport.TimedEvent(Duration.ofMillis(1), "fault")), Duration.ofSeconds(1));
    }

    @Test
    void writesOneJsonArrayOfTheReports(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("reports/drills.json");

        DrillOutput.writeJson(file, List.of(report("one"), report("two")));

        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(2);
        assertThat(json.get(1).get("scenario").asText()).isEqualTo("two");
        assertThat(json.get(0).get("description").asText()).isEqualTo("a \"quoted\" fault\n");
        assertThat(json.get(0).get("rtoMs").decimalValue()).isEqualByComparingTo("250.0");
    }

    @Test
    void writesOnePageOfTheReportsBesideTheJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("reports/drills.json");

        Path page = DrillOutput.write(file, List.of(report("one"), report("two")));

        assertThat(page).isEqualTo(dir.resolve("reports/drills.html"));
        assertThat(new ObjectMapper().readTree(file.toFile())).hasSize(2);
        String html = java.nio.file.Files.readString(page);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<section class=\"drill\" id=\"drill-1\">",
                "<section class=\"drill\" id=\"drill-2\">", "a &quot;quoted&quot; fault");
        assertThat(html.split("<svg ", -1)).as("one timeline per report").hasSize(3);
        assertThat(DrillOutput.pageFor(Path.of("x", "run-1"))).isEqualTo(Path.of("x", "run-1.html"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DrillOutput.write(file, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no drill reports");
    }
}
