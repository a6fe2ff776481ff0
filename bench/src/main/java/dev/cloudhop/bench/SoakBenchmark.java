package dev.cloudhop.bench;

import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.samples.commerce.Commerce;
import dev.cloudhop.samples.commerce.DrillOutput;
import dev.cloudhop.samples.commerce.OrderTraffic;
import dev.cloudhop.samples.crosscloud.CrossCloudDemo;
import dev.cloudhop.samples.crosscloud.EmulatedSites;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * False alarms, measured: steady commerce traffic against a healthy primary (Azurite, with LocalStack and on-prem
 * behind it) while the primary is jittered, for a set time. Every failover the soak causes is a false positive.
 *
 * <p>The jitter, drawn from a printed seed (the same seed plays the same schedule): latency spikes of 20-80 ms on
 * every call to the primary for 1-5 s (switchboard), stop-the-world pauses of Azurite for 300 ms
 * ({@code SIGSTOP}/{@code SIGCONT}), and bursts of CPU load (two busy processes for 3-10 s on this 2-core machine).
 * A sampler reads the phi detector's suspicion of the primary's blob and queue services every 10 ms, so the report
 * also says which thresholds the soak would have crossed: how the threshold trades detection time against false
 * alarms.
 *
 * <p>Usage: {@code bin/bench soak [duration] [detection] [seed]}: duration like {@code 10m} or {@code 90s} (default
 * 10m); detection {@code default} (the configuration's default), {@code count}, or {@code phi:THRESHOLD}.
 */
public final class SoakBenchmark {

    private static final Path REPORTS = Path.of("target", "bench-soak");

    private SoakBenchmark() {
    }

    /** Runs the soak. */
    public static void main(String[] args) throws Exception {
        Duration duration = parse(args.length > 0 ? args[0] : "10m");
        String detection = args.length > 1 ? args[1] : "default";
        long seed = args.length > 2 ? Long.parseLong(args[2]) : System.currentTimeMillis() % 100_000;
        System.out.printf(Locale.ROOT, "soak: %s of traffic, detection %s, seed %d (rerun: bin/bench soak %s %s %d)%n",
                duration, detection, seed, args.length > 0 ? args[0] : "10m", detection, seed);
        // durable, as in the drills; in memory (-Dsoak.inMemoryAzurite=true) Azurite stalled for 0.4-6 s about a minute
        // after its start in both soaks run so (its queue store's collection runs every 60 s), a primary no healthier
        boolean durable = !Boolean.getBoolean("soak.inMemoryAzurite");
        System.out.println("azurite: " + (durable ? "durable (data on disk)" : "in memory (-Dsoak.inMemoryAzurite=true)"));
        try (EmulatedSites env = EmulatedSites.start(EmulatedSites.Aws.LOCALSTACK, durable)) {
            Path config = env.config(new Tuning(detection, "default").apply(EmulatedSites.failoverSection("manual")));
            ProviderRegistry providers = ProviderRegistry.discover();
            CloudhopConfig cfg = CloudhopConfig.load(config, Map.of(), providers);
            try (Sites sites = Cloudhop.open(cfg, providers);
                 FailoverCloud cloud = FailoverCloud.builder(sites, FailoverConfig.of(cfg)).build();
                 Commerce shop = new Commerce(cloud)) {
                System.out.println("detection: " + cloud.config().detection());
                CrossCloudDemo.prepareDns(cloud);
                shop.setUp(Commerce.sampleCatalog());
                shop.startWorkers(2);
                OrderTraffic traffic = new OrderTraffic(shop, Long.MAX_VALUE, Duration.ofSeconds(120));
                Jitter jitter = new Jitter(env, cloud, new Random(seed), duration);
                Drill.Scenario soak = Drill.Scenario.of("soak", "azure", "jitter on a healthy primary for " + duration,
                        jitter::start, jitter::stop);
                // counted over the whole run, the drain after the traffic included (the report's window ends before it)
                java.util.concurrent.atomic.AtomicInteger primaryDowns = new java.util.concurrent.atomic.AtomicInteger();
                cloud.events().subscribe(e -> {
                    if (e instanceof FailoverEvent.SiteHealthChanged h && !h.up() && h.site().equals("azure")) {
                        primaryDowns.incrementAndGet();
                    }
                });
                DrillReport r = Drill.run(cloud, soak, traffic, new Drill.Options(4, Duration.ofMillis(25), Duration.ofSeconds(1),
                        duration, Duration.ofSeconds(1), false));
                DrillOutput.writeJson(REPORTS.resolve("soak-" + seed + ".json"), List.of(r));
                print(r, jitter, cloud.config().detection().phiThreshold(), cloud.failovers().size(), primaryDowns.get());
            }
        }
    }

    private static void print(DrillReport r, Jitter jitter, double threshold, int failovers, int downs) {
        System.out.println();
        System.out.println("== soak: " + r.took().toSeconds() + " s, 4 clients at 25 ms think time ==");
        System.out.printf(Locale.ROOT, "jitter: %d latency spikes (20-80 ms), %d SIGSTOP pauses of Azurite (300 ms), %d CPU bursts%n",
                jitter.spikes, jitter.pauses, jitter.bursts);
        System.out.printf(Locale.ROOT, "false failovers: %d (%d after the traffic, in the drain)   primary services marked down: %d"
                + "   client calls: %d, failed: %d%n", failovers, failovers - r.runbooks().size(), downs, r.calls(), r.failedCalls());
        System.out.printf(Locale.ROOT, "phi of azure blob: p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f (threshold %.1f)%n",
                jitter.phiPct(Service.BLOB, 50), jitter.phiPct(Service.BLOB, 99), jitter.phiPct(Service.BLOB, 99.9),
                jitter.phiPct(Service.BLOB, 100), threshold);
        System.out.printf(Locale.ROOT, "phi of azure queue: p99.9 %.2f  max %.2f%n", jitter.phiPct(Service.QUEUE, 99.9),
                jitter.phiPct(Service.QUEUE, 100));
        System.out.println("thresholds the soak crossed (a false alarm each): " + jitter.crossed(new double[] {1, 2, 3, 4, 5, 6, 8}));
        StringBuilder perMinute = new StringBuilder();
        List<Integer> buckets = r.callsPer100ms();
        for (int i = 0; i < buckets.size(); i += 600) {
            perMinute.append(perMinute.length() == 0 ? "" : " ")
                    .append(buckets.subList(i, Math.min(buckets.size(), i + 600)).stream().mapToInt(Integer::intValue).sum());
        }
        System.out.println("client calls per minute (a healthy primary keeps its pace): " + perMinute);
        r.workload().forEach((k, v) -> System.out.println(k + ": " + v));
        r.timeline().stream().filter(e -> e.what().contains(" DOWN") || e.what().startsWith("failover"))
                .limit(20).forEach(e -> System.out.printf(Locale.ROOT, "  %8.0f ms  %s%n", e.at().toNanos() / 1e6, e.what()));
    }

    private static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        if (t.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        throw new IllegalArgumentException("duration must look like 10m or 90s, was '" + text + "'");
    }

    /** Draws and plays the jitter, and samples the primary's suspicion. */
    private static final class Jitter {

        private final EmulatedSites env;
        private final FailoverCloud cloud;
        private final Random random;
        private final long endNanos;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        private final List<Double> blobPhi = Collections.synchronizedList(new ArrayList<>());
        private final List<Double> queuePhi = Collections.synchronizedList(new ArrayList<>());
        private volatile int spikes;
        private volatile int pauses;
        private volatile int bursts;

        Jitter(EmulatedSites env, FailoverCloud cloud, Random random, Duration duration) {
            this.env = env;
            this.cloud = cloud;
            this.random = random;
            this.endNanos = System.nanoTime() + duration.toNanos() + Duration.ofSeconds(2).toNanos();
        }

        void start() {
            threads.add(thread("soak-jitter", this::play));
            threads.add(thread("soak-phi-sampler", () -> {
                while (!stop.get()) {
                    blobPhi.add(cloud.health().phi("azure", Service.BLOB));
                    queuePhi.add(cloud.health().phi("azure", Service.QUEUE));
                    pause(10);
                }
            }));
        }

        void stop() {
            stop.set(true);
            threads.forEach(t -> {
                try {
                    t.join(15_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            cloud.switchboard().clear("azure");
        }

        private void play() {
            while (!stop.get() && System.nanoTime() < endNanos) {
                pause(2000 + random.nextInt(6000));
                if (stop.get()) {
                    return;
                }
                int kind = random.nextInt(10);
                if (kind < 4) {
                    int ms = 20 + random.nextInt(61);
                    spikes++;
                    log("latency spike " + ms + " ms on azure");
                    cloud.switchboard().inject("azure", Fault.latency(Duration.ofMillis(ms)));
                    pause(1000 + random.nextInt(4000));
                    cloud.switchboard().clear("azure");
                } else if (kind < 7) {
                    pauses++;
                    log("SIGSTOP Azurite");
                    env.freeze("azure");
                    pause(300);
                    env.thaw("azure");
                    log("SIGCONT Azurite");
                } else {
                    bursts++;
                    int ms = 3000 + random.nextInt(7000);
                    log("CPU burst " + ms + " ms");
                    burn(ms);
                }
            }
        }

        /** A jitter event, with the wall-clock time the facade's log lines carry. */
        private static void log(String what) {
            System.out.println(java.time.LocalTime.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + " [jitter] " + what);
        }

        /** Two busy processes (not threads of this JVM) for {@code ms}: the whole machine is loaded. */
        private void burn(long ms) {
            List<Process> burners = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    burners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
                }
                pause(ms);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot start a CPU burner (sh)", e);
            } finally {
                burners.forEach(Process::destroyForcibly);
            }
        }

        double phiPct(Service service, double p) {
            List<Double> sorted;
            synchronized (service == Service.BLOB ? blobPhi : queuePhi) {
                sorted = new ArrayList<>(service == Service.BLOB ? blobPhi : queuePhi);
            }
            sorted.removeIf(v -> v.isNaN() || v.isInfinite());
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            Collections.sort(sorted);
            int rank = (int) Math.ceil(p / 100.0 * sorted.size());
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
        }

        String crossed(double[] thresholds) {
            double max = Math.max(phiPct(Service.BLOB, 100), phiPct(Service.QUEUE, 100));
            List<String> out = new ArrayList<>();
            for (double t : thresholds) {
                if (max >= t) {
                    out.add(String.format(Locale.ROOT, "%.0f", t));
                }
            }
            return out.isEmpty() ? "none" : String.join(", ", out);
        }

        private static Thread thread(String name, Runnable body) {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        private static void pause(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
