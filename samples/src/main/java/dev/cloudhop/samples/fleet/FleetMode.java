package dev.cloudhop.samples.fleet;

import java.util.Locale;

/** How the instances of a fleet agree on one failover decision: the value of {@code failover.coordination.kind}. */
public enum FleetMode {
    /** Each instance decides alone (no coordination section in the configuration). */
    SINGLE,
    /** Instances elect one decider through a ZooKeeper ensemble. */
    ZOOKEEPER,
    /** Instances agree through a quorum of conditional writes at the sites. */
    SITES;

    /** The configuration word: {@code single}, {@code zookeeper}, {@code sites}. */
    public String kind() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a run needs a ZooKeeper ensemble (and its schedules may kill ZooKeeper servers). */
    public boolean usesZooKeeper() {
        return this == ZOOKEEPER;
    }

    /**
     * Whether the checker must find no split brain in this mode: every mode that coordinates. {@link #SINGLE}
     * is expected to show one when instances see different sites fail.
     */
    public boolean preventsSplitBrain() {
        return this != SINGLE;
    }

    /** The mode of a configuration word. */
    public static FleetMode of(String kind) {
        return valueOf(kind.trim().toUpperCase(Locale.ROOT));
    }
}
