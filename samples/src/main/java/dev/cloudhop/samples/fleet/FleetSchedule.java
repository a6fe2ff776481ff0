package dev.cloudhop.samples.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A randomized sequence of faults for a fleet run, drawn from a seed: the same seed, instance count, sites,
 * step count and span give an equal schedule, so a failing run is replayed by its printed seed. The span is
 * cut into one slot per step and each fault starts and ends inside its slot, so faults never overlap (a killed
 * instance is restarted before the next fault picks it).
 *
 * @param seed  the seed the faults were drawn from
 * @param span  how long the faulty part of the run lasts
 * @param steps the faults in start order
 */
public record FleetSchedule(long seed, Duration span, List<Step> steps) {

    /** Default span of {@link #random(long, int, List, int)}. */
    public static final Duration DEFAULT_SPAN = Duration.ofSeconds(6);

    /** Validates and copies. */
    public FleetSchedule {
        Objects.requireNonNull(span, "span");
        steps = List.copyOf(steps);
    }

    /** One fault: it starts {@code atMillis} after the run's start and is undone {@code durationMillis} later. */
    public sealed interface Step {
        /** Start, in ms from the start of the run. */
        long atMillis();

        /** How long it lasts before it is undone, in ms. */
        long durationMillis();
    }

    /** Instance {@code instance} (0-based) sees {@code site}'s blob service unavailable; the others do not. */
    public record ViewLoss(long atMillis, long durationMillis, int instance, String site) implements Step {
    }

    /** Instance {@code instance} is killed (SIGKILL) and started again after the duration. */
    public record KillInstance(long atMillis, long durationMillis, int instance) implements Step {
    }

    /** Instance {@code instance} is frozen (SIGSTOP) and thawed (SIGCONT) after the duration. */
    public record FreezeInstance(long atMillis, long durationMillis, int instance) implements Step {
    }

    /** Every instance sees {@code site}'s blob calls delayed by {@code latencyMillis}. */
    /** A site is down for every instance (a region outage): the fault that should move the whole fleet. */
    public record SiteOutage(long atMillis, long durationMillis, String site) implements Step {
    }

    public record SlowSite(long atMillis, long durationMillis, String site, long latencyMillis) implements Step {
    }

    /** ZooKeeper server {@code server} (0-based) is killed (SIGKILL) and restarted after the duration. */
    public record KillZooKeeper(long atMillis, long durationMillis, int server) implements Step {
    }

    /** {@link #random(long, int, List, int, Duration, int)} over {@link #DEFAULT_SPAN} without ZooKeeper faults. */
    public static FleetSchedule random(long seed, int instances, List<String> sites, int steps) {
        return random(seed, instances, sites, steps, DEFAULT_SPAN, 0);
    }

    /**
     * Draws {@code steps} faults over {@code span}.
     *
     * @param zooKeeperServers the ensemble's size when the mode uses ZooKeeper (its servers may be killed), else 0
     */
    public static FleetSchedule random(long seed, int instances, List<String> sites, int steps, Duration span,
                                       int zooKeeperServers) {
        if (instances < 1 || sites.isEmpty() || steps < 0) {
            throw new IllegalArgumentException("need instances >= 1, sites and steps >= 0");
        }
        SplittableRandom random = new SplittableRandom(seed);
        long slot = steps == 0 ? span.toMillis() : span.toMillis() / steps;
        int kinds = zooKeeperServers > 0 ? 6 : 5;
        List<Step> drawn = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            long at = i * slot + random.nextLong(Math.max(1, slot / 4));
            long duration = Math.max(100, slot / 3 + random.nextLong(Math.max(1, slot / 3)));
            int instance = random.nextInt(instances);
            String site = sites.get(random.nextInt(sites.size()));
            drawn.add(switch (random.nextInt(kinds)) {
                case 0 -> new ViewLoss(at, duration, instance, site);
                case 1 -> new KillInstance(at, duration, instance);
                case 2 -> new FreezeInstance(at, duration, instance);
                case 3 -> new SlowSite(at, duration, site, 50 + random.nextLong(250));
                // half of the outages hit the primary, the site a fleet starts on, so that failovers happen
                case 4 -> new SiteOutage(at, duration, random.nextBoolean() ? sites.get(0) : site);
                default -> new KillZooKeeper(at, duration, random.nextInt(zooKeeperServers));
            });
        }
        return new FleetSchedule(seed, span, drawn);
    }
}
