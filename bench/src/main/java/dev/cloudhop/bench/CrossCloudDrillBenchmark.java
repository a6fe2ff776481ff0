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
import dev.cloudhop.samples.commerce.Commerce;
import dev.cloudhop.samples.commerce.DrillOutput;
import dev.cloudhop.samples.commerce.OrderTraffic;
import dev.cloudhop.samples.crosscloud.CrossCloudDemo;
import dev.cloudhop.samples.crosscloud.EmulatedSites;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Per disaster scenario, N drills of the commerce application on the real emulated sites (Azurite behind
 * its edge, LocalStack, on-prem BIND/Artemis/files/sshd; redeploy topology, async replication): detection,
 * RTO and provisioning p50/p99, and the RPO (writes acknowledged at the failed site that had not reached the
 * new one) at the steady write rate the drill measured, and the front door's recovery (compute up and DNS
 * switched). Usage: {@code bin/bench drills [runs] [localstack|moto] [scenario] [detection] [order]} (default 10 runs
 * of every scenario; a scenario argument keeps those whose label contains it, {@code all} keeps every one; detection
 * and order as {@link Tuning}: e.g. {@code count compute-first} for the older defaults).
 */
public final class CrossCloudDrillBenchmark {

    /** Every run's full drill report (timeline, runbook steps, workload), as JSON. */
    private static final Path REPORTS = Path.of("target", "bench-drills");

    /** How long a run waits for acknowledged orders to be processed before it counts the rest as lost. */
    private static final Duration DRAIN = Duration.ofSeconds(120);

