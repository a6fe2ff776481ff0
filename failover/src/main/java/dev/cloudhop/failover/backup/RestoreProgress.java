package dev.cloudhop.failover.backup;

import java.time.Duration;
import java.util.Optional;

/**
 * How far a restore has come, reported to its listener after every blob.
 *
 * @param objectsDone  blobs written or deleted so far
 * @param objectsTotal blobs the restore changes
 * @param bytesDone    bytes written so far
 * @param bytesTotal   bytes the restore writes
 * @param elapsed      time since the restore began
 */
public record RestoreProgress(long objectsDone, long objectsTotal, long bytesDone, long bytesTotal, Duration elapsed) {

    /**
     * The time left at the rate so far, by bytes (by objects while no byte is written, or when nothing is to be
     * written); empty before the first blob.
     */
    public Optional<Duration> eta() {
        double done;
        double total;
        if (bytesTotal > 0 && bytesDone > 0) {
            done = bytesDone;
            total = bytesTotal;
        } else {
            done = objectsDone;
            total = objectsTotal;
        }
        if (done <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos((long) (elapsed.toNanos() * (total - done) / done)));
    }
}
