package dev.cloudhop.bench;

import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.samples.commerce.Commerce;
import dev.cloudhop.samples.commerce.OrderTraffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Runs N region-outage drills of the commerce application on three local sites (probe interval 100 ms,
 * the demo's configuration) under two traffic levels and prints the distribution of detection time and
 * RTO (p50/p99/max) and the RPO. Usage: {@code bin/bench rto [drills]} (default 20).
 */
public final class FailoverRtoBenchmark {

    private FailoverRtoBenchmark() {
    }

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        int drills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path configFile = Path.of(args.length > 1 ? args[1] : "samples/demo.conf");
        String text = Files.readString(configFile);
        run("steady traffic: 4 clients, 10 ms think time", text, drills, 4, Duration.ofMillis(10));
        run("light traffic: 1 client, 200 ms think time", text, drills, 1, Duration.ofMillis(200));
    }

    private static void run(String label, String config, int drills, int clients, Duration think) throws Exception {
        DrillStats stats = new DrillStats();
        for (int i = 0; i < drills; i++) {
            ProviderRegistry providers = ProviderRegistry.discover();
            CloudhopConfig cfg = CloudhopConfig.parse(config, "bench", Map.of(), providers);
            try (Sites sites = Cloudhop.open(cfg, providers)) {
                FailoverConfig fc = FailoverConfig.of(cfg);
                fc.dns().ifPresent(d -> d.sites().forEach(s -> sites.site(s).dns().createZone(d.zone())));
                try (FailoverCloud cloud = FailoverCloud.builder(sites, fc).build(); Commerce shop = new Commerce(cloud)) {
                    shop.setUp(Commerce.sampleCatalog());
                    shop.startWorkers(2);
                    OrderTraffic traffic = new OrderTraffic(shop, Long.MAX_VALUE, Duration.ofSeconds(20));
                    DrillReport r = Drill.run(cloud, Drill.Scenario.regionOutage("azure"), traffic,
                            new Drill.Options(clients, think, Duration.ofMillis(700), Duration.ofMillis(1500),
                                    Duration.ofMillis(300), true));
                    stats.add(r);
                    System.out.printf(Locale.ROOT, "  drill %2d: detection %6.1f ms  RTO %6.1f ms  RPO %d writes  failed %d/%d%n",
                            i + 1, stats.detectionMs.get(i), stats.rtoMs.get(i), r.rpoWrites(), r.failedCalls(), r.calls());
                }
            }
        }
        System.out.println("== " + label + ", " + drills + " region-outage drills, probe interval 100 ms ==");
        System.out.printf(Locale.ROOT, "detection ms: p50 %.1f  p99 %.1f  max %.1f%n", DrillStats.pct(stats.detectionMs, 50),
                DrillStats.pct(stats.detectionMs, 99), DrillStats.pct(stats.detectionMs, 100));
        System.out.printf(Locale.ROOT, "RTO ms:       p50 %.1f  p99 %.1f  max %.1f%n", DrillStats.pct(stats.rtoMs, 50),
                DrillStats.pct(stats.rtoMs, 99), DrillStats.pct(stats.rtoMs, 100));
        System.out.printf(Locale.ROOT, "RPO writes:   max %.0f%n", DrillStats.pct(stats.rpoWrites, 100));
        System.out.printf(Locale.ROOT, "client calls failed: %d of %d; orders lost: %d; processed twice: %d%n",
                stats.failedCalls, stats.calls, stats.lost, stats.twice);
    }
}
