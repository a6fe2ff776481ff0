package dev.cloudhop.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replication survives a SIGKILL: an application instance (its own JVM) writes a key per write to {@code s1} while
 * {@code s2}'s blob service fails in its view, so its backlog grows; it is killed with SIGKILL and restarted with
 * {@code s2} healthy and the reconciliation at start off, so that only its journal can carry the backlog. Every write
 * its ack log records must then be at {@code s2}, with the acknowledged content: checked on the site's files, not
 * through Cloudhop, and by {@code rclone check} of the two sites' directories.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FleetReplicationCrashTest {

    private static final Pattern BACKLOG = Pattern.compile("backlog=(\\d+)");

    @Test
    void afterASigkillAndARestartEveryAcknowledgedWriteReachesTheReplica() throws Exception {
        Path run = Files.createTempDirectory("cloudhop-fleet-journal-");
        try (Fleet fleet = Fleet.start(run, FleetMode.SINGLE, List.of("s1", "s2"), 1, null, Duration.ofMillis(5),
                new Fleet.Options(false, true, true))) {
            Path s1 = fleet.sites().get("s1").resolve(FleetLog.CONTAINER);
            Path s2 = fleet.sites().get("s2").resolve(FleetLog.CONTAINER);
            fleet.loseSiteInView(0, "s2");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> backlog(fleet.status(0)) >= 200);

            fleet.kill(0);
            List<FleetLog.Ack> beforeKill = FleetLog.readAcks(FleetLog.ackLog(run, "i1"));
            List<String> missingAtKill = missing(s2, beforeKill);
            fleet.restart(0);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> missing(s2, beforeKill).isEmpty());
            String status = fleet.status(0);
            fleet.stopAll();

            List<FleetLog.Ack> all = FleetLog.readAcks(FleetLog.ackLog(run, "i1"));
            System.out.println("[journal] " + beforeKill.size() + " writes acknowledged before the SIGKILL, "
                    + missingAtKill.size() + " of them not yet at s2 then; " + all.size() + " in all; after the restart: "
                    + status + "; run in " + run);
            assertThat(missingAtKill).hasSizeGreaterThanOrEqualTo(200);
            assertThat(all.size()).isGreaterThan(beforeKill.size());
            assertThat(missing(s2, all)).isEmpty();
            assertThat(missing(s1, all)).isEmpty();
            // rclone may find only writes that were never acknowledged: the one in flight when the instance was killed
            // can have reached s1 and not the journal (the journal records what s1 acknowledged)
            List<String> differing = rcloneDiffering(s1, s2);
            java.util.Set<String> acknowledged = new java.util.HashSet<>();
            all.forEach(a -> acknowledged.add(a.key()));
            System.out.println("[journal] rclone check s1 s2: " + (differing.isEmpty() ? "0 differences found"
                    : "differs in " + differing + " (never acknowledged)"));
            assertThat(differing).as("files rclone finds on one side only or different").noneMatch(acknowledged::contains)
                    .hasSizeLessThanOrEqualTo(2);
        }
    }

    private static long backlog(String status) {
        Matcher m = BACKLOG.matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The acknowledged writes whose key is not a file of {@code dir} with the acknowledged value. */
    private static List<String> missing(Path dir, List<FleetLog.Ack> acks) {
        List<String> missing = new ArrayList<>();
        for (FleetLog.Ack a : acks) {
            Path file = dir.resolve(a.key());
            try {
                if (!Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(a.value())) {
                    missing.add(a.key());
                }
            } catch (IOException e) {
                missing.add(a.key()); // being written: not there yet
            }
        }
        return missing;
    }

    /** {@code rclone check} of two directories: the names it reports as missing on one side or different. */
    private static List<String> rcloneDiffering(Path a, Path b) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("rclone", "--config", "/dev/null", "check", a.toString(), b.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            List<String> differing = new ArrayList<>();
            Matcher m = Pattern.compile("ERROR : (\\S+): ").matcher(out);
            while (m.find()) {
                differing.add(m.group(1));
            }
            assertThat(exit == 0 || !differing.isEmpty()).as("rclone check failed without naming a file: %s", out).isTrue();
            assertThat(exit == 0).as("rclone check: %s", out).isEqualTo(differing.isEmpty());
            return differing;
        } catch (IOException e) {
            throw new AssertionError("rclone, the independent checker, cannot run: bin/lib/install-emulators.sh installs it "
                    + "(Debian package rclone)", e);
        }
    }
}
