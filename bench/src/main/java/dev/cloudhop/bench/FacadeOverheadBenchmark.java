package dev.cloudhop.bench;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What the failover facade costs on the hot path: 4 KiB blob put and get through a {@link FailoverCloud} over one
 * {@code local} site, against the same calls on that site directly, in the same process and run. Prints the median
 * ns/op of each and the facade/raw ratio of medians for put and for get (goal: at most 1.05).
 *
 * <p>Usage: {@code bin/bench facade [interleaved|jmh]}.
 * <ul>
 *   <li>{@code interleaved} (default): one JVM alternates raw and facade calls (the order flipped every call),
 *       5 warm-up and 5 measured rounds of 1 s, and takes the medians of the per-call times. On a shared machine
 *       this is the fair comparison: both variants see the same load at the same moments.</li>
 *   <li>{@code jmh}: the four {@code @Benchmark} methods under JMH (one fork each, 3 warm-up and 5 measured
 *       iterations of 1 s, sample mode), the isolated measurement for a quiet machine. Each variant runs in a
 *       fork of its own, one after the other, so load that changes between forks skews the ratio.</li>
 * </ul>
 * The JMH methods are named so that JMH, which runs them in name order, measures the raw and the facade variant of
 * one operation back to back.
 */
public class FacadeOverheadBenchmark {

    /** The largest facade/raw ratio of medians the facade aims for. */
    static final double GOAL = 1.05;

    private static final int SIZE = 4096;
    private static final String CONFIG = """
            sites { primary { provider = local, region = bench } }
            failover {
              priority = [primary]
              replication.mode = async
            }
            """;

    /** One local site, seen raw and through the facade; each has its own container with a blob to read. */
    @State(Scope.Benchmark)
    public static class Site {
        Sites sites;
        Cloud raw;
        FailoverCloud facade;
        byte[] payload;
        BlobId rawPut;
        BlobId rawGet;
        BlobId facadePut;
        BlobId facadeGet;

        /** Opens the site and the facade (no scheduled probes: the benchmark measures calls, not probing). */
        @Setup(Level.Trial)
        public void open() {
            ProviderRegistry providers = ProviderRegistry.discover();
            CloudhopConfig config = CloudhopConfig.parse(CONFIG, "facade-overhead", Map.of(), providers);
            sites = Cloudhop.open(config, providers);
            raw = sites.site("primary");
            facade = FailoverCloud.builder(sites, FailoverConfig.of(config)).scheduledProbes(false).build();
            payload = new byte[SIZE];
            new Random(12).nextBytes(payload);
            raw.blobs().createContainer("raw");
            facade.blobs().createContainer("facade");
            rawPut = BlobId.of("raw", "put-4k");
            rawGet = BlobId.of("raw", "get-4k");
            facadePut = BlobId.of("facade", "put-4k");
            facadeGet = BlobId.of("facade", "get-4k");
            raw.blobs().put(rawGet, payload);
            facade.blobs().put(facadeGet, payload);
        }

        /** Closes the facade, then the site. */
        @TearDown(Level.Trial)
        public void close() {
            facade.close();
            sites.close();
        }
    }

    /** 4 KiB put on the site itself. */
    @Benchmark
    public Object putRaw(Site s) {
        return s.raw.blobs().put(s.rawPut, s.payload);
    }

    /** 4 KiB put through the facade. */
    @Benchmark
    public Object putFacade(Site s) {
        return s.facade.blobs().put(s.facadePut, s.payload);
    }

    /** 4 KiB get, read to the end, on the site itself. */
    @Benchmark
    public void getRaw(Site s, Blackhole bh) throws IOException {
        read(s.raw, s.rawGet, bh);
    }

    /** 4 KiB get, read to the end, through the facade. */
    @Benchmark
    public void getFacade(Site s, Blackhole bh) throws IOException {
        read(s.facade, s.facadeGet, bh);
    }

