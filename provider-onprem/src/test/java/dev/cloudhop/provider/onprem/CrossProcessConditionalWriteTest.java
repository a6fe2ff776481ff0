package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.testing.ManagedProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conditional writes are atomic between processes sharing the directory, not just between threads: three
 * JVMs race for the same create-only names (exactly one winner each) and increment one counter by
 * compare-and-set (no increment lost).
 */
class CrossProcessConditionalWriteTest {

    private static final int PROCESSES = 3;
    private static final int CLAIMS = 30;
    private static final int INCREMENTS = 20;

    @Test
    void threeProcessesRacingHaveOneWinnerPerNameAndLoseNoIncrement() throws Exception {
        Path base = OnPremTestEnvironment.tempDirectory("race");
        try (Cloud cloud = site(base)) {
            cloud.blobs().createContainer("race");
            cloud.blobs().put(BlobId.of("race", "counter"), BlobContent.ofUtf8("0"));
        }
        Path go = base.resolve("go");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<ManagedProcess> processes = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            processes.add(ManagedProcess.builder("conditional-writer-" + p, List.of(java, "-Xmx128m",
                            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                            ConditionalWriteProcess.class.getName(), base.toString(), "p" + p, Integer.toString(CLAIMS),
                            Integer.toString(INCREMENTS), go.toString()))
                    .startTimeout(Duration.ofSeconds(60)).readyWhenLogContains("READY").start());
        }
        Files.createFile(go);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> processes.stream().noneMatch(ManagedProcess::isAlive));
        for (ManagedProcess p : processes) {
            assertThat(Files.readString(p.log())).as("log of %s", p.name()).contains("FINISHED");
        }

        Map<String, List<String>> winners = new HashMap<>();
        for (int p = 0; p < PROCESSES; p++) {
            for (String line : Files.readAllLines(processes.get(p).log(), StandardCharsets.UTF_8)) {
                if (line.startsWith("WON ")) {
                    winners.computeIfAbsent(line.substring(4), k -> new ArrayList<>()).add("p" + p);
                }
            }
        }
        try (Cloud cloud = site(base)) {
            for (int i = 0; i < CLAIMS; i++) {
                String name = "lease-" + i;
                assertThat(winners.get(name)).as("processes that won %s", name).hasSize(1);
                try (var blob = cloud.blobs().get(BlobId.of("race", name)).orElseThrow()) {
                    assertThat(new String(blob.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(winners.get(name).get(0));
                }
            }
            try (var blob = cloud.blobs().get(BlobId.of("race", "counter")).orElseThrow()) {
                assertThat(new String(blob.readAllBytes(), StandardCharsets.UTF_8))
                        .as("counter after %d processes added %d each", PROCESSES, INCREMENTS)
                        .isEqualTo(Integer.toString(PROCESSES * INCREMENTS));
            }
        }
        Map<String, Long> wins = new HashMap<>();
        winners.values().forEach(w -> wins.merge(w.get(0), 1L, Long::sum));
        System.out.println("[conditional] claims won per process: " + wins);
    }

    private static Cloud site(Path base) {
        return OnPremTestEnvironment.open("sites { race { provider = onprem, region = dc-test, blob.directory = \""
                + base + "\" } }").site("race");
    }
}
