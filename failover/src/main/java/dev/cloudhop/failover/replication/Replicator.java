package dev.cloudhop.failover.replication;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.fencing.Fence;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.Threads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies blob writes from the site that took them to every other site, streaming (no buffering), newest
 * state wins: a key pending for a target is copied once, from wherever it was last written. Targets that
 * are down keep their backlog until they return. The backlog per target is what the RPO is made of; its
 * oldest entry's age is the replication lag. Thread-safe; {@code parallelism} workers per target, which
 * never copy the same blob at once, so the writes of one blob reach a target in order. A write a target
 * rejects for good (a caller-type error) is dropped for that target: logged, counted per target
 * ({@link #dropped(String)}) and published as {@link FailoverEvent.ReplicationDropped}.
 */
public final class Replicator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    /** A pending change of one blob, for one target. */
    private record Pending(BlobId id, String source, boolean delete, Instant ackedAt) {
    }

    private final List<InterceptedSite> sites;
    private final Predicate<String> blobUp;
    private final Clock clock;
    private final EventBus events;
    private final boolean sync;
    private final Map<String, LinkedHashMap<BlobId, Pending>> backlog = new LinkedHashMap<>();
    private final ExecutorService workers;
    /** Per target, the blobs a worker is copying right now. */
    private final Map<String, Set<BlobId>> inFlight = new HashMap<>();
    private final Set<String> containersAt = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> droppedAt = new HashMap<>();
    private volatile boolean closed;
    private long replicated;

    /**
     * @param sites  every site
     * @param blobUp whether a site's blob service is up (copies to or from down sites wait)
     * @param clock  for lag
     * @param parallelism copies in flight per target
     * @param sync   whether {@link #acknowledged} copies before returning (RPO 0) instead of in the background
     * @param events where dropped writes are published
     */
    public Replicator(List<InterceptedSite> sites, Predicate<String> blobUp, Clock clock, int parallelism, boolean sync,
                      EventBus events) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        this.sites = sites;
        this.blobUp = blobUp;
        this.clock = clock;
        this.sync = sync;
        this.events = events;
        for (InterceptedSite s : sites) {
            backlog.put(s.id(), new LinkedHashMap<>());
            inFlight.put(s.id(), new HashSet<>());
            droppedAt.put(s.id(), 0L);
        }
        // Workers per target, so a slow or down site never holds back the others.
        this.workers = Executors.newFixedThreadPool(sites.size() * parallelism, Threads.daemon("cloudhop-replicator"));
        for (InterceptedSite target : sites) {
            for (int i = 0; i < parallelism; i++) {
                workers.execute(() -> run(target));
            }
        }
    }

    /**
     * A write the facade acknowledged at {@code site}: copied now (sync) or recorded for the workers (async).
     * Cloudhop's own records ({@link Fence#CONTAINER}) are per site and never replicated; with a single site there
     * is nothing to record.
     */
    public void acknowledged(String site, BlobId id, boolean delete) {
        if (sites.size() == 1 || id.container().equals(Fence.CONTAINER)) {
            return; // no other site to copy to: no backlog, no lag, no wake-up of the workers
        }
        if (sync) {
            replicateNow(site, id, delete);
        } else {
            written(site, id, delete);
        }
    }

    /** Records that {@code id} was written (or deleted) at {@code source} and must reach every other site. */
    public void written(String source, BlobId id, boolean delete) {
        Instant now = clock.instant();
        synchronized (this) {
            // the source now holds the newest state: an older copy still pending for it must not follow
            backlog.get(source).remove(id);
            for (InterceptedSite s : sites) {
                if (!s.id().equals(source)) {
                    LinkedHashMap<BlobId, Pending> q = backlog.get(s.id());
                    Pending previous = q.remove(id);
                    // Keep the first acknowledgement time: the lag is counted from the oldest unreplicated write.
                    q.put(id, new Pending(id, source, delete, previous == null ? now : previous.ackedAt()));
                }
            }
            notifyAll();
        }
    }

    /** Copies {@code id} to every other up site now (synchronous replication); failures stay in the backlog. */
    public void replicateNow(String source, BlobId id, boolean delete) {
        written(source, id, delete);
        for (InterceptedSite target : sites) {
            if (!target.id().equals(source) && blobUp.test(target.id())) {
                Pending p;
                synchronized (this) {
                    p = backlog.get(target.id()).get(id);
                }
                if (p != null) {
                    attempt(target, p);
                }
            }
        }
    }

    /** Whether a write of {@code id} has yet to reach {@code target}. */
    public synchronized boolean behind(String target, BlobId id) {
        return backlog.get(target).containsKey(id);
    }

    /** The site holding the newest write of {@code id} that has yet to reach {@code target}, if any. */
    public synchronized Optional<String> newerAt(String target, BlobId id) {
        Pending p = backlog.get(target).get(id);
        return p == null ? Optional.empty() : Optional.of(p.source());
    }

    /** Whether a write of a blob in {@code container} has yet to reach {@code target}. */
    public synchronized boolean behind(String target, String container) {
        return backlog.get(target).keySet().stream().anyMatch(id -> id.container().equals(container));
    }

    /** Writes waiting to reach {@code target}. */
    public synchronized int pending(String target) {
        return backlog.get(target).size();
    }

    /** All writes waiting anywhere. */
    public synchronized int pendingTotal() {
        return backlog.values().stream().mapToInt(Map::size).sum();
    }

    /** Blobs replicated so far. */
    public synchronized long replicated() {
        return replicated;
    }

    /** Writes that could not be replicated for a non-transient reason (e.g. a name the target rejects). */
    public synchronized long dropped() {
        return droppedAt.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Writes dropped for {@code target}. */
    public synchronized long dropped(String target) {
        return droppedAt.get(target);
    }

    /** Age of the oldest write not yet at {@code target}; zero when none. */
    public synchronized Duration lag(String target) {
        return backlog.get(target).values().stream().map(Pending::ackedAt).min(Instant::compareTo)
                .map(t -> Duration.between(t, clock.instant())).orElse(Duration.ZERO);
    }

    /** The largest lag over all targets. */
    public synchronized Duration maxLag() {
        return backlog.keySet().stream().map(this::lag).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /**
     * Waits until nothing that can be copied to {@code target} is pending (its sources that are up have
     * been drained), or {@code timeout} passes.
     *
     * @return the writes still pending for {@code target}: the ones whose source is down
     */
    public int settle(String target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                boolean copyable = backlog.get(target).values().stream().anyMatch(p -> blobUp.test(p.source()));
                if (!copyable || !blobUp.test(target)) {
                    return backlog.get(target).size();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return backlog.get(target).size();
                }
                notifyAll();
                wait(Math.max(1, Math.min(50, left / 1_000_000)));
            }
        }
    }

    private void run(InterceptedSite target) {
        while (!closed) {
            Optional<Map.Entry<InterceptedSite, Pending>> next = next(target);
            if (next.isEmpty()) {
                synchronized (this) {
                    try {
                        wait(50);
                    } catch (InterruptedException e) {
                        return; // closing
                    }
                }
                continue;
            }
            try {
                attempt(next.get().getKey(), next.get().getValue());
            } finally {
                synchronized (this) {
                    inFlight.get(target.id()).remove(next.get().getValue().id());
                    notifyAll();
                }
            }
        }
    }

    private synchronized Optional<Map.Entry<InterceptedSite, Pending>> next(InterceptedSite target) {
        if (!blobUp.test(target.id())) {
            return Optional.empty();
        }
        Set<BlobId> busy = inFlight.get(target.id());
        for (Pending p : backlog.get(target.id()).values()) {
            if (blobUp.test(p.source()) && busy.add(p.id())) {
                return Optional.of(Map.entry(target, p));
            }
        }
        return Optional.empty();
    }

    private void attempt(InterceptedSite target, Pending p) {
        InterceptedSite source = sites.stream().filter(s -> s.id().equals(p.source())).findFirst().orElseThrow();
        try {
            if (p.delete()) {
                target.blobs().delete(p.id());
            } else {
                Optional<Blob> blob = source.blobs().get(p.id());
                if (blob.isEmpty()) {
                    target.blobs().delete(p.id());
                } else {
                    try (Blob b = blob.get()) {
                        String containerKey = target.id() + "/" + p.id().container();
                        if (!containersAt.contains(containerKey)) {
                            target.blobs().createContainer(p.id().container());
                            containersAt.add(containerKey);
                        }
                        target.blobs().put(p.id(), BlobContent.of(b.content(), b.info().size()),
                                PutOptions.DEFAULT.withContentType(b.info().contentType()).withUserMetadata(b.info().userMetadata()));
                    }
                }
            }
            synchronized (this) {
                LinkedHashMap<BlobId, Pending> q = backlog.get(target.id());
                // Only clear it if nothing newer arrived meanwhile.
                if (q.get(p.id()) == p) {
                    q.remove(p.id());
                }
                replicated++;
                notifyAll();
            }
        } catch (CloudException e) {
            if (e instanceof NotFoundException) {
                containersAt.remove(target.id() + "/" + p.id().container()); // deleted meanwhile: create again
            }
            if (!e.retryable() && !(e instanceof NotFoundException)) {
                // A caller-type error (e.g. a name the target provider rejects) will not heal by retrying.
                drop(target, p, e);
                return;
            }
            // Stays pending; health tracking sees unavailability through the intercepted services.
            LOG.debug("replication of {} from site {} to site {} failed; retried", p.id(), p.source(), target.id(), e);
            synchronized (this) {
                try {
                    wait(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void drop(InterceptedSite target, Pending p, CloudException e) {
        boolean removed;
        synchronized (this) {
            removed = backlog.get(target.id()).remove(p.id(), p);
            if (removed) {
                droppedAt.merge(target.id(), 1L, Long::sum);
            }
        }
        if (removed) {
            LOG.warn("replication of {} from site {} to site {} dropped ({} blob.{}): {}", p.id(), p.source(), target.id(),
                    e.getClass().getSimpleName(), p.delete() ? "delete" : "put", e.getMessage());
            events.publish(new FailoverEvent.ReplicationDropped(clock.instant(), p.source(), target.id(), p.id().toString(),
                    e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** Stops the workers; what is pending stays unreplicated. */
    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
    }
}
