package dev.cloudhop.failover.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Continuous backup of some containers to a backup site: {@link dev.cloudhop.failover.FailoverConfig#backup()}, read
 * from the {@code failover.backup} section:
 * <pre>{@code
 * backup { containers = [catalog, orders],   # the containers whose every acknowledged write and delete is kept
 *          site = onprem,                    # any configured site, of any provider
 *          retention = 7 d,                  # how far back a restore can go
 *          spool-directory = /var/lib/cloudhop/backup-spool   # default: a temporary directory
 *          chunk-grace = 1 h }               # an unreferenced chunk younger than this is kept (a backup in flight)
 * }</pre>
 *
 * @param containers     the containers backed up; not empty
 * @param site           the site holding the backup (in {@value Backup#CONTAINER}); need not be a failover site
 * @param retention      how long history is kept: every instant within it can be restored
 * @param spoolDirectory where versions wait (on local disk) until they are at the backup site; it must survive a
 *                       restart of the application for the backup to survive a crash. It holds one spool per
 *                       running facade, so instances of a fleet may share it
 * @param chunkGrace     retention keeps an unreferenced chunk younger than this, since a backup in flight may be about
 *                       to reference it
 */
public record BackupConfig(List<String> containers, String site, Duration retention, Optional<Path> spoolDirectory,
                           Duration chunkGrace) {

    /** The default retention: 7 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    /** The default chunk grace: 1 hour. */
    public static final Duration DEFAULT_CHUNK_GRACE = Duration.ofHours(1);

    /** Rejects nulls and copies the list (ranges and site ids are checked by the config builder). */
    public BackupConfig {
        containers = List.copyOf(containers);
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(spoolDirectory, "spoolDirectory");
        Objects.requireNonNull(chunkGrace, "chunkGrace");
    }

    /** Backup of {@code containers} at {@code site} with the default retention, spool and grace. */
    public static BackupConfig of(String site, String... containers) {
        return new BackupConfig(List.of(containers), site, DEFAULT_RETENTION, Optional.empty(), DEFAULT_CHUNK_GRACE);
    }

    /** Whether writes to {@code container} are backed up. */
    public boolean covers(String container) {
        return containers.contains(container);
    }

    /** A copy with this spool directory. */
    public BackupConfig withSpoolDirectory(Path directory) {
        return new BackupConfig(containers, site, retention, Optional.of(directory), chunkGrace);
    }
}
