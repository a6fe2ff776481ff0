package dev.cloudhop.failover.runbook;

import dev.cloudhop.failover.Service;

/** A planned move (failback, manual): lets replication catch up while clients still work at the old site, so that the write barrier is held only for the last few writes. Skipped in a disaster. */
final class PreSyncStep extends BuiltInStep {

    static final String NAME = "pre-sync";

    PreSyncStep() {
        super(NAME, false);
    }

    @Override
    public boolean appliesTo(RunbookContext c) {
        RunbookServices s = c.services();
        return s.health().allUp(c.from(), s.config().criticalServices()) && s.health().isUp(c.to(), Service.BLOB);
    }

    @Override
    public String run(RunbookContext c) {
        try {
            int left = c.services().replicator().settle(c.to(), c.services().config().presyncTimeout());
            return left + " writes still to replicate to " + c.to() + " after pre-sync";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
