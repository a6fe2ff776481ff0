package dev.cloudhop.bench;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write-path cost of a durable replication backlog: blob put latency (1 KiB) through a {@link FailoverCloud} over
 * two on-prem disk sites with async replication running, with the backlog in memory, journaled without fsync
 * (survives a crash of the process) and journaled with fsync (survives power loss). The variants are interleaved
 * round by round so that they see the same load; each round runs every variant with 1 and with 8 writers. Prints
 * p50 and p99 per variant and the ratios to the in-memory backlog.
 *
 * <p>Usage: {@code bin/bench journal [rounds] [puts-per-round]} (defaults 5 and 2000).
 */
public final class JournalCostBenchmark {

    private JournalCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int puts = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path root = Files.createTempDirectory("cloudhop-journal-bench-");
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("memory", "");
        variants.put("journal", "journal { directory = \"JOURNAL\", fsync = false }");
        variants.put("journal+fsync", "journal { directory = \"JOURNAL\", fsync = true }");
        Map<String, List<Long>> times = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "journal cost: %d rounds x %d puts of 1 KiB, on-prem disk sites (fsync off), "
                + "async replication, writes interleaved by variant; %s%n", rounds, puts, root);
        byte[] body = new byte[1024];
        for (int round = 0; round < rounds; round++) {
            for (int writers : new int[] {1, 8}) {
                for (Map.Entry<String, String> v : variants.entrySet()) {
                    String key = v.getKey() + ", " + writers + (writers == 1 ? " writer" : " writers");
                    List<Long> sample = run(root.resolve("r" + round + "-" + writers + "-" + v.getKey().replace('+', '-')),
                            v.getValue(), writers, puts, body);
                    times.computeIfAbsent(key, k -> new ArrayList<>()).addAll(round == 0 ? List.of() : sample);
                }
            }
            System.out.println("round " + (round + 1) + (round == 0 ? " (warm-up, not counted)" : "") + " done");
        }
        System.out.printf(Locale.ROOT, "%-26s %10s %10s %10s %10s%n", "variant", "p50 us", "p99 us", "p50 ratio", "p99 ratio");
        for (int writers : new int[] {1, 8}) {
            String suffix = ", " + writers + (writers == 1 ? " writer" : " writers");
            long[] base = sorted(times.get("memory" + suffix));
            for (String v : variants.keySet()) {
                long[] t = sorted(times.get(v + suffix));
                System.out.printf(Locale.ROOT, "%-26s %10.1f %10.1f %10.2f %10.2f%n", v + suffix, pct(t, 50) / 1e3,
                        pct(t, 99) / 1e3, pct(t, 50) / pct(base, 50), pct(t, 99) / pct(base, 99));
            }
        }
    }

    private static List<Long> run(Path dir, String journal, int writers, int puts, byte[] body) throws Exception {
        Files.createDirectories(dir);
        String text = DiskSites.config(dir, journal.replace("JOURNAL", dir.resolve("journal").toString()));
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(text, "journal-bench.conf", Map.of(), providers);
        List<Long> all = new ArrayList<>();
        try (Sites sites = Cloudhop.open(config, providers);
             FailoverCloud cloud = FailoverCloud.builder(sites, FailoverConfig.of(config)).build()) {
            cloud.blobs().createContainer("bench");
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            AtomicLong next = new AtomicLong();
            List<Future<long[]>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                results.add(pool.submit(() -> {
                    long[] t = new long[puts / writers];
                    for (int i = 0; i < t.length; i++) {
                        long n = next.getAndIncrement();
                        long t0 = System.nanoTime();
                        cloud.blobs().put(BlobId.of("bench", "k" + (n % 500)), BlobContent.of(body));
                        t[i] = System.nanoTime() - t0;
                    }
                    return t;
                }));
            }
            for (Future<long[]> f : results) {
                for (long t : f.get()) {
                    all.add(t);
                }
            }
            pool.shutdown();
        }
        deleteQuietly(dir);
        return all;
    }

    private static long[] sorted(List<Long> l) {
        long[] a = l.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static void deleteQuietly(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
