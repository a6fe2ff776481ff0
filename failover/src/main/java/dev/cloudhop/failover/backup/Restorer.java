package dev.cloudhop.failover.backup;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.failover.backup.RestorePlan.Action;
import dev.cloudhop.failover.backup.RestorePlan.Change;
import dev.cloudhop.failover.internal.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import dev.cloudhop.failover.internal.ContentHash;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Point-in-time restore: the state of a container at an instant from its history, compared with a target site's
 * container, then written there. Blobs that already match (size, MD5 or else SHA-256 of the content, content type and
 * user metadata) are skipped, which makes a restore resumable: run it again after an interruption and it carries on.
 */
final class Restorer {

    /** Blobs restored at a time: small blobs are bound by round trips, not bandwidth. */
    static final int PARALLELISM = 8;

    private final BackupStore store;

    Restorer(BackupStore store) {
        this.store = store;
    }

    /**
     * The state of a container after every change of {@code history} (in history order) acknowledged at or before
     * {@code at}: the version of each blob that existed then, by name.
     */
    static Map<String, HistoryEntry> stateAt(List<HistoryEntry> history, Instant at) {
        Map<String, HistoryEntry> state = new TreeMap<>();
        for (HistoryEntry e : history) {
            if (e.at().isAfter(at)) {
                break;
            }
            switch (e.op()) {
                case PUT -> state.put(e.key(), e);
                case DELETE -> state.remove(e.key());
                case DELETE_CONTAINER -> state.clear();
            }
        }
        return state;
    }

    RestorePlan plan(String container, Instant at, String site, BlobStore target) {
        Map<String, HistoryEntry> state = stateAt(store.history(container), at);
        List<Change> changes = new ArrayList<>();
        int unchanged = 0;
        Set<String> present = target.containerExists(container)
                ? target.list(container).filter(BlobEntry.Item.class::isInstance).map(BlobEntry::name)
                        .collect(Collectors.toCollection(java.util.TreeSet::new))
                : Set.of();
        for (HistoryEntry e : state.values()) {
            if (present.contains(e.key()) && matches(target, BlobId.of(container, e.key()), e)) {
                unchanged++;
            } else {
                changes.add(new Change(e.key(), Action.PUT, Optional.of(e)));
            }
        }
        for (String name : present) {
            if (!state.containsKey(name)) {
                changes.add(new Change(name, Action.DELETE, Optional.empty()));
            }
        }
        return new RestorePlan(container, at, site, changes, unchanged);
    }

    /** Whether the blob at the target is the version {@code e}: same size, type, metadata and content hash. */
    private static boolean matches(BlobStore target, BlobId id, HistoryEntry e) {
        Optional<BlobInfo> info = target.stat(id);
        if (info.isEmpty() || info.get().size() != e.size() || !e.sameMetadata(info.get().contentType(), info.get().userMetadata())) {
            return false;
        }
        if (info.get().contentMd5().isPresent() && e.md5().isPresent()) {
            return info.get().contentMd5().get().equalsIgnoreCase(e.md5().get());
        }
        try (Blob b = target.get(id).orElse(null)) {
            return b != null && sha256(b.content()).equals(e.hash().orElseThrow());
        }
    }

    private static String sha256(InputStream in) {
        return ContentHash.sha256(in);
    }

    static MessageDigest sha256() {
        return ContentHash.sha256();
    }

    /**
     * Carries out a plan at {@code target}, {@value #PARALLELISM} blobs at a time, reporting progress after every blob
     * (one call at a time, from the restore's threads). The first failure stops the restore and is thrown; what was
     * done stays done, and running the restore again resumes it.
     *
     * @throws IllegalStateException naming the version when its chunk is missing or does not match its hash (run
     *                               {@link Backup#verify()})
     */
    RestoreReport execute(RestorePlan plan, BlobStore target, Consumer<RestoreProgress> listener, long startNanos) {
        target.createContainer(plan.container());
        long total = plan.bytes();
        AtomicInteger written = new AtomicInteger();
        AtomicInteger deleted = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        Object progress = new Object();
        AtomicBoolean failed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLELISM, Threads.daemon("cloudhop-restore"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Change c : plan.changes()) {
                done.add(pool.submit(() -> {
                    if (failed.get()) {
                        return; // another blob failed: the restore stops
                    }
                    try {
                        restore(plan, c, target, written, deleted, bytes);
                    } catch (RuntimeException | Error e) {
                        failed.set(true);
                        throw e;
                    }
                    synchronized (progress) {
                        try {
                            listener.accept(new RestoreProgress(written.get() + deleted.get(), plan.changes().size(), bytes.get(),
                                    total, Duration.ofNanos(System.nanoTime() - startNanos)));
                        } catch (RuntimeException e) {
                            failed.set(true);
                            throw e;
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                await(f, done);
            }
        } finally {
            pool.shutdownNow();
        }
        return new RestoreReport(plan, written.get(), deleted.get(), bytes.get(), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private void restore(RestorePlan plan, Change c, BlobStore target, AtomicInteger written, AtomicInteger deleted,
                         AtomicLong bytes) {
        BlobId id = BlobId.of(plan.container(), c.key());
        if (c.action() == Action.DELETE) {
            target.delete(id);
            deleted.incrementAndGet();
        } else {
            HistoryEntry e = c.version().orElseThrow();
            put(target, id, e);
            bytes.addAndGet(e.size());
            written.incrementAndGet();
        }
    }

    /** Waits for one blob's task; on its failure, cancels those not started and throws the failure. */
    private static void await(Future<?> f, List<Future<?>> all) {
        try {
            f.get();
        } catch (ExecutionException e) {
            all.forEach(other -> other.cancel(false));
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            all.forEach(other -> other.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("restore interrupted", e);
        }
    }

    private void put(BlobStore target, BlobId id, HistoryEntry e) {
        String hash = e.hash().orElseThrow();
        Blob chunk = store.chunk(hash).orElseThrow(() -> new IllegalStateException(
                "chunk " + hash + " of " + e.version() + " is missing at the backup site " + store.site()));
        MessageDigest d = sha256();
        try (Blob b = chunk; InputStream in = new DigestInputStream(b.content(), d)) {
            target.put(id, BlobContent.of(in, e.size()), PutOptions.DEFAULT.withContentType(e.contentType())
                    .withUserMetadata(e.userMetadata()));
        } catch (IOException ex) {
            throw new UncheckedIOException("restoring " + e.version(), ex);
        }
        String got = HexFormat.of().formatHex(d.digest());
        if (!got.equals(hash)) {
            throw new IllegalStateException("chunk " + hash + " of " + e.version() + " at the backup site " + store.site()
                    + " is corrupt (its content hashes to " + got + "); the blob written from it is wrong");
        }
    }
}
