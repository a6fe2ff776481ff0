package dev.cloudhop.samples.crosscloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.backup.Backup;
import dev.cloudhop.failover.backup.RestoreReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The DR guide's data-corruption scenario on the real emulators: primary Azurite, replicas at LocalStack and on-prem
 * files, backup at on-prem. At T the application overwrites catalog entries with corrupted data and deletes an orders
 * prefix; replication copies the damage everywhere. A restore to T - 1 s, into Azurite (through the facade, so that it
 * is replicated) and into LocalStack, must bring every blob back to its last acknowledged state before T: the test's
 * own record of acknowledged writes is the oracle, and {@code rclone check} compares the on-prem replica with an
 * {@code rclone copy} taken just before T.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CorruptionDrillTest {

    @Test
    void aRestoreToJustBeforeTheCorruptionBringsEveryBlobBackEverywhere() throws Exception {
        try (EmulatedSites env = EmulatedSites.start(EmulatedSites.Aws.LOCALSTACK)) {
            Path spool = Files.createTempDirectory("cloudhop-drill-spool-");
            Path config = env.config(EmulatedSites.failoverSection("manual").replace("priority = [azure, aws, onprem]",
                    "priority = [azure, aws, onprem]\n  backup { containers = [catalog, orders], site = onprem, spool-directory = \""
                            + spool + "\" }"));
            Matcher m = Pattern.compile("blob.directory = \"([^\"]+)\"").matcher(Files.readString(config));
            assertThat(m.find()).isTrue();
            Path onpremBlobs = Path.of(m.group(1));
            try (FailoverCloud cloud = FailoverCloud.open(config)) {
                Backup backup = cloud.backup().orElseThrow();
                cloud.blobs().createContainer("catalog");
                cloud.blobs().createContainer("orders");
                Map<String, String> acked = new TreeMap<>(); // container/key -> last acknowledged content
                for (int i = 0; i < 40; i++) {
                    put(cloud, acked, "catalog", "sku-" + i + ".json", "{\"sku\":" + i + ",\"price\":" + (10 + i) + "}");
                }
                for (int i = 0; i < 60; i++) {
                    put(cloud, acked, "orders", (i % 2 == 0 ? "2025/" : "2026/") + "order-" + i + ".json", "{\"order\":" + i + "}");
                }
                for (int i = 0; i < 40; i += 4) { // a second version of some entries
                    put(cloud, acked, "catalog", "sku-" + i + ".json", "{\"sku\":" + i + ",\"price\":" + (20 + i) + "}");
                }
                settle(cloud, backup);
                Path snapshot = Files.createTempDirectory("cloudhop-drill-rclone-");
                rclone("copy", onpremBlobs.resolve("catalog").toString(), snapshot.resolve("catalog").toString());
                rclone("copy", onpremBlobs.resolve("orders").toString(), snapshot.resolve("orders").toString());
                Instant lastGood = Instant.now();
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(lastGood.plusMillis(1100)));

                Instant t = Instant.now(); // the corruption
                for (int i = 0; i < 40; i += 2) {
                    cloud.blobs().put(BlobId.of("catalog", "sku-" + i + ".json"), BlobContent.ofUtf8("\u0000garbage" + i));
                }
                cloud.blobs().list("orders", ListOptions.prefix("2025/")).map(BlobEntry::name).toList()
                        .forEach(name -> cloud.blobs().delete(BlobId.of("orders", name)));
                settle(cloud, backup);
                assertThat(text(cloud.rawSite("aws").blobs(), "catalog", "sku-0.json")).startsWith("\u0000garbage");
                assertThat(cloud.rawSite("aws").blobs().list("orders", ListOptions.prefix("2025/"))).isEmpty();

                Instant restorePoint = t.minusSeconds(1);
                // first into LocalStack alone (a site the application does not use now), then into the active site
                long start = System.nanoTime();
                RestoreReport catalogAws = backup.restore("catalog", restorePoint, "aws");
                RestoreReport ordersAws = backup.restore("orders", restorePoint, "aws");
                long awsMillis = (System.nanoTime() - start) / 1_000_000;
                assertThat(contents(cloud.rawSite("aws").blobs())).isEqualTo(acked);
                start = System.nanoTime();
                RestoreReport catalog = backup.restore("catalog", restorePoint, "azure");
                RestoreReport orders = backup.restore("orders", restorePoint, "azure");
                long azureMillis = (System.nanoTime() - start) / 1_000_000;
                settle(cloud, backup);

                for (String site : List.of("azure", "aws", "onprem")) {
                    assertThat(contents(cloud.rawSite(site).blobs())).as("blobs at %s", site).isEqualTo(acked);
                }
                String check = rclone("check", snapshot.resolve("catalog").toString(), onpremBlobs.resolve("catalog").toString())
                        + rclone("check", snapshot.resolve("orders").toString(), onpremBlobs.resolve("orders").toString());
                System.out.printf("[corruption-drill] restore to T-1s into azure (replicated): %d objects in %d ms;"
                                + " into aws (LocalStack): %d objects in %d ms; data-loss window %d ms (T-1s to T; the last"
                                + " acknowledged write before T was %d ms before T); %d blobs checked at 3 sites%n",
                        catalog.objects() + orders.objects(), azureMillis, catalogAws.objects() + ordersAws.objects(), awsMillis,
                        Duration.between(restorePoint, t).toMillis(), Duration.between(lastGood, t).toMillis(), acked.size());
                System.out.println("[corruption-drill] rclone check: " + check.lines().filter(l -> l.contains("differences")
                        || l.contains("matching")).toList());
                assertThat(List.of(catalog.written(), orders.written(), catalogAws.written(), ordersAws.written()))
                        .containsExactly(20, 30, 20, 30);
            }
        }
    }

    private static void put(FailoverCloud cloud, Map<String, String> acked, String container, String key, String text) {
        cloud.blobs().put(BlobId.of(container, key), BlobContent.ofUtf8(text));
        acked.put(container + "/" + key, text);
    }

    private static void settle(FailoverCloud cloud, Backup backup) {
        assertThat(backup.awaitUploaded(Duration.ofSeconds(30))).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> cloud.siteIds().stream().allMatch(s -> cloud.replicationBacklog(s) == 0));
    }

    private static String text(BlobStore store, String container, String key) {
        return store.get(BlobId.of(container, key)).map(b -> new String(b.readAllBytes(), StandardCharsets.UTF_8)).orElse(null);
    }

    private static Map<String, String> contents(BlobStore store) {
        Map<String, String> all = new TreeMap<>();
        for (String container : List.of("catalog", "orders")) {
            store.list(container).filter(BlobEntry.Item.class::isInstance).forEach(e -> {
                try (Blob b = store.get(BlobId.of(container, e.name())).orElseThrow()) {
                    all.put(container + "/" + e.name(), new String(b.readAllBytes(), StandardCharsets.UTF_8));
                }
            });
        }
        return all;
    }

    /** Runs rclone on local paths; a non-zero exit (e.g. differences found by {@code check}) fails the test. */
    private static String rclone(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("rclone", "--config", "/dev/null"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("rclone %s: %s", String.join(" ", args), out).isZero();
        return out;
    }
}
