package dev.cloudhop.samples.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.backup.Backup;
import dev.cloudhop.failover.backup.RestoreProgress;
import dev.cloudhop.failover.backup.RestoreReport;
import dev.cloudhop.failover.backup.VerifyReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup across providers without emulators: the application writes to an in-memory site ({@code local}), the
 * backup is kept at an on-prem file site ({@code vault}), and a deleted container is restored into another on-prem
 * file site ({@code disk}) and into the in-memory site. The test's own record of what it wrote is the oracle, and the
 * restored files are read from disk. Verify must name a chunk whose file had one byte flipped.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BackupAcrossProvidersTest {

    private static final int SMALL = 500;
    private static final int LARGE = 32 * 1024 * 1024;

    @TempDir
    Path dir;

    private Path config() throws IOException {
        String text = """
                sites {
                  mem   { provider = local, region = mem }
                  disk  { provider = onprem, region = dc1, blob.directory = "%s", blob.fsync = false }
                  vault { provider = onprem, region = vault, blob.directory = "%s", blob.fsync = false }
                }
                failover {
                  priority = [mem, disk]
                  critical-services = [blob]
                  backup { containers = [catalog], site = vault, spool-directory = "%s" }
                }
                """.formatted(dir.resolve("disk"), dir.resolve("vault"), dir.resolve("spool"));
        Files.createDirectories(dir.resolve("disk"));
        Files.createDirectories(dir.resolve("vault"));
        return Files.writeString(dir.resolve("cloudhop.conf"), text);
    }

    @Test
    void aDeletedContainerIsRestoredByteForByteIntoOtherProvidersAndVerifyNamesAFlippedChunk() throws Exception {
        try (FailoverCloud cloud = FailoverCloud.open(config())) {
            Backup backup = cloud.backup().orElseThrow();
            cloud.blobs().createContainer("catalog");
            Random random = new Random(15);
            Map<String, byte[]> written = new LinkedHashMap<>();
            List<Long> lagMillis = new ArrayList<>();
            for (int i = 0; i < SMALL; i++) {
                byte[] bytes = new byte[1024 + random.nextInt(3072)];
                random.nextBytes(bytes);
                String name = "items/item-" + i + ".bin";
                cloud.blobs().put(BlobId.of("catalog", name), BlobContent.of(bytes),
                        PutOptions.DEFAULT.withUserMetadata(Map.of("n", Integer.toString(i))));
                written.put(name, bytes);
                if (i < 100) { // the restorable point's lag behind each acknowledged write, one write at a time
                    Instant acked = backup.status().newestAcknowledged();
                    long start = System.nanoTime();
                    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                            .until(() -> !backup.status().latestRestorable().isBefore(acked));
                    lagMillis.add((System.nanoTime() - start) / 1_000_000);
                }
            }
            Path large = dir.resolve("large.bin");
            try (OutputStream out = Files.newOutputStream(large)) {
                byte[] block = new byte[1024 * 1024];
                for (int i = 0; i < LARGE / block.length; i++) {
                    random.nextBytes(block);
                    out.write(block);
                }
            }
            cloud.blobs().put(BlobId.of("catalog", "large.bin"), BlobContent.of(large));
            assertThat(backup.awaitUploaded(Duration.ofSeconds(60))).isTrue();
            // replication done, so that no copy in flight re-creates a blob at disk after the deletion
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> cloud.replicationBacklog("disk") == 0);
            Instant beforeDeletion = Instant.now();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(beforeDeletion.plusMillis(5)));
            cloud.blobs().deleteContainer("catalog");

            long small = System.nanoTime();
            List<RestoreProgress> progress = new ArrayList<>();
            RestoreReport intoDisk = backup.restore("catalog", beforeDeletion, "disk", progress::add);
            long smallNanos = System.nanoTime() - small;
            RestoreReport intoMem = backup.restore("catalog", beforeDeletion, "mem");

            assertThat(intoDisk.written()).isEqualTo(SMALL + 1);
            assertThat(intoMem.written()).isEqualTo(SMALL + 1);
            assertThat(progress).last().satisfies(p -> assertThat(p.objectsDone()).isEqualTo(SMALL + 1));
            for (Map.Entry<String, byte[]> w : written.entrySet()) { // the files on disk, as written
                assertThat(Files.readAllBytes(dir.resolve("disk").resolve("catalog").resolve(w.getKey()))).isEqualTo(w.getValue());
                try (Blob b = cloud.rawSite("mem").blobs().get(BlobId.of("catalog", w.getKey())).orElseThrow()) {
                    assertThat(b.readAllBytes()).isEqualTo(w.getValue());
                    assertThat(b.info().userMetadata()).containsEntry("n", w.getKey().replaceAll("\\D", ""));
                }
            }
            assertThat(hash(Files.newInputStream(dir.resolve("disk").resolve("catalog").resolve("large.bin"))))
                    .isEqualTo(hash(Files.newInputStream(large)));
            try (Blob b = cloud.rawSite("mem").blobs().get(BlobId.of("catalog", "large.bin")).orElseThrow()) {
                assertThat(hash(b.content())).isEqualTo(hash(Files.newInputStream(large)));
            }

            // flip one byte of one chunk's file at the backup site
            String flipped = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(written.get("items/item-7.bin")));
            Path chunk = dir.resolve("vault").resolve(Backup.CONTAINER).resolve("chunks").resolve(flipped);
            byte[] content = Files.readAllBytes(chunk);
            content[10] ^= 0x01;
            Files.write(chunk, content);
            VerifyReport verify = backup.verify();
            assertThat(verify.problems()).singleElement().satisfies(p -> {
                assertThat(p.kind()).isEqualTo(VerifyReport.Kind.CORRUPT);
                assertThat(p.hash()).isEqualTo(flipped);
                // the version written, and the same content written again by the restore into the active site
                assertThat(p.affected()).hasSize(2).allMatch(v -> v.startsWith("catalog/items/item-7.bin@"));
            });
            assertThat(verify.chunksChecked()).isEqualTo(SMALL + 1);

            long bytes = intoDisk.bytes();
            List<Long> sorted = lagMillis.stream().sorted().toList();
            System.out.printf("[backup] restore into onprem files: %d objects, %.1f MiB in %d ms (%.0f objects/s incl. one %d MiB blob)%n",
                    intoDisk.objects(), bytes / 1048576.0, smallNanos / 1_000_000, intoDisk.objects() * 1e9 / smallNanos,
                    LARGE >> 20);
            System.out.printf("[backup] restore into local memory: %d objects in %d ms%n", intoMem.objects(),
                    intoMem.elapsed().toMillis());
            System.out.printf("[backup] lag of the restorable point behind a write: p50 %d ms, p99 %d ms, max %d ms (%d writes)%n",
                    sorted.get(sorted.size() / 2), sorted.get(sorted.size() * 99 / 100), sorted.get(sorted.size() - 1),
                    sorted.size());
            System.out.printf("[backup] verify: %d chunks, %.1f MiB re-read%n", verify.chunksChecked(), verify.bytesChecked() / 1048576.0);
            assertThat(Arrays.asList(intoDisk.plan().unchanged(), intoMem.plan().unchanged())).containsOnly(0);
        }
    }

    private static String hash(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
