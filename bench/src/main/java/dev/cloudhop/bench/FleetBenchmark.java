package dev.cloudhop.bench;

import dev.cloudhop.samples.fleet.FleetMode;
import dev.cloudhop.samples.fleet.FleetReport;
import dev.cloudhop.samples.fleet.FleetRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Randomized fleet runs, one {@link FleetRun} per schedule: three instance JVMs on three shared on-prem file
 * sites, 2-4 faults drawn from the schedule's seed (an instance loses a site in its own view, is killed or
 * frozen, a site is slow, a ZooKeeper server is killed when the mode uses one), then a clean stop and the
 * independent checker. Prints one row per schedule (with its seed, to replay it) and
 * the totals.
 *
 * <p>Usage: {@code FleetBenchmark [schedules=10] [mode=single] [base-seed=1]}; {@code bin/bench fleet}.
 */
public final class FleetBenchmark {

    private FleetBenchmark() {
    }

    /** Runs the schedules; see the class comment. */
    public static void main(String[] args) throws Exception {
        int schedules = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        FleetMode mode = args.length > 1 ? FleetMode.of(args[1]) : FleetMode.SINGLE;
        long baseSeed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        System.out.printf("fleet benchmark: %d schedules, mode %s, base seed %d, %d instances, sites %s%n",
                schedules, mode.kind(), baseSeed, FleetRun.INSTANCES, FleetRun.SITES);
        System.out.printf("%-8s %-6s %-7s %-9s %-10s %-9s %s%n", "seed", "faults", "acked", "failovers", "violations",
                "wall s", "rules broken");
        long faults = 0;
        long failovers = 0;
        long violations = 0;
        long acked = 0;
        int failing = 0;
        Map<String, Integer> kinds = new TreeMap<>();
        List<Long> gaps = new ArrayList<>();
        List<Long> runbooks = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < schedules; i++) {
            long seed = baseSeed + i;
            long t = System.nanoTime();
            FleetReport report = FleetRun.random(seed, mode,
                    schedule -> schedule.steps().forEach(st -> kinds.merge(st.getClass().getSimpleName(), 1, Integer::sum)));
            double wall = (System.nanoTime() - t) / 1e9;
            faults += report.faultsInjected();
            failovers += report.failovers();
            violations += report.violations().size();
            acked += report.writesAcked();
            gaps.addAll(report.switchGapsMillis());
            runbooks.addAll(report.runbookMillis());
            failing += report.passed() ? 0 : 1;
            System.out.printf("%-8d %-6d %-7d %-9d %-10d %-9.1f %s%n", seed, report.faultsInjected(), report.writesAcked(),
                    report.failovers(), report.violations().size(), wall,
                    report.violations().stream().map(v -> v.rule().name()).distinct().toList());
        }
        System.out.printf("%nschedules %d | faults injected %d | failovers %d | invariant violations %d (in %d schedules) | "
                        + "writes acked %d | wall time %.1f s%n", schedules, faults, failovers, violations, failing, acked,
                (System.nanoTime() - t0) / 1e9);
        System.out.println("faults by kind (drawn): " + kinds);
        System.out.println("write gap at an epoch change, ms (no write acknowledged fleet-wide): " + percentiles(gaps));
        System.out.println("runbook, FailoverStarted to FailoverCompleted, ms: " + percentiles(runbooks));
    }

    private static String percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return "none";
        }
        List<Long> sorted = values.stream().sorted().toList();
        return String.format("n=%d p50=%d p90=%d p99=%d max=%d", sorted.size(), at(sorted, 0.50), at(sorted, 0.90),
                at(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    private static long at(List<Long> sorted, double q) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }
}
