package dev.cloudhop.failover.runbook;

import java.time.Duration;

/**
 * Waits up to the RPO budget for replication to the target; what is left is the run's RPO.
 *
 * <p>Writes admitted before the fence opened the switch window may still be under way at the site being left, and
 * replication records each one only when its site has taken it. So the step first waits (within the same budget) for
 * them to end, then settles what they added too. Otherwise a write the old site acknowledged a moment after the settle
 * would reach the target only after clients did: a worker that then took the same order again at the target would
 * not find its record there and process it twice. At a site that is really down these writes end at once (the
 * detector cancelled them, or the connection is refused); only one that outlasts the budget is left, and named.
 */
final class SettleReplicationStep extends BuiltInStep {

    static final String NAME = "settle-replication";

    SettleReplicationStep() {
        super(NAME, false);
    }

    @Override
    public String run(RunbookContext c) {
        RunbookServices s = c.services();
        Duration budget = s.config().rpoBudget();
        long deadline = System.nanoTime() + budget.toNanos();
        boolean quiet = s.active().pauseWrites(budget); // the window is open already; this waits for those past it
        int stillInFlight = quiet ? 0 : s.active().writesInFlight();
        try {
            c.unreplicatedWrites(s.replicator().settle(c.to(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return c.unreplicatedWrites() + " writes not replicated to " + c.to() + " (lag " + s.replicator().lag(c.to()).toMillis()
                + " ms)" + (stillInFlight == 0 ? "" : "; " + stillInFlight + " write(s) still in flight at " + c.from()
                + " after " + budget.toMillis() + " ms");
    }
}
