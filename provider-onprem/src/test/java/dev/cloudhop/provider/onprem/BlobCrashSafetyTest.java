package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.testing.ManagedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Crash safety of the filesystem blob store: a writer in another JVM is killed with SIGKILL in the middle of
 * a put, and the blob is afterwards either its previous version or absent, never a torn one, and nothing
 * else became visible. jclouds' own filesystem store, killed the same way, is the control case.
 */
class BlobCrashSafetyTest {

    private static final long SIZE = 24L << 20;
    private static final long OLD_SEED = 11;
    private static final long NEW_SEED = 22;

    @Test
    void aWriterKilledMidPutLeavesThePreviousVersionIntactAndNothingVisibleBehind() throws Exception {
        long start = System.nanoTime();
        Path base = OnPremTestEnvironment.tempDirectory("crash");
        try (Cloud cloud = site(base)) {
            cloud.blobs().createContainer("crash");
            cloud.blobs().put(BlobId.of("crash", "big.bin"), BlobContent.of(new DeterministicStream(OLD_SEED, SIZE), SIZE));
        }

        ManagedProcess writer = startWriter("cloudhop", base, "big.bin", SIZE, NEW_SEED, SIZE / 2);
        System.out.println("[crash-safety] writer started and paused after " + Duration.ofNanos(System.nanoTime() - start));
        long staged = stagedBytes(base);
        writer.kill();
        assertThat(writer.isAlive()).isFalse();
        assertThat(staged).as("bytes of the new version on disk when the writer was killed").isGreaterThan(0);

        try (Cloud cloud = site(base)) {
            assertIntact(cloud, "big.bin", OLD_SEED);
            assertThat(names(cloud)).as("blobs listed after the crash").containsExactly("big.bin");
            // and the store keeps working: the interrupted write can simply be repeated
            cloud.blobs().put(BlobId.of("crash", "big.bin"), BlobContent.of(new DeterministicStream(NEW_SEED, SIZE), SIZE));
            assertIntact(cloud, "big.bin", NEW_SEED);
        }
    }

    @Test
    void aNewBlobWhoseWriterIsKilledDoesNotExistAfterwards() throws Exception {
        Path base = OnPremTestEnvironment.tempDirectory("crash");
        try (Cloud cloud = site(base)) {
            cloud.blobs().createContainer("crash");
        }

        ManagedProcess writer = startWriter("cloudhop", base, "dir/new.bin", SIZE, NEW_SEED, SIZE / 3);
        writer.kill();

        try (Cloud cloud = site(base)) {
            assertThat(cloud.blobs().stat(BlobId.of("crash", "dir/new.bin"))).isEmpty();
            assertThat(names(cloud)).isEmpty();
        }
    }

    @Test
    void writersKilledAtRandomMomentsNeverLeaveATornBlob() throws Exception {
        Path base = OnPremTestEnvironment.tempDirectory("crash");
        long size = 16L << 20;
        try (Cloud cloud = site(base)) {
            cloud.blobs().createContainer("crash");
            cloud.blobs().put(BlobId.of("crash", "race.bin"), BlobContent.of(new DeterministicStream(OLD_SEED, size), size));
        }
        List<String> outcomes = new ArrayList<>();
        List<String> complete = new ArrayList<>(List.of(DeterministicStream.sha256(OLD_SEED, size)));
        for (int round = 0; round < 3; round++) {
            ManagedProcess writer = startWriter("cloudhop", base, "race.bin", size, NEW_SEED + round, Long.MAX_VALUE);
            Thread.sleep(ThreadLocalRandom.current().nextLong(0, 150)); // the write itself takes ~100 ms
            writer.kill();
            try (Cloud cloud = site(base)) {
                BlobInfo info = cloud.blobs().stat(BlobId.of("crash", "race.bin")).orElseThrow();
                String digest = sha256(cloud, "race.bin");
                complete.add(DeterministicStream.sha256(NEW_SEED + round, size));
                assertThat(info.size()).as("size after kill in round %d", round).isEqualTo(size);
                assertThat(complete).as("SHA-256 after kill in round %d is one complete version", round).contains(digest);
                assertThat(names(cloud)).containsExactly("race.bin");
                outcomes.add(complete.indexOf(digest) == 0 ? "old" : "new-" + (complete.indexOf(digest) - 1));
            }
        }
        System.out.println("[crash-safety] versions seen after random kills: " + outcomes);
    }

    @Test
    void jcloudsOwnFilesystemStoreLeavesAStrayBlobWhenItsWriterIsKilled() throws Exception {
        Path base = OnPremTestEnvironment.tempDirectory("crash");
        Files.createDirectories(base.resolve("crash"));

        ManagedProcess writer = startWriter("jclouds", base, "big.bin", SIZE, NEW_SEED, SIZE / 2);
        writer.kill();

        // the control case: what the atomic strategy exists for
        try (Stream<Path> files = Files.list(base.resolve("crash"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .as("files jclouds left in the container").anyMatch(n -> n.startsWith("big.bin-"));
        }
        try (Cloud cloud = site(base)) {
            assertThat(names(cloud)).as("jclouds' stray file is a visible blob to any reader")
                    .anyMatch(n -> n.startsWith("big.bin-"));
        }
    }

    // ------------------------------------------------------------------------------------------------

    private static Cloud site(Path base) {
        return OnPremTestEnvironment.open("sites { crash { provider = onprem, region = dc-test, blob.directory = \""
                + base + "\" } }").site("crash");
    }

    private static ManagedProcess startWriter(String mode, Path base, String name, long size, long seed, long pauseAt) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                CrashingBlobWriter.class.getName(), mode, base.toString(), "crash", name, Long.toString(size),
                Long.toString(seed), Long.toString(pauseAt));
        ManagedProcess.Builder builder = ManagedProcess.builder("blob-writer", command)
                .startTimeout(Duration.ofSeconds(60));
        return (pauseAt == Long.MAX_VALUE ? builder.readyWhenLogContains("WRITING") : builder.readyWhenLogContains("PAUSED"))
                .start();
    }

    private static long stagedBytes(Path base) throws IOException {
        Path staging = base.resolve(AtomicFilesystemStorageStrategy.STAGING);
        try (Stream<Path> files = Files.list(staging)) {
            long total = 0;
            for (Path p : (Iterable<Path>) files::iterator) {
                total += Files.size(p);
            }
            return total;
        }
    }

    private static List<String> names(Cloud cloud) {
        return cloud.blobs().list("crash").map(BlobEntry::name).toList();
    }

    private static void assertIntact(Cloud cloud, String name, long seed) throws Exception {
        Optional<BlobInfo> info = cloud.blobs().stat(BlobId.of("crash", name));
        assertThat(info).as("blob %s", name).isPresent();
        assertThat(info.get().size()).isEqualTo(SIZE);
        assertThat(sha256(cloud, name)).as("SHA-256 of %s", name).isEqualTo(DeterministicStream.sha256(seed, SIZE));
    }

    private static String sha256(Cloud cloud, String name) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (Blob blob = cloud.blobs().get(BlobId.of("crash", name)).orElseThrow()) {
            InputStream in = blob.content();
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
