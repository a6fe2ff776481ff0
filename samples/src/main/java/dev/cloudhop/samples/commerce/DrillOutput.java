package dev.cloudhop.samples.commerce;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.drill.DrillReportPage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the demos and benchmarks show drill reports: a summary with its timeline, a JSON file, and beside it one HTML page
 * holding every report of the file ({@link DrillReportPage}: each drill's SVG timeline and its JSON as tables).
 */
public final class DrillOutput {

    private DrillOutput() {
    }

    /** Prints the report's summary and the first 40 events of its timeline (per-call capture events left out). */
    public static void print(DrillReport r) {
        System.out.println("---- drill report: " + r.scenario() + " ----");
        System.out.print(r.summary());
        System.out.println("timeline:");
        r.timeline().stream().filter(e -> !e.what().startsWith("send to ")).limit(40)
                .forEach(e -> System.out.printf("  %7.0f ms  %s%n", e.at().toNanos() / 1e6, e.what()));
    }

    /**
     * Writes the reports as one JSON array to {@code jsonFile} ({@link #writeJson}) and as one page to the same name with
     * {@code .html} in place of {@code .json} ({@link #pageFor}), creating their directory.
     *
     * @return the page
     * @throws IllegalArgumentException if {@code reports} is empty
     */
    public static Path write(Path jsonFile, List<DrillReport> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("no drill reports to write to " + jsonFile);
        }
        writeJson(jsonFile, reports);
        Path page = pageFor(jsonFile);
        DrillReportPage.write(reports, page);
        return page;
    }

    /** The page beside a JSON report file: {@code drills.json} -> {@code drills.html} (other names get {@code .html} added). */
    public static Path pageFor(Path jsonFile) {
        String name = jsonFile.getFileName().toString();
        String page = (name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name) + ".html";
        return jsonFile.resolveSibling(page);
    }

    /** Writes the reports as one JSON array to {@code file}, creating its directory. */
    public static void writeJson(Path file, List<DrillReport> reports) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (Writer out = Files.newBufferedWriter(file);
                 JsonGenerator json = ShopJson.MAPPER.getFactory().createGenerator(out)) {
                json.writeStartArray();
                for (DrillReport r : reports) {
                    json.writeRawValue(r.toJson()); // already JSON, written by the report itself
                }
                json.writeEndArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the drill reports to " + file, e);
        }
    }
}
