package dev.cloudhop.samples.commerce;

import dev.cloudhop.failover.runbook.RunbookContext;
import dev.cloudhop.failover.runbook.RunbookStep;

/**
 * An application's own runbook step, run before clients are redirected: promotes the order database's
 * replica at the site clients move to, so that it takes writes when they arrive. The shop keeps its records
 * in blobs, so the demo's promotion only names what a real one would do; its timing shows in the report.
 */
public final class PromoteDatabaseReplica implements RunbookStep {

    /** The step's name in runbook reports. */
    public static final String NAME = "promote-db-replica";

    @Override
    public String name() {
        return NAME;
    }

    /** Clients must not reach a site whose database is still a read-only replica. */
    @Override
    public boolean required() {
        return true;
    }

    @Override
    public String run(RunbookContext context) {
        String region = context.site(context.to()).site().region();
        return "orders replica in " + context.to() + " (" + region + ") promoted to primary at epoch " + context.epoch();
    }
}
