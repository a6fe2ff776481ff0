package dev.cloudhop.failover.backup;

import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.failover.backup.HistoryEntry.Op;
import dev.cloudhop.failover.internal.Threads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves spooled changes to the backup site, oldest first, on one daemon thread: the chunks first, then one history
 * segment per container, then removes them from the spool. A change therefore becomes restorable only once its
 * content is at the backup site. When the backup site fails, it retries with a growing pause (up to 5 s) and the
 * spool grows on local disk; the lag says so.
 *
 * <p>A chunk that already exists is not uploaded again, unless it is older than half the chunk grace: retention
 * deletes only unreferenced chunks older than the grace, so a chunk a new entry reuses is refreshed before a sweep
 * could take it.
 */
final class Uploader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
    private static final int BATCH = 256;
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

    private final Spool spool;
    private final BackupStore store;
    private final Duration refreshAfter;
    private final Clock wallClock = Clock.systemUTC();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final Thread thread;
    private boolean signalled;
    private volatile boolean closed;
    private volatile long uploaded;

    Uploader(Spool spool, BackupStore store, Duration chunkGrace) {
        this.spool = spool;
        this.store = store;
        this.refreshAfter = chunkGrace.dividedBy(2);
        this.thread = Threads.daemon("cloudhop-backup-upload").newThread(this::run);
        thread.start();
    }

    /** Wakes the uploader: a change was spooled. */
    void signal() {
        lock.lock();
        try {
            signalled = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Changes uploaded by this process. */
    long uploaded() {
        return uploaded;
    }

    /** Waits until the spool is empty, up to {@code timeout}; whether it is. */
    boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (spool.size() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        Duration pause = Duration.ofMillis(100);
        boolean failing = false;
        while (!closed) {
            try {
                List<Spool.Pending> batch = spool.pending(BATCH);
                if (batch.isEmpty()) {
                    idle();
                    continue;
                }
                upload(batch);
                if (failing) {
                    LOG.info("backup uploads to site {} resumed", store.site());
                    failing = false;
                }
                pause = Duration.ofMillis(100);
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!failing) {
                    LOG.warn("backup upload to site {} failed; {} changes wait in the spool, retrying: {}", store.site(),
                            spool.size(), e.toString());
                }
                failing = true;
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private void idle() {
        lock.lock();
        try {
            drained.signalAll();
            if (!signalled && !closed) {
                work.await(200, TimeUnit.MILLISECONDS);
            }
            signalled = false;
        } catch (InterruptedException e) {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private void upload(List<Spool.Pending> batch) {
        store.ensureContainer();
        Instant refreshBefore = wallClock.instant().minus(refreshAfter);
        Map<String, List<HistoryEntry>> byContainer = new LinkedHashMap<>();
        for (Spool.Pending p : batch) {
            HistoryEntry e = p.entry();
            if (e.op() == Op.PUT) {
                String hash = e.hash().orElseThrow();
                Optional<BlobInfo> existing = store.statChunk(hash);
                if (existing.isEmpty() || existing.get().lastModified().isBefore(refreshBefore)) {
                    store.putChunk(hash, p.data().orElseThrow());
                }
            }
            byContainer.computeIfAbsent(e.container(), c -> new ArrayList<>()).add(e);
        }
        byContainer.forEach((container, entries) -> store.appendSegment(container, entries,
                spool.writer() + "-" + String.format("%019d", entries.get(0).sequence())));
        uploaded += batch.size();
        batch.forEach(spool::remove);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the thread after the batch in flight; what remains stays in the spool for the next start. */
    @Override
    public void close() {
        closed = true;
        signal();
        try {
            thread.join(2000);
            if (thread.isAlive()) {
                thread.interrupt(); // a pause between retries; an upload in flight is repeated at the next start
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
