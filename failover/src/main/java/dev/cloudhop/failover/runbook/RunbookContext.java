package dev.cloudhop.failover.runbook;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.failover.internal.InterceptedSite;

/**
 * One run of the runbook, as its steps see it: where clients move from and to, why, and the epoch the run
 * establishes. The same instance is passed to every step of the run; it is confined to the orchestrator
 * thread.
 */
public final class RunbookContext {

    private final RunbookServices services;
    private final String from;
    private final String to;
    private final String reason;
    private final long epoch;
    private final boolean planned;
    private int unreplicatedWrites;
    private long raisedAtNanos;
    private boolean raised;

    RunbookContext(RunbookServices services, String from, String to, String reason, long epoch, boolean planned) {
        this.services = services;
        this.from = from;
        this.to = to;
        this.reason = reason;
        this.epoch = epoch;
        this.planned = planned;
    }

    /** The site clients leave. */
    public String from() {
        return from;
    }

    /** The site clients move to. */
    public String to() {
        return to;
    }

    /** Why the runbook runs (manual failover, failback, an outage). */
    public String reason() {
        return reason;
    }

    /**
     * Whether this run is a planned move: a manual failover or a failback while the site left is healthy. A planned
     * move pre-syncs, pauses writes and drains replication to the target to zero (RPO 0), or does not happen. A
     * disaster (the site left is down) moves with what replication got across.
     */
    public boolean planned() {
        return planned;
    }

    /** The fencing epoch this run establishes. */
    public long epoch() {
        return epoch;
    }

    /**
     * A site's services without failover, switchboard or health tracking (the step talks to that site
     * directly). {@link IllegalArgumentException} for an unknown id.
     */
    public Cloud site(String siteId) {
        return services.router().site(siteId).raw();
    }

    /** Blob writes not yet at {@link #to()} when replication was settled (the RPO in writes); 0 before. */
    public int unreplicatedWrites() {
        return unreplicatedWrites;
    }

    void unreplicatedWrites(int n) {
        this.unreplicatedWrites = n;
    }

    /** The fence step raised the fleet's register now. */
    void registerRaised() {
        raisedAtNanos = System.nanoTime();
        raised = true;
    }

    /** How long from now until writes may go to the new site: the coordinator's stale-writer bound since the raise. */
    java.time.Duration untilStaleWritersStop() {
        if (!raised) {
            return java.time.Duration.ZERO;
        }
        long left = raisedAtNanos + services.fleet().staleWriterBound().toNanos() - System.nanoTime();
        return java.time.Duration.ofNanos(Math.max(0, left));
    }

    RunbookServices services() {
        return services;
    }

    InterceptedSite target() {
        return services.router().site(to);
    }
}
