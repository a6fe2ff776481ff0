package dev.cloudhop.samples.crosscloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.RunbookReport;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.runbook.RunbookContext;
import dev.cloudhop.failover.runbook.RunbookStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A planned failback to an on-prem file site under steady writes from several threads: RPO 0 in the drill's report,
 * and every acknowledged write is a file with its content on the primary's disk, read with {@code java.nio.file},
 * not through Cloudhop: once just before the failback redirects (writes are held, so replication cannot heal a loss
 * afterwards) and once at the end.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlannedFailbackToDiskTest {

    @TempDir
    Path disk;

    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();

    /** Acknowledged writes whose file at the disk site is missing or holds other content. */
    private long missingOnDisk() {
        return acknowledged.entrySet().stream().filter(e -> !e.getValue().equals(file(e.getKey()))).count();
    }

    private String file(String name) {
        try {
            return Files.readString(disk.resolve("orders").resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void aPlannedFailbackToTheDiskSiteLosesNoAcknowledgedWrite() throws Exception {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse("""
                sites {
                  dc    { provider = onprem, region = dc1, blob.directory = "%s" }
                  cloud { provider = local, region = westeurope }
                }
                failover {
                  priority = [dc, cloud]
                  automatic = false
                  probe { interval = 100 ms, timeout = 1 s, tolerated-failures = 2 }
                  client-wait = 10 s
                  replication { presync-threshold = 20, presync-timeout = 10 s, max-pause = 5 s }
                }
                """.formatted(disk.toString().replace("\\", "/")), "planned-failback.conf", Map.of(), providers);
        List<String> checksAtRedirect = new CopyOnWriteArrayList<>();
        RunbookStep checkDisk = new RunbookStep() {
            @Override
            public String name() {
                return "check-disk";
            }

            @Override
            public String run(RunbookContext c) {
                String check = c.to().equals("dc") ? missingOnDisk() + " of " + acknowledged.size() + " missing on disk" : "";
                checksAtRedirect.add(check);
                return check;
            }
        };
        try (Sites sites = Cloudhop.open(config, providers);
             FailoverCloud cloud = FailoverCloud.builder(sites, FailoverConfig.of(config))
                     .runbookStep(RunbookStep.Position.before("redirect"), checkDisk).build()) {
            cloud.blobs().createContainer("orders");
            Drill.Workload writes = (client, seq) -> {
                String name = "c" + client + "-" + seq;
                cloud.blobs().put(BlobId.of("orders", name), BlobContent.ofUtf8("order " + name));
                acknowledged.put(name, "order " + name);
            };

            // fewer writes than the disk site's fsynced copies can follow: a backlog it cannot catch up with would
            // (rightly) abort the failback
            DrillReport report = Drill.run(cloud, Drill.Scenario.plannedMove("dc", "cloud"), writes,
                    new Drill.Options(3, Duration.ofMillis(25), Duration.ofMillis(500), Duration.ofMillis(1000),
                            Duration.ofMillis(300), true));

            report.runbooks().forEach(r -> System.out.println("[planned-failback] " + r.from() + " -> " + r.to() + ": "
                    + r.steps().stream().filter(s -> s.name().equals("pre-sync") || s.name().equals("drain"))
                    .map(s -> s.name() + ": " + s.detail()).toList() + "; acknowledged in the whole drill: " + acknowledged.size()));
            assertThat(report.runbooks()).extracting(RunbookReport::to).containsExactly("cloud", "dc");
            assertThat(report.runbooks()).allSatisfy(r -> {
                assertThat(r.ok()).as(r.steps().toString()).isTrue();
                assertThat(r.unreplicatedWrites()).as("RPO of " + r.reason()).isZero();
            });
            assertThat(report.rpoWrites()).isZero();
            assertThat(report.siteAfter()).isEqualTo("dc");
            assertThat(report.failedCalls()).as("writes wait out the pause").isZero();
            assertThat(checksAtRedirect).as("the failback's check at its redirect").hasSize(2);
            assertThat(checksAtRedirect.get(1)).matches("0 of [1-9]\\d* missing on disk");
            assertThat(acknowledged).hasSizeGreaterThan(20);
            assertThat(missingOnDisk()).isZero();
        }
    }
}
