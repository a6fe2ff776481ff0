package dev.cloudhop.failover.backup;

import java.time.Instant;

/**
 * What {@link Backup#prune()} removed.
 *
 * @param cutoff          the oldest instant still restorable (now minus retention); the state at it is kept
 * @param segmentsRemoved history segments replaced by a base segment of the state at the cutoff
 * @param entriesDropped  entries no restore point inside the window needs
 * @param chunksDeleted   chunks no entry references any more (and older than the chunk grace)
 * @param bytesFreed      their bytes
 */
public record PruneReport(Instant cutoff, int segmentsRemoved, int entriesDropped, int chunksDeleted, long bytesFreed) {
}
