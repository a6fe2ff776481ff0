package dev.cloudhop.bench;

import dev.cloudhop.samples.fleet.Fleet;
import dev.cloudhop.samples.fleet.FleetChecker;
import dev.cloudhop.samples.fleet.FleetMode;
import dev.cloudhop.samples.fleet.FleetReport;
import dev.cloudhop.samples.fleet.FleetSchedule;
import dev.cloudhop.testing.ZooKeeperEnsemble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Randomized fleet runs: per schedule, three {@code FleetInstance} JVMs on three shared on-prem file sites,
 * 2-4 faults drawn from the schedule's seed over 4 s of workload (an instance loses a site in its own view,
 * is killed or frozen, a site is slow, a ZooKeeper server is killed when the mode uses one), then a clean stop
 * and the independent {@link FleetChecker}. Prints one row per schedule (with its seed, to replay it) and
 * the totals.
 *
 * <p>Usage: {@code FleetBenchmark [schedules=10] [mode=single] [base-seed=1]}; {@code bin/bench fleet}.
 */
public final class FleetBenchmark {

    private static final List<String> SITES = List.of("s1", "s2", "s3");
    private static final int INSTANCES = 3;
    private static final Duration SPAN = Duration.ofSeconds(4);

    private FleetBenchmark() {
    }

    /** Runs the schedules; see the class comment. */
    public static void main(String[] args) throws Exception {
        int schedules = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        FleetMode mode = args.length > 1 ? FleetMode.of(args[1]) : FleetMode.SINGLE;
        long baseSeed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        System.out.printf("fleet benchmark: %d schedules, mode %s, base seed %d, %d instances, sites %s%n",
                schedules, mode.kind(), baseSeed, INSTANCES, SITES);
        System.out.printf("%-8s %-6s %-7s %-9s %-10s %-9s %s%n", "seed", "faults", "acked", "failovers", "violations",
                "wall s", "rules broken");
        long faults = 0;
        long failovers = 0;
        long violations = 0;
        long acked = 0;
        int failing = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < schedules; i++) {
            long seed = baseSeed + i;
            long t = System.nanoTime();
            FleetReport report = runOne(seed, mode);
            double wall = (System.nanoTime() - t) / 1e9;
            faults += report.faultsInjected();
            failovers += report.failovers();
            violations += report.violations().size();
            acked += report.writesAcked();
            failing += report.passed() ? 0 : 1;
            System.out.printf("%-8d %-6d %-7d %-9d %-10d %-9.1f %s%n", seed, report.faultsInjected(), report.writesAcked(),
                    report.failovers(), report.violations().size(), wall,
                    report.violations().stream().map(v -> v.rule().name()).distinct().toList());
        }
        System.out.printf("%nschedules %d | faults injected %d | failovers %d | invariant violations %d (in %d schedules) | "
                        + "writes acked %d | wall time %.1f s%n", schedules, faults, failovers, violations, failing, acked,
                (System.nanoTime() - t0) / 1e9);
    }

    private static FleetReport runOne(long seed, FleetMode mode) throws Exception {
        int steps = new SplittableRandom(seed).nextInt(2, 5);
        Path run = Files.createTempDirectory("cloudhop-fleet-bench-" + seed + "-");
        ZooKeeperEnsemble zk = mode.usesZooKeeper() ? ZooKeeperEnsemble.start(3) : null;
        try (zk; Fleet fleet = Fleet.start(run, mode, SITES, INSTANCES, zk == null ? null : zk.connectString(),
                Duration.ofMillis(20))) {
            FleetSchedule schedule = FleetSchedule.random(seed, INSTANCES, SITES, steps, SPAN, zk == null ? 0 : zk.size());
            int injected = fleet.play(schedule, zk);
            fleet.stopAll();
            FleetReport report = new FleetChecker().check(run, fleet.sites(), injected);
            if (!report.passed()) {
                System.out.println("  seed " + seed + " (" + run + "): " + report.toString().replace("\n", "\n  "));
            }
            return report;
        }
    }
}
