package dev.cloudhop.failover.runbook;

import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.failover.replication.Replicator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A planned move (failback, manual): pauses writes, at most {@code replication.max-pause}, drains replication to the
 * target to zero and verifies that the target holds every write that was pending (a put: the blob, as large as at its
 * source; a delete: no blob). Writes stay held from here to the redirect, so the move's RPO is 0. When the drain or
 * the verification does not finish in time, the step fails, the move is aborted before the fence (same epoch), the
 * pause ends and clients stay where they are. Skipped in a disaster.
 */
final class DrainStep extends BuiltInStep {

    static final String NAME = "drain";

    DrainStep() {
        super(NAME, true);
    }

    @Override
    public boolean appliesTo(RunbookContext c) {
        return c.planned();
    }

    @Override
    public String run(RunbookContext c) throws InterruptedException {
        RunbookServices s = c.services();
        Duration max = s.config().maxPause();
        long started = System.nanoTime();
        long deadline = started + max.toNanos();
        if (!s.active().pauseWrites(max)) {
            throw aborted(c, "blob writes still in flight at " + c.from() + " after max-pause " + max.toMillis() + " ms");
        }
        List<Replicator.Owed> owed = s.replicator().owed(c.to());
        int left = s.replicator().settle(c.to(), remaining(deadline));
        if (left > 0) {
            throw aborted(c, left + " of " + owed.size() + " writes still to replicate to " + c.to() + " after max-pause "
                    + max.toMillis() + " ms");
        }
        for (int i = 0; i < owed.size(); i++) {
            if (System.nanoTime() - deadline > 0) {
                throw aborted(c, (owed.size() - i) + " of " + owed.size() + " drained writes not verified at " + c.to()
                        + " within max-pause " + max.toMillis() + " ms");
            }
            Optional<String> wrong = mismatch(c, owed.get(i));
            if (wrong.isPresent()) {
                throw aborted(c, wrong.get());
            }
        }
        return "drained and verified " + owed.size() + " writes to " + c.to() + " with writes paused "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms";
    }

    /** Why the target does not hold the newest state of a drained write, if it does not. */
    private static Optional<String> mismatch(RunbookContext c, Replicator.Owed w) {
        Optional<BlobInfo> at = c.site(c.to()).blobs().stat(w.id());
        if (w.delete()) {
            return at.isPresent() ? Optional.of(w.id() + " deleted at " + w.source() + " but present at " + c.to())
                    : Optional.empty();
        }
        Optional<BlobInfo> source = c.site(w.source()).blobs().stat(w.id());
        if (source.isPresent() != at.isPresent() || source.isPresent() && source.get().size() != at.get().size()) {
            return Optional.of(w.id() + " at " + c.to() + " (" + at.map(b -> b.size() + " bytes").orElse("absent")
                    + ") differs from " + w.source() + " (" + source.map(b -> b.size() + " bytes").orElse("absent") + ")");
        }
        return Optional.empty();
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static MoveAbortedException aborted(RunbookContext c, String why) {
        return new MoveAbortedException(why + "; move aborted, clients stay at " + c.from() + " (epoch "
                + c.services().active().epoch() + ")");
    }
}