    private CrossCloudDrillBenchmark() {
    }

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        EmulatedSites.Aws aws = args.length > 1 ? EmulatedSites.Aws.of(args[1]) : EmulatedSites.Aws.LOCALSTACK;
        try (EmulatedSites env = EmulatedSites.start(aws)) {
            Tuning tuning = new Tuning(args.length > 3 ? args[3] : "default", args.length > 4 ? args[4] : "default");
            Path config = env.config(tuning.apply(EmulatedSites.failoverSection("manual")));
            Map<String, Function<FailoverCloud, Drill.Scenario>> scenarios = new LinkedHashMap<>();
            scenarios.put("region outage, SIGKILL of azure's edge", c -> env.killScenario("azure"));
            scenarios.put("network outage, SIGSTOP of Azurite", c -> env.freezeScenario("azure"));
            scenarios.put("region outage, switchboard (all azure services unavailable)", c -> Drill.Scenario.regionOutage("azure"));
            scenarios.put("whole-cloud outage to on-prem (azure killed, AWS frozen)", c -> Drill.Scenario.of("cloud-outage-to-onprem",
                    "azure", "azure's edge killed and AWS frozen", () -> {
                        long start = System.nanoTime();
                        env.freeze("aws");
                        long until = System.nanoTime() + 10_000_000_000L;
                        while (c.health().isUp("aws", Service.BLOB) && System.nanoTime() < until) {
                            sleep(20);
                        }
                        LAST_FAULT_OFFSET_NANOS.set(System.nanoTime() - start);
                        env.kill("azure");
                    }, () -> {
                        env.thaw("aws");
                        env.restart("azure");
                    }));
            List<String> summary = new ArrayList<>();
            String only = args.length > 2 && !args[2].equals("all") ? args[2] : "";
            for (Map.Entry<String, Function<FailoverCloud, Drill.Scenario>> s : scenarios.entrySet()) {
                if (!s.getKey().contains(only)) {
                    continue;
                }
                summary.add(run(s.getKey(), config, runs, s.getValue()));
            }
            System.out.println();
            System.out.println("== cross-cloud drills: " + runs + " runs per scenario, " + aws.name().toLowerCase(Locale.ROOT)
                    + " as AWS, 4 clients at 25 ms think time, " + tuning.label() + " ==");
            System.out.println("scenario | detection p50/p99 ms | data-plane RTO p50/p99 ms | front-door RTO p50/p99 ms | provisioning p50 ms"
                    + " | RPO writes p50/max | write rate/s | lost | twice");
            summary.forEach(System.out::println);
        }
    }

    /**
     * A scenario of two faults in turn sets this to the time from the first (when the report's clock starts) to the
     * second: the whole-cloud outage freezes AWS, waits until AWS is found down, then kills azure's edge. Its figures
     * are printed twice, from the first fault and from the second (the outage of the active site).
     */
    private static final AtomicLong LAST_FAULT_OFFSET_NANOS = new AtomicLong();

    private static String run(String label, Path config, int runs, Function<FailoverCloud, Drill.Scenario> scenario) throws Exception {
        DrillStats stats = new DrillStats();
        DrillStats fromLastFault = new DrillStats();
        System.out.println("-- " + label);
        for (int i = 0; i < runs; i++) {
            ProviderRegistry providers = ProviderRegistry.discover();
            CloudhopConfig cfg = CloudhopConfig.load(config, Map.of(), providers);
            try (Sites raw = Cloudhop.open(cfg, providers)) {
                startFresh(raw);
            }
            try (Sites sites = Cloudhop.open(cfg, providers);
                 FailoverCloud cloud = FailoverCloud.builder(sites, FailoverConfig.of(cfg)).build();
                 Commerce shop = new Commerce(cloud)) {
                if (!cloud.activeSite().equals("azure")) {
                    cloud.failback();
                }
                CrossCloudDemo.prepareDns(cloud);
                shop.setUp(Commerce.sampleCatalog());
                shop.startWorkers(2);
                OrderTraffic traffic = new OrderTraffic(shop, Long.MAX_VALUE, DRAIN);
                LAST_FAULT_OFFSET_NANOS.set(0);
                DrillReport r = Drill.run(cloud, scenario.apply(cloud), traffic,
                        new Drill.Options(4, Duration.ofMillis(25), Duration.ofSeconds(1), Duration.ofSeconds(5),
                                Duration.ofMillis(500), true));
                stats.add(r);
                fromLastFault.add(r, Duration.ofNanos(LAST_FAULT_OFFSET_NANOS.get()));
                DrillOutput.write(REPORTS.resolve(slug(label) + "-" + (i + 1) + ".json"), List.of(r)); // and its page, .html
                if (DrillStats.broke(r)) {
                    DrillOutput.print(r);
                }
                System.out.printf(Locale.ROOT, "  run %2d: detection %6.0f ms  RTO %6.0f ms  front door %6.0f ms  provisioning %5.0f ms  RPO %d writes  %s -> %s%s%n",
                        i + 1, stats.detectionMs.get(i), stats.rtoMs.get(i), stats.frontDoorMs.get(i), stats.provisioningMs.get(i),
                        r.rpoWrites(), r.siteBefore(),
                        r.failover().map(f -> f.to()).orElse("-"), LAST_FAULT_OFFSET_NANOS.get() == 0 ? ""
                                : String.format(Locale.ROOT, "  (second fault at %.0f ms: from it, detection %.0f ms, RTO %.0f ms)",
                                LAST_FAULT_OFFSET_NANOS.get() / 1e6, fromLastFault.detectionMs.get(i), fromLastFault.rtoMs.get(i)));
            }
        }
        String row = row(label, stats);
        return fromLastFault.rtoMs.equals(stats.rtoMs) ? row : row + "\n" + row(label + ", from the second fault", fromLastFault);
    }

    private static String row(String label, DrillStats stats) {
        return String.format(Locale.ROOT, "%s | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.0f | %.0f / %.0f | %.0f | %d | %d", label,
                DrillStats.pct(stats.detectionMs, 50), DrillStats.pct(stats.detectionMs, 99), DrillStats.pct(stats.rtoMs, 50),
                DrillStats.pct(stats.rtoMs, 99), DrillStats.pct(stats.frontDoorMs, 50), DrillStats.pct(stats.frontDoorMs, 99),
                DrillStats.pct(stats.provisioningMs, 50), DrillStats.pct(stats.rpoWrites, 50),
                DrillStats.pct(stats.rpoWrites, 100), stats.writeRate(), stats.lost, stats.twice);
    }

    /**
     * Every run starts from empty order records and an empty Azure dedup ledger, so runs are alike: without
     * this, Azurite (whose in-memory store slows as blobs pile up) made each run slower than the one before
     * (run 9 of the region outage took 2.4 min, run 1 35 s).
     */
    private static void startFresh(Sites raw) {
        for (String site : raw.ids()) {
            raw.site(site).blobs().deleteContainer("orders");
        }
        // provider-azure's queue dedup markers (queue.dedup-container); it makes the container again
        raw.site("azure").blobs().deleteContainer("cloudhop-dedup");
    }

    private static String slug(String label) {
        return label.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "").toLowerCase(Locale.ROOT);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
