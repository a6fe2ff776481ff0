package dev.cloudhop.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's main job runs to the end with the checked-in configuration. */
class QuickStartTest {

    @Test
    void runsToTheEndWithTheShippedConfig() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[] {Path.of("quickstart.conf").toString()});
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("primary processed 5 orders")
                .contains("secondary processed 3 orders")
                .contains("order records across sites: 8")
                .contains("catalog on secondary: 3 products")
                .contains("done in");
    }
}
