package dev.cloudhop.samples.fleet;

import dev.cloudhop.testing.ZooKeeperEnsemble;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One randomized fleet run, the unit of the fleet benchmark and of the fixed-seed schedules CI runs: three
 * {@link FleetInstance} JVMs on three shared on-prem file sites (s1, s2, s3 in priority order), 2-4 faults drawn
 * from the seed over {@link #SPAN} of workload, a three-server ZooKeeper ensemble when the mode uses one, then a
 * clean stop and the independent {@link FleetChecker}. The same seed replays the same schedule.
 */
public final class FleetRun {

    /** The sites, in priority order. */
    public static final List<String> SITES = List.of("s1", "s2", "s3");
    /** Application instances per run. */
    public static final int INSTANCES = 3;
    /** Time over which the faults are drawn. */
    public static final Duration SPAN = Duration.ofSeconds(4);

    private FleetRun() {
    }

    /**
     * Runs the schedule of {@code seed} in {@code mode} and checks it.
     *
     * @param onSchedule sees the schedule before it is played (to print or count its faults)
     * @return the checker's report; when it failed, the run directory is kept and printed for inspection
     */
    public static FleetReport random(long seed, FleetMode mode, Consumer<FleetSchedule> onSchedule) throws IOException {
        int steps = new SplittableRandom(seed).nextInt(2, 5);
        Path run = Files.createTempDirectory("cloudhop-fleet-" + mode.kind() + "-" + seed + "-");
        ZooKeeperEnsemble zk = mode.usesZooKeeper() ? ZooKeeperEnsemble.start(3) : null;
        try (zk; Fleet fleet = Fleet.start(run, mode, SITES, INSTANCES, zk == null ? null : zk.connectString(),
                Duration.ofMillis(20))) {
            FleetSchedule schedule = FleetSchedule.random(seed, INSTANCES, SITES, steps, SPAN, zk == null ? 0 : zk.size());
            onSchedule.accept(schedule);
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
