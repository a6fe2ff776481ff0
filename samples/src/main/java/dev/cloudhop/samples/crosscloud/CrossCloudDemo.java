package dev.cloudhop.samples.crosscloud;

import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.RunbookReport;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.samples.commerce.Commerce;
import dev.cloudhop.samples.commerce.CommerceHttp;
import dev.cloudhop.samples.commerce.DrillOutput;
import dev.cloudhop.samples.commerce.OrderTraffic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The README's main job: the commerce application on three real emulated sites (see {@link EmulatedSites}),
 * under steady order traffic, through two real disasters:
 * <ol>
 *   <li>Azure's region goes down: its network edge process is killed ({@code SIGKILL}; Azurite behind it keeps
 *       what it acknowledged, see {@link EmulatedSites}). The facade detects it, fails over to
 *       AWS (LocalStack): fences Azure, provisions EC2 instances (redeploy topology), switches
 *       {@value EmulatedSites#RECORD} on BIND (RFC 2136) and on Route 53, and moves the clients.</li>
 *   <li>While Azure is still down, AWS hangs: LocalStack is frozen ({@code SIGSTOP}). The facade fails over
 *       to on-prem (files, Artemis, BIND, inventory machines over SSH).</li>
 *   <li>The clouds return (azure's edge restarted on its ports, LocalStack thawed) and the facade
 *       fails back to Azure, merging the orders stranded on the way.</li>
 * </ol>
 * It prints each drill's report, what an independent {@code dig} and the Route 53 API said after each
 * switch, and a summary, and writes the reports to {@code target/crosscloud-drill-reports.json}. Exit status 1
 * if an acknowledged order was lost or processed twice.
 *
 * <p>Arguments: {@code --aws=localstack|moto} (default localstack), {@code --serve} to keep the shop's web
 * page up at the end.
 */
public final class CrossCloudDemo {

    private CrossCloudDemo() {
    }

    /** Runs the demo. */
    public static void main(String[] args) throws Exception {
        EmulatedSites.Aws awsKind = EmulatedSites.Aws.LOCALSTACK;
        boolean serve = false;
        for (String a : args) {
            if (a.startsWith("--aws=")) {
                awsKind = EmulatedSites.Aws.of(a.substring(6));
            } else if (a.equals("--serve")) {
                serve = true;
            } else {
                throw new IllegalArgumentException("unknown argument '" + a + "'; use --aws=localstack|moto and --serve");
            }
        }
        long start = System.nanoTime();
        say("starting the sites: Azurite (azure), %s (aws), BIND + sshd + Artemis + files (onprem) ...", awsKind.name().toLowerCase());
        try (EmulatedSites env = EmulatedSites.start(awsKind)) {
            env.startupTimes().forEach((name, d) -> say("  %-10s ready in %5d ms", name, d.toMillis()));
            Path config = env.config(EmulatedSites.failoverSection("manual"));
            say("configuration: %s", config);
            boolean clean = run(env, config, serve, start);
            if (!clean) {
                System.exit(1);
            }
        }
    }

    private static boolean run(EmulatedSites env, Path config, boolean serve, long start) throws Exception {
        try (FailoverCloud cloud = FailoverCloud.open(config, b -> b.meterRegistry(CommerceHttp.prometheusRegistry()))) {
            prepareDns(cloud);
            List<String> dnsChecks = Collections.synchronizedList(new ArrayList<>());
            ExecutorService checker = Executors.newSingleThreadExecutor();
            AutoCloseable sub = cloud.events().subscribe(e -> {
                if (e instanceof FailoverEvent.ActiveSiteChanged a) {
                    checker.submit(() -> dnsChecks.add(checkDns(env, cloud, a.to())));
                }
            });
            try (Commerce shop = new Commerce(cloud); CommerceHttp http = new CommerceHttp(shop, 0)) {
                shop.setUp(Commerce.sampleCatalog());
                shop.startWorkers(2);
                say("shop running: sites %s, active %s, web page %s, Prometheus metrics %s/metrics", cloud.siteIds(),
                        cloud.activeSite(), http.uri(), http.uri());
                say("DNS before: %s", checkDns(env, cloud, cloud.activeSite()));

                say("drill 1: region outage of azure -- its network edge is killed (SIGKILL) under steady order traffic");
                // orders acknowledged just before the kill wait in Azurite's durable queue until azure returns:
                // drill 1 can only count them as not yet processed; the summary verifies them at the end
                OrderTraffic traffic1 = new OrderTraffic(shop, Long.MAX_VALUE, Duration.ofSeconds(5));
                DrillReport d1 = Drill.run(cloud, Drill.Scenario.of("region-outage-sigkill", "azure",
                                "azure's edge killed (SIGKILL): connections refused; azure stays down", () -> env.kill("azure"), () -> { }),
                        traffic1, new Drill.Options(4, Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(6),
                                Duration.ofSeconds(2), false));
                DrillOutput.print(d1);
                http.showDrill(d1); // the page's "last failover" timeline

                say("drill 2: whole-cloud outage -- with azure still down, LocalStack is frozen (SIGSTOP): every AWS call hangs");
                OrderTraffic traffic2 = new OrderTraffic(shop, Long.MAX_VALUE, Duration.ofSeconds(30));
                DrillReport d2 = Drill.run(cloud, Drill.Scenario.of("cloud-outage-to-onprem", "aws",
                                "AWS frozen (SIGSTOP) while azure is down; then both return (azure's edge restarted, AWS thawed)",
                                () -> env.freeze("aws"), () -> {
                                    env.thaw("aws");
                                    say("azure returns: its edge restarted on the same ports in %d ms", env.restart("azure").toMillis());
                                }),
                        traffic2, new Drill.Options(4, Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(6),
                                Duration.ofSeconds(3), true));
                DrillOutput.print(d2);
                http.showDrill(d2);
                checker.shutdown();
                checker.awaitTermination(20, TimeUnit.SECONDS);
                say("DNS after each switch (dig asks BIND directly; Route 53 is read through the AWS API):");
                dnsChecks.forEach(c -> say("  %s", c));
                cloud.awaitIdle(Duration.ofSeconds(30)); // a DNS site that was down at a switch is repaired on recovery
                say("  now: %s", checkDns(env, cloud, cloud.activeSite()));

                Path out = Path.of("target", "crosscloud-drill-reports.json");
                Path page = DrillOutput.write(out, List.of(d1, d2));
                say("reports written to %s and, as a page with each drill's timeline, %s", out.toAbsolutePath(),
                        page.toAbsolutePath());
                Map<String, Object> final1 = traffic1.verify(Duration.ofSeconds(30));
                Map<String, Object> final2 = traffic2.verify(Duration.ofSeconds(30));
                say("after the sites returned: drill 1's orders %s; drill 2's orders %s", final1, final2);
                boolean clean = clean(final1) && clean(final2);
                RunbookReport first = d1.failover().orElse(null);
                say("summary: azure -> %s -> %s -> %s (active now: %s, epoch %d)",
                        first == null ? "?" : first.to(), d2.failover().map(RunbookReport::to).orElse("?"),
                        d2.runbooks().isEmpty() ? "?" : d2.runbooks().get(d2.runbooks().size() - 1).to(), cloud.activeSite(), cloud.epoch());
                say("  drill 1 (SIGKILL azure): detection %s, RTO %d ms, provisioning %d ms, RPO %d writes, %d of %d calls failed",
                        ms(d1.detection()), d1.rto().toMillis(), d1.provisioning().toMillis(), d1.rpoWrites(), d1.failedCalls(), d1.calls());
                say("  drill 2 (SIGSTOP aws):  detection %s, RTO %d ms, provisioning %d ms, RPO %d writes, %d of %d calls failed",
                        ms(d2.detection()), d2.rto().toMillis(), d2.provisioning().toMillis(), d2.rpoWrites(), d2.failedCalls(), d2.calls());
                say("  orders: %s acknowledged, %s lost, %s processed twice; %s",
                        (int) final1.get("ordersAcknowledged") + (int) final2.get("ordersAcknowledged"),
                        (long) final1.get("ordersLost") + (long) final2.get("ordersLost"),
                        (long) final1.get("ordersProcessedTwice") + (long) final2.get("ordersProcessedTwice"),
                        clean ? "no acknowledged order lost or processed twice" : "ORDERS LOST OR DUPLICATED");
                say("  total %.1f s", (System.nanoTime() - start) / 1e9);
                if (serve) {
                    say("serving %s until interrupted (Ctrl-C)", http.uri());
                    Thread.currentThread().join();
                }
                return clean;
            } finally {
                sub.close();
                checker.shutdownNow();
            }
        }
    }

    /** The zone exists on every DNS site (a hosted zone on Route 53; static on BIND) and points at the active site. */
    public static void prepareDns(FailoverCloud cloud) {
        cloud.config().dns().ifPresent(d -> d.sites().forEach(s -> {
            cloud.rawSite(s).dns().createZone(d.zone());
            cloud.rawSite(s).dns().upsert(d.zone(), RecordSet.of(d.record(), RecordType.A, d.ttl(), d.endpoints().get(cloud.activeSite())));
        }));
    }

    /** What BIND (by dig) and Route 53 (by its API) answer for the record now. */
    static String checkDns(EmulatedSites env, FailoverCloud cloud, String active) {
        String bind;
        try {
            bind = env.digRecord();
        } catch (RuntimeException e) {
            bind = "unanswered (" + e.getMessage() + ")";
        }
        String route53;
        try {
            route53 = cloud.rawSite("aws").dns().get(EmulatedSites.ZONE, EmulatedSites.RECORD, RecordType.A)
                    .map(r -> String.join(",", r.values())).orElse("no record");
        } catch (RuntimeException e) {
            route53 = "unreachable (" + e.getClass().getSimpleName() + ")";
        }
        return String.format("active %-6s (%s): dig @BIND -> %s; Route 53 -> %s", active, EmulatedSites.ENDPOINTS.get(active),
                bind.isEmpty() ? "no answer" : bind, route53);
    }

    private static boolean clean(Map<String, Object> workload) {
        return ((Number) workload.get("ordersLost")).longValue() == 0
                && ((Number) workload.get("ordersProcessedTwice")).longValue() == 0;
    }

    private static String ms(Duration d) {
        return d == null ? "none" : d.toMillis() + " ms";
    }



    static void say(String format, Object... args) {
        System.out.printf("[demo] " + format + "%n", args);
    }
}
