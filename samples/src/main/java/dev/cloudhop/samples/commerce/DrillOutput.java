package dev.cloudhop.samples.commerce;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cloudhop.failover.drill.DrillReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** How the demos and benchmarks show drill reports: a summary with its timeline, and a JSON file. */
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
