package dev.cloudhop.failover.backup;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.failover.internal.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous backup of some containers to a backup site, with point-in-time restore into any site, verification
 * and retention: {@link dev.cloudhop.failover.FailoverCloud#backup()}.
 *
 * <p>Every acknowledged put and delete of a {@link BackupConfig#containers() backed-up container} is first made
 * durable in a local spool (before the call returns to the application), then moved to {@value #CONTAINER} at the
 * backup site by a background uploader: contents under {@code chunks/<sha256>} (identical content stored once), and
 * an append-only history of changes ({@link HistoryEntry}: time, container, key, hash or deletion, content type, user
 * metadata) under {@code history/<container>/}. The backup site can be any provider; it is used through its plain
 * {@link BlobStore}, so the backup outlives the primary site. A restart uploads what a killed process left in the
 * spool.
 *
 * <p>A restore brings a container back to the state after every change acknowledged at or before an instant
 * (the facade's clock; millisecond resolution), into any site: blobs created later are deleted, deleted ones come
 * back, content, content type and user metadata are those of the version. Restoring into the active site goes
 * through the facade, so the restored blobs are replicated (and recorded in the history as new changes); restoring
 * into another site writes to that site only. Thread-safe.
 */
public final class Backup implements AutoCloseable {

    /** The container at the backup site holding chunks and history. */
    public static final String CONTAINER = "cloudhop-backup";

    private static final Logger LOG = LoggerFactory.getLogger(Backup.class);

    /** A put being recorded: upload {@link #content()}, then call {@link #acknowledged}; close it in every case. */
    public interface WriteCapture extends AutoCloseable {
        /** What to upload to the site in place of the original content (the same bytes). */
        BlobContent content();

        /**
         * The site acknowledged the put: the change is made durable locally before this returns.
         *
         * @param readBack reads the blob back from the site that took it, used only if the upload did not read
         *                 the whole content
         */
        void acknowledged(PutOptions options, Supplier<Optional<Blob>> readBack);

        /** Discards the captured content unless the put was acknowledged. */
        @Override
        void close();
    }

    private final BackupConfig config;
    private final Clock clock;
    private final BackupStore store;
    private final Spool spool;
    private final Uploader uploader;
    private final Restorer restorer;
    private final Retention retention;
    private final Function<String, BlobStore> sites;
    private final ScheduledExecutorService pruning;

    /**
     * Opens the spool (taking up what a previous process left) and starts the uploader and the daily-or-sooner
     * pruning. The facade builds one per configuration with a {@code backup} section.
     *
     * @param backupSite the backup site's plain blob store
     * @param sites      the blob store a restore into a site id writes to
     */
    public Backup(BackupConfig config, BlobStore backupSite, Function<String, BlobStore> sites, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.sites = sites;
        this.store = new BackupStore(backupSite, config.site());
        Uploader[] up = new Uploader[1];
        this.spool = new Spool(config.spoolDirectory().orElseGet(Backup::tempSpool), clock, () -> {
            if (up[0] != null) {
                up[0].signal();
            }
        });
        this.uploader = new Uploader(spool, store, config.chunkGrace());
        up[0] = uploader;
        this.restorer = new Restorer(store);
        this.retention = new Retention(store, config.retention(), config.chunkGrace(), clock);
        this.pruning = Executors.newSingleThreadScheduledExecutor(Threads.daemon("cloudhop-backup-prune"));
        long every = Math.max(1000, Math.min(config.retention().toMillis() / 10, Duration.ofDays(1).toMillis()));
        pruning.scheduleWithFixedDelay(this::pruneQuietly, every, every, TimeUnit.MILLISECONDS);
        if (spool.size() > 0) {
            LOG.info("backup: {} changes left in the spool {} by an earlier run are uploaded now", spool.size(),
                    spool.directory());
        }
    }

    private static Path tempSpool() {
        try {
            return Files.createTempDirectory("cloudhop-backup-spool-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The configuration in force. */
    public BackupConfig config() {
        return config;
    }

    /** Whether writes to {@code container} are backed up. */
    public boolean covers(String container) {
        return config.covers(container);
    }

    /**
     * Starts recording a put to a backed-up container (the facade's write path calls it).
     *
     * @throws UncheckedIOException when the local spool cannot take the content: the write must not be acknowledged
     */
    public WriteCapture capture(BlobId id, BlobContent content) {
        Spool.Capture c = spool.begin(id, content);
        return new WriteCapture() {
            @Override
            public BlobContent content() {
                return c.content();
            }

            @Override
            public void acknowledged(PutOptions options, Supplier<Optional<Blob>> readBack) {
                c.acknowledge(options, readBack);
            }

            @Override
            public void close() {
                c.close();
            }
        };
    }

    /** Records an acknowledged delete (the facade's write path calls it). */
    public void deleted(BlobId id) {
        spool.deleted(id);
    }

    /** Records an acknowledged deletion of a whole container (the facade's write path calls it). */
    public void containerDeleted(String container) {
        spool.containerDeleted(container);
    }

    /** The backup's state as this instance sees it: the lag of the latest restorable point, pending changes. */
    public BackupStatus status() {
        Instant now = clock.instant();
        Optional<Instant> oldest = spool.oldestPending();
        Duration lag = oldest.map(o -> Duration.between(o, now)).filter(d -> !d.isNegative()).orElse(Duration.ZERO);
        return new BackupStatus(config.site(), spool.size(), lag, oldest.map(o -> o.minusMillis(1)).orElse(now),
                spool.newestAcknowledged(), uploader.uploaded());
    }

    /**
     * Waits until every change recorded so far is at the backup site, up to {@code timeout}.
     *
     * @return whether the spool is empty
     */
    public boolean awaitUploaded(Duration timeout) {
        try {
            return uploader.awaitDrained(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The oldest instant a restore may ask for: now minus the retention. */
    public Instant earliestRestorable() {
        return retention.cutoff();
    }

    /**
     * The dry run of {@link #restore}: what restoring {@code container} to {@code at} at {@code toSite} would write
     * and delete. Changes not yet uploaded are not in it ({@link #status()} says how far the backup trails).
     *
     * @throws IllegalArgumentException if {@code at} is older than the retention or {@code toSite} is unknown
     */
    public RestorePlan plan(String container, Instant at, String toSite) {
        checkInstant(at);
        return restorer.plan(container, at, toSite, target(toSite));
    }

    /** {@link #restore(String, Instant, String, Consumer)} without a progress listener. */
    public RestoreReport restore(String container, Instant at, String toSite) {
        return restore(container, at, toSite, p -> { });
    }

    /**
     * Brings {@code container} back at {@code toSite} as it was at {@code at}: the state after every change
     * acknowledged at or before {@code at}. Blobs already matching their version are left alone, so running it again
     * after an interruption resumes it.
     *
     * @param progress called after every blob written or deleted, one call at a time (from the restore's threads:
     *                 blobs are restored several at a time); an exception it throws stops the restore
     * @throws IllegalArgumentException if {@code at} is older than the retention or {@code toSite} is unknown
     * @throws IllegalStateException    naming the version whose chunk is missing or corrupt
     */
    public RestoreReport restore(String container, Instant at, String toSite, Consumer<RestoreProgress> progress) {
        long start = System.nanoTime();
        RestorePlan plan = plan(container, at, toSite);
        RestoreReport report = restorer.execute(plan, target(toSite), progress, start);
        LOG.info("backup: restored {} to {} at site {}: {} written, {} deleted, {} unchanged, {} bytes in {} ms", container,
                at, toSite, report.written(), report.deleted(), plan.unchanged(), report.bytes(), report.elapsed().toMillis());
        return report;
    }

    private void checkInstant(Instant at) {
        if (at.isBefore(earliestRestorable())) {
            throw new IllegalArgumentException("cannot restore to " + at + ": the retention of " + config.retention()
                    + " keeps history from " + earliestRestorable() + " on");
        }
    }

    private BlobStore target(String site) {
        BlobStore target = sites.apply(site);
        if (target == null) {
            throw new IllegalArgumentException("unknown site '" + site + "'");
        }
        return target;
    }

    /**
     * Re-reads every chunk at the backup site and checks its SHA-256, and checks that every history entry has its
     * chunk. Each problem names the chunk and the versions ({@code container/key@instant}) it affects.
     */
    public VerifyReport verify() {
        Map<String, List<String>> versions = new LinkedHashMap<>();
        long entries = 0;
        for (String container : store.containers()) {
            for (HistoryEntry e : store.history(container)) {
                entries++;
                e.hash().ifPresent(h -> versions.computeIfAbsent(h, k -> new ArrayList<>()).add(e.version()));
            }
        }
        List<VerifyReport.Problem> problems = new ArrayList<>();
        java.util.Set<String> present = new java.util.HashSet<>();
        long chunks = 0;
        long bytes = 0;
        for (BlobEntry.Item item : store.chunks().toList()) {
            String hash = BackupStore.hashOf(item);
            Optional<Blob> chunk = store.chunk(hash);
            if (chunk.isEmpty()) {
                continue; // pruned meanwhile
            }
            present.add(hash);
            MessageDigest d = Restorer.sha256();
            try (Blob b = chunk.get(); InputStream in = b.content()) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    d.update(buf, 0, n);
                    bytes += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading chunk " + hash + " at the backup site " + config.site(), e);
            }
            chunks++;
            if (!HexFormat.of().formatHex(d.digest()).equals(hash)) {
                problems.add(new VerifyReport.Problem(hash, VerifyReport.Kind.CORRUPT, versions.getOrDefault(hash, List.of())));
            }
        }
        versions.forEach((hash, affected) -> {
            if (!present.contains(hash)) {
                problems.add(new VerifyReport.Problem(hash, VerifyReport.Kind.MISSING, affected));
            }
        });
        problems.forEach(p -> LOG.warn("backup verify: chunk {} at site {} is {}; affected: {}", p.hash(), config.site(),
                p.kind(), p.affected()));
        return new VerifyReport(chunks, bytes, entries, problems);
    }

    /**
     * Removes what no restore point inside the retention window needs (it also runs on its own, every tenth of the
     * retention and at least daily). Safe while backups are written; see {@link Retention}.
     */
    public PruneReport prune() {
        return retention.prune();
    }

    private void pruneQuietly() {
        try {
            PruneReport r = prune();
            if (r.segmentsRemoved() > 0 || r.chunksDeleted() > 0) {
                LOG.info("backup: pruned before {}: {} segments, {} entries, {} chunks ({} bytes)", r.cutoff(),
                        r.segmentsRemoved(), r.entriesDropped(), r.chunksDeleted(), r.bytesFreed());
            }
        } catch (RuntimeException e) {
            LOG.warn("backup: pruning at site {} failed; it runs again later: {}", config.site(), e.toString());
        }
    }

    /**
     * Stops pruning, gives the uploader up to 5 s to empty the spool, and stops it; what is still spooled is uploaded at
     * the next start with the same spool directory. Idempotent.
     */
    @Override
    public void close() {
        pruning.shutdownNow();
        awaitUploaded(Duration.ofSeconds(5));
        uploader.close();
        spool.close();
    }
}
