package dev.cloudhop.failover.runbook;

/**
 * A planned move (failback, manual): lets replication catch up while clients still work at the old site, until at
 * most {@code replication.presync-threshold} writes are behind or {@code presync-timeout} passes, so that the
 * {@code drain} that follows pauses writes only for the last few. Skipped in a disaster.
 */
final class PreSyncStep extends BuiltInStep {

    static final String NAME = "pre-sync";

    PreSyncStep() {
        super(NAME, false);
    }

    @Override
    public boolean appliesTo(RunbookContext c) {
        return c.planned();
    }

    @Override
    public String run(RunbookContext c) {
        try {
            int threshold = c.services().config().presyncThreshold();
            int left = c.services().replicator().catchUp(c.to(), threshold, c.services().config().presyncTimeout());
            return left + " writes still to replicate to " + c.to() + " after pre-sync (threshold " + threshold + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
