package dev.cloudhop.failover.backup;

import java.time.Duration;
import java.time.Instant;

/**
 * The backup as this facade instance sees it.
 *
 * @param site                 the backup site
 * @param pending              changes acknowledged but not yet at the backup site (they are in the local spool)
 * @param lag                  the age of the oldest of them: how far the latest restorable point trails the newest
 *                             acknowledged write; zero when none waits
 * @param latestRestorable     every change acknowledged at or before this instant is at the backup site
 * @param newestAcknowledged   the newest change this instance recorded ({@link Instant#EPOCH} if none)
 * @param uploaded             changes this instance has moved to the backup site since it started
 */
public record BackupStatus(String site, int pending, Duration lag, Instant latestRestorable, Instant newestAcknowledged,
                           long uploaded) {
}
