package dev.cloudhop.samples.commerce;

import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.runbook.RunbookStep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The zero-install demo ({@code bin/demo --local}): the commerce application on three in-memory sites under
 * steady order traffic; a scripted
 * region outage of the primary (azure), automatic failover to aws, traffic continuing, azure returning and
 * a failback; then a dependent-service outage (azure's queues) showing reduced functionality. Prints each
 * drill's report (RTO, RPO, failed requests, lost and duplicated orders) and writes them as JSON. Before the
 * drills it submits one order the workers cannot process (for {@link Commerce#POISON_PRODUCT}); it is retried,
 * dead-lettered, and after both drills still in the dead-letter queue, once.
 *
 * <p>Arguments: the config file (default {@code samples/demo.conf}) and optionally {@code --serve} to keep
 * the shop's web page up afterwards.
 */
public final class FailoverDemo {

    private FailoverDemo() {
    }

    /** Runs the demo. */
    public static void main(String[] args) throws Exception {
        Path config = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "samples/demo.conf");
        boolean serve = java.util.Arrays.asList(args).contains("--serve");
        long start = System.nanoTime();
        try (FailoverCloud cloud = FailoverCloud.open(config,
                b -> b.runbookStep(RunbookStep.Position.before("redirect"), new PromoteDatabaseReplica())
                        .meterRegistry(CommerceHttp.prometheusRegistry()))) {
            cloud.config().dns().ifPresent(d -> d.sites().forEach(s -> cloud.rawSite(s).dns().createZone(d.zone())));
            try (Commerce shop = new Commerce(cloud); CommerceHttp http = new CommerceHttp(shop, 0)) {
                shop.setUp(Commerce.sampleCatalog());
                shop.startWorkers(2);
                say("shop running on sites %s, active %s; web page: %s, Prometheus metrics: %s/metrics", cloud.siteIds(),
                        cloud.activeSite(), http.uri(), http.uri());
                String poison = shop.submitOrder(java.util.Map.of(Commerce.POISON_PRODUCT, 1));
                say("poison order %s submitted (product %s, which the workers cannot process): %s", poison,
                        Commerce.POISON_PRODUCT, awaitDeadLettered(shop, poison) ? "dead-lettered after "
                                + shop.failedDeliveries().getOrDefault(poison, 0L) + " failed deliveries" : "NOT DEAD-LETTERED");

                say("drill 1: region outage of azure under steady order traffic");
                OrderTraffic traffic = new OrderTraffic(shop, Long.MAX_VALUE, Duration.ofSeconds(20));
                DrillReport region = Drill.run(cloud, Drill.Scenario.regionOutage("azure"), traffic,
                        new Drill.Options(4, Duration.ofMillis(10), Duration.ofSeconds(2), Duration.ofSeconds(4),
                                Duration.ofSeconds(2), true));
                DrillOutput.print(region);
                http.showDrill(region); // the page's "last failover" timeline
                cloud.config().dns().ifPresent(d -> say("DNS %s -> %s", d.record(), cloud.rawSite(d.sites().get(0)).dns()
                        .get(d.zone(), d.record(), RecordType.A).orElseThrow().values()));

                say("drill 2: azure's queue service fails (a dependent service); the catalog keeps serving");
                OrderTraffic traffic2 = new OrderTraffic(shop, Long.MAX_VALUE, Duration.ofSeconds(20));
                Drill.Scenario queueOutage = Drill.Scenario.dependentServiceOutage("azure", Service.QUEUE);
                int[] catalogDuring = {-1};
                Drill.Scenario observed = new Drill.Scenario(queueOutage.name(), queueOutage.site(), queueOutage.description(),
                        c -> {
                            queueOutage.inject().accept(c);
                            catalogDuring[0] = shop.products().size(); // read while the fault is on
                        }, queueOutage.clear());
                DrillReport queue = Drill.run(cloud, observed, traffic2,
                        new Drill.Options(2, Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofSeconds(2),
                                Duration.ofSeconds(1), false));
                say("catalog during the outage served %d products; ordering said: %s", catalogDuring[0],
                        traffic2.firstRejection().map(m -> "\"" + m + "\"").orElse("(no order was refused)"));
                DrillOutput.print(queue);
                http.showDrill(queue);

                Path out = Path.of("target", "drill-reports.json");
                Path page = DrillOutput.write(out, List.of(region, queue));
                say("reports written to %s and, as a page with each drill's timeline, %s", out.toAbsolutePath(),
                        page.toAbsolutePath());
                boolean poisonDeadLettered = awaitDeadLettered(shop, poison);
                List<String> dead = shop.deadLetteredOrders();
                boolean clean = (long) region.workload().get("ordersLost") == 0 && (long) queue.workload().get("ordersLost") == 0
                        && (long) region.workload().get("ordersProcessedTwice") == 0;
                say("summary: failover %s -> %s, RTO %d ms, RPO %d writes, %d of %d client calls failed, %s; total %.1f s",
                        region.siteBefore(), region.runbooks().isEmpty() ? "?" : region.runbooks().get(0).to(),
                        region.rto().toMillis(), region.rpoWrites(), region.failedCalls(), region.calls(),
                        clean ? "no order lost or processed twice" : "ORDERS LOST OR DUPLICATED",
                        (System.nanoTime() - start) / 1e9);
                say("dead letters: %s; dead-letter queue %s holds %d order(s) %s", poisonDeadLettered
                                ? "the poison order went to the DLQ once and was never processed"
                                : "THE POISON ORDER IS NOT IN THE DLQ EXACTLY ONCE", Commerce.ORDER_DLQ, dead.size(), dead);
                if (serve) {
                    say("serving %s until interrupted (Ctrl-C)", http.uri());
                    Thread.currentThread().join();
                }
                if (!clean || !poisonDeadLettered) {
                    System.exit(1);
                }
            }
        }
    }

    /**
     * Waits up to 15 s for {@code orderId} to be in the dead-letter queue exactly once, never processed (after a
     * failover or failback the dead-letter queue's content arrives with the next merge).
     */
    private static boolean awaitDeadLettered(Commerce shop, String orderId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            boolean once = shop.deadLetteredOrders().stream().filter(orderId::equals).count() == 1
                    && !shop.processedCounts().containsKey(orderId);
            if (once || System.nanoTime() > deadline) {
                return once;
            }
            Thread.sleep(50);
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf("[demo] " + format + "%n", args);
    }
}