    private static void read(Cloud cloud, BlobId id, Blackhole bh) throws IOException {
        try (Blob blob = cloud.blobs().get(id).orElseThrow(); InputStream in = blob.content()) {
            bh.consume(in.readAllBytes());
        }
    }

    /** Runs the interleaved comparison, or with {@code jmh} the JMH benchmarks, and prints medians and ratios. */
    public static void main(String[] args) throws RunnerException, IOException {
        String mode = args.length > 0 ? args[0] : "interleaved";
        Map<String, Double> median = switch (mode) {
            case "interleaved" -> interleaved();
            case "jmh" -> jmh();
            default -> throw new IllegalArgumentException("unknown mode '" + mode + "'; use interleaved or jmh");
        };
        System.out.println();
        System.out.println("== facade overhead (" + mode + "): 4 KiB blobs, one local site, median ns/op ==");
        for (String op : new String[] {"put", "get"}) {
            double raw = median.get(op + "Raw");
            double facade = median.get(op + "Facade");
            double ratio = facade / raw;
            System.out.printf(Locale.ROOT, "%s: raw %,.0f ns  facade %,.0f ns  ratio %.3f (goal <= %.2f: %s)%n",
                    op, raw, facade, ratio, GOAL, ratio <= GOAL ? "met" : "NOT met");
        }
    }

    private static Map<String, Double> jmh() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(FacadeOverheadBenchmark.class.getName() + "\\.")
                .mode(org.openjdk.jmh.annotations.Mode.SampleTime)
                .timeUnit(TimeUnit.NANOSECONDS)
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .build();
        Map<String, Double> median = new LinkedHashMap<>();
        for (RunResult r : new Runner(options).run()) {
            String label = r.getParams().getBenchmark();
            median.put(label.substring(label.lastIndexOf('.') + 1), r.getPrimaryResult().getStatistics().getPercentile(50));
        }
        return median;
    }

    private static final String[] VARIANTS = {"putRaw", "putFacade", "getRaw", "getFacade"};

    private static Map<String, Double> interleaved() throws IOException {
        Site s = new Site();
        s.open();
        try {
            Samples[] samples = new Samples[VARIANTS.length];
            for (int round = -5; round < 5; round++) { // rounds below 0 warm up
                for (int v = 0; v < samples.length; v++) {
                    samples[v] = round <= 0 ? new Samples() : samples[v];
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                for (int i = 0; System.nanoTime() < end; i++) {
                    int first = i % 2; // raw first on even calls, facade first on odd ones
                    for (int op = 0; op < 4; op += 2) {
                        time(s, op + first, samples);
                        time(s, op + 1 - first, samples);
                    }
                }
                if (round >= 0) {
                    System.out.printf(Locale.ROOT, "round %d: %,d calls of each variant so far%n", round + 1,
                            samples[0].size);
                }
            }
            Map<String, Double> median = new LinkedHashMap<>();
            for (int v = 0; v < VARIANTS.length; v++) {
                median.put(VARIANTS[v], samples[v].median());
            }
            return median;
        } finally {
            s.close();
        }
    }

    private static void time(Site s, int variant, Samples[] samples) throws IOException {
        long start = System.nanoTime();
        switch (variant) {
            case 0 -> s.raw.blobs().put(s.rawPut, s.payload);
            case 1 -> s.facade.blobs().put(s.facadePut, s.payload);
            case 2 -> drain(s.raw, s.rawGet);
            default -> drain(s.facade, s.facadeGet);
        }
        samples[variant].add(System.nanoTime() - start);
    }

    private static int drain(Cloud cloud, BlobId id) throws IOException {
        try (Blob blob = cloud.blobs().get(id).orElseThrow(); InputStream in = blob.content()) {
            return in.readAllBytes().length;
        }
    }

    /** Per-call times in ns. */
    private static final class Samples {
        long[] values = new long[1 << 16];
        int size;

        void add(long ns) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = ns;
        }

        double median() {
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return size % 2 == 1 ? sorted[size / 2] : (sorted[size / 2 - 1] + sorted[size / 2]) / 2.0;
        }
    }
}
