package dev.cloudhop.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An application instance (its own JVM) backs up its writes to an on-prem site while the backup site cannot take
 * them, so that they wait in its local spool; it is killed with SIGKILL, the backup site comes back, and the instance
 * is restarted. The backup must then hold every write the instance's ack log records, checked on the backup site's
 * files (history lines and chunk files), not through Cloudhop.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FleetBackupCrashTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void afterASigkillAndARestartTheBackupHasEveryAcknowledgedWrite() throws Exception {
        Path run = Files.createTempDirectory("cloudhop-fleet-backup-");
        try (Fleet fleet = Fleet.start(run, FleetMode.SINGLE, List.of("s1", "s2"), 1, null, Duration.ofMillis(5), true)) {
            Path chunks = fleet.backupSite().resolve("cloudhop-backup").resolve("chunks");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.isDirectory(chunks));
            // the backup site stops taking chunks (a file where its directory was: even root cannot write there)
            Path aside = chunks.resolveSibling("chunks.aside");
            Files.move(chunks, aside);
            Files.writeString(chunks, "blocked");
            Path spool = run.resolve("backup").resolve("spool").resolve("spool-0");
            await().atMost(Duration.ofSeconds(30)).until(() -> spooled(spool) >= 50);

            fleet.kill(0);
            long leftInSpool = spooled(spool);
            List<FleetLog.Ack> beforeKill = FleetLog.readAcks(FleetLog.ackLog(run, "i1"));
            Files.delete(chunks);
            Files.move(aside, chunks);
            fleet.restart(0);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> missing(fleet.backupSite(), beforeKill).isEmpty());
            String status = fleet.status(0);
            fleet.stopAll();

            List<FleetLog.Ack> all = FleetLog.readAcks(FleetLog.ackLog(run, "i1"));
            System.out.println("[backup] " + leftInSpool + " changes were in the spool at the kill; " + beforeKill.size()
                    + " writes acknowledged before it, " + all.size() + " in all; run in " + run);
            System.out.println("[backup] after the restart: " + status);
            assertThat(status).contains("backup-lag=").contains("backup-pending=");
            assertThat(leftInSpool).isGreaterThanOrEqualTo(50);
            assertThat(all.size()).isGreaterThan(beforeKill.size());
            assertThat(missing(fleet.backupSite(), all)).isEmpty();
        }
    }

    private static long spooled(Path spool) throws IOException {
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(f -> f.toString().endsWith(".entry")).count();
        }
    }

    /** The acknowledged writes whose version (key and content) is not in the backup: read from its files. */
    private static List<String> missing(Path vault, List<FleetLog.Ack> acks) {
        Path root = vault.resolve("cloudhop-backup");
        Set<String> versions = new HashSet<>();
        Path history = root.resolve("history").resolve(FleetLog.CONTAINER);
        if (Files.isDirectory(history)) {
            try (Stream<Path> segments = Files.list(history)) {
                for (Path segment : segments.toList()) {
                    for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                        JsonNode n = JSON.readTree(line);
                        if (n.get("op").asText().equals("PUT")) {
                            versions.add(n.get("key").asText() + " " + n.get("sha256").asText());
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return acks.stream().filter(a -> {
            String hash = sha256(a.value());
            Path chunk = root.resolve("chunks").resolve(hash);
            try {
                return !versions.contains(a.key() + " " + hash) || !Files.isRegularFile(chunk)
                        || !Files.readString(chunk, StandardCharsets.UTF_8).equals(a.value());
            } catch (IOException e) {
                return true;
            }
        }).map(a -> a.key() + "=" + a.value()).toList();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
