package dev.cloudhop.failover.runbook;

import dev.cloudhop.failover.replication.ReconcileReport;
import java.time.Duration;
import java.util.List;

/**
 * A planned move (failback, manual): before pre-sync, compares the target with the site clients leave and schedules
 * the repair of any divergence (a replica written behind Cloudhop's back, a backlog lost with a crashed process, a
 * restored site), so that pre-sync and drain carry the repairs too; off with
 * {@code replication.reconcile-before-move = false}. The detail says what was compared, found and
 * repaired. Skipped in a disaster (the site left is down), and optional: a failure is recorded, the move goes on.
 */
final class ReconcileStep extends BuiltInStep {

    static final String NAME = "reconcile";

    ReconcileStep() {
        super(NAME, false);
    }

    @Override
    public boolean appliesTo(RunbookContext c) {
        return c.planned() && c.services().config().reconcileBeforeMove();
    }

    @Override
    public String run(RunbookContext c) {
        ReconcileReport report = c.services().reconciler().reconcile(c.from(), List.of(c.to()), Duration.ZERO);
        return report.targets().get(0).summary();
    }
}
