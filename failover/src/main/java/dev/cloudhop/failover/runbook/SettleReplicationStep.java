package dev.cloudhop.failover.runbook;

/** Waits up to the RPO budget for replication to the target; what is left is the run's RPO. */
final class SettleReplicationStep extends BuiltInStep {

    static final String NAME = "settle-replication";

    SettleReplicationStep() {
        super(NAME, false);
    }

    @Override
    public String run(RunbookContext c) {
        RunbookServices s = c.services();
        try {
            c.unreplicatedWrites(s.replicator().settle(c.to(), s.config().rpoBudget()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return c.unreplicatedWrites() + " writes not replicated to " + c.to() + " (lag " + s.replicator().lag(c.to()).toMillis()
                + " ms)";
    }
}
