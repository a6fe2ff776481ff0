package dev.cloudhop.failover.backup;

import java.time.Duration;
import java.util.Objects;

/**
 * A finished restore.
 *
 * @param plan     what it set out to change
 * @param written  blobs written back
 * @param deleted  blobs deleted (created after the instant)
 * @param bytes    bytes written
 * @param elapsed  how long it took, planning included
 */
public record RestoreReport(RestorePlan plan, int written, int deleted, long bytes, Duration elapsed) {

    /** Rejects nulls. */
    public RestoreReport {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** Blobs changed: written plus deleted. */
    public int objects() {
        return written + deleted;
    }
}
