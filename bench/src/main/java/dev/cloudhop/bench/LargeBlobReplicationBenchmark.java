package dev.cloudhop.bench;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One large blob through the facade and its replication, in a small heap: a generated stream of {@code size} MiB is
 * put at an on-prem disk site and replicated to another; the heap's peak use is printed, and both files are hashed
 * by {@code sha256sum} (not Cloudhop). Run it with {@code -Xmx128m} (bin/bench does): a buffering copy would fail.
 *
 * <p>Usage: {@code bin/bench large-blob [MiB]} (default 1024).
 */
public final class LargeBlobReplicationBenchmark {

    private LargeBlobReplicationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        long size = mib << 20;
        Path root = Files.createTempDirectory("cloudhop-large-blob-");
        String text = DiskSites.config(root, "");
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(text, "large-blob.conf", Map.of(), providers);
        System.out.printf(Locale.ROOT, "large blob: %d MiB, max heap %d MiB; %s%n", mib,
                Runtime.getRuntime().maxMemory() >> 20, root);
        try (Sites sites = Cloudhop.open(config, providers);
             FailoverCloud cloud = FailoverCloud.builder(sites, FailoverConfig.of(config)).build()) {
            cloud.blobs().createContainer("big");
            long t0 = System.nanoTime();
            cloud.blobs().put(BlobId.of("big", "blob.bin"), BlobContent.of(generated(size), size));
            long t1 = System.nanoTime();
            while (cloud.replicationBacklog("replica") > 0) {
                Thread.sleep(20);
            }
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "put %.1f s (%.0f MiB/s), replicated %.1f s later (%.0f MiB/s); heap in use at "
                            + "the end %d MiB%n", (t1 - t0) / 1e9, mib / ((t1 - t0) / 1e9), (t2 - t1) / 1e9,
                    mib / ((t2 - t1) / 1e9), (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        }
        String a = sha256sum(root.resolve("primary").resolve("big").resolve("blob.bin"));
        String b = sha256sum(root.resolve("replica").resolve("big").resolve("blob.bin"));
        System.out.println("sha256sum primary " + a + ", replica " + b + (a.equals(b) ? ": equal" : ": DIFFERENT"));
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (!a.equals(b)) {
            System.exit(1);
        }
    }

    private static String sha256sum(Path file) throws Exception {
        Process p = new ProcessBuilder("sha256sum", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.split("\\s+")[0];
    }

    /** {@code size} pseudo-random bytes, generated as read: never in memory at once. */
    private static InputStream generated(long size) {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(42);
            private long left = size;

            @Override
            public int read() {
                if (left == 0) {
                    return -1;
                }
                left--;
                return random.nextInt(256);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i += 8) {
                    long r = random.nextLong();
                    for (int j = 0; j < 8 && i + j < n; j++) {
                        b[off + i + j] = (byte) (r >>> (j * 8));
                    }
                }
                left -= n;
                return n;
            }
        };
    }
}
