package dev.cloudhop.failover.runbook;

/**
 * A planned move did not happen: replication could not be drained to the target (or verified there) within
 * {@code replication.max-pause}. The message says how many writes were left; clients stay at the site they were at,
 * with the same epoch, and writes resume there.
 */
public final class MoveAbortedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the move was aborted. */
    public MoveAbortedException(String message) {
        super(message);
    }
}
