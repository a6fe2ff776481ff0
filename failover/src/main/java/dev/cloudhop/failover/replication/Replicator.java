package dev.cloudhop.failover.replication;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.failover.FailoverConfig.InsufficientReplicas;
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
import java.util.stream.Collectors;
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
 *
 * <p>With a {@link SyncPolicy} (sync mode), {@link #acknowledged} copies a write to every other up site before it
 * returns and lets the write be acknowledged only once {@link SyncPolicy#minReplicas()} of them hold it. When fewer
 * do, the policy decides: the call fails with an {@link UnavailableException} naming each missing replica and why,
 * or the write is acknowledged as degraded ({@link FailoverEvent.ReplicationDegraded}, counted per missing site by
 * {@link #degraded(String)}). Either way the write stays in the backlog of every site that lacks it, so it reaches
 * them later and the lag (the RPO) counts it; nothing is forgotten silently.
 */
public final class Replicator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    /** A pending change of one blob, for one target. */
    private record Pending(BlobId id, String source, boolean delete, Instant ackedAt, long seq) {
    }

    /** A synchronous write claimed for the calling thread: its copy per target, and the journal position to force. */
    private record Claim(Map<String, Pending> targets, long position) {
    }

    private final List<InterceptedSite> sites;
    private final Predicate<String> blobUp;
    private final Clock clock;
    private final EventBus events;
    private final Optional<SyncPolicy> sync;
    private final Optional<BacklogJournal> journal;
    private long seq;
    private final Map<String, LinkedHashMap<BlobId, Pending>> backlog = new LinkedHashMap<>();
    private final ExecutorService workers;
    /** Per target, the blobs a worker is copying right now. */
    private final Map<String, Set<BlobId>> inFlight = new HashMap<>();
    private final Set<String> containersAt = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> droppedAt = new HashMap<>();
    private final Map<String, Long> degradedAt = new HashMap<>();
    private volatile boolean closed;
    /** While a planned move catches up: the target each async write waits for, and how long at most. */
    private volatile String throttleTarget;
    private volatile Duration throttleWait = Duration.ZERO;
    private long replicated;

    /**
     * @param sites  every site
     * @param blobUp whether a site's blob service is up (copies to or from down sites wait)
     * @param clock  for lag
     * @param parallelism copies in flight per target
     * @param sync   whether {@link #acknowledged} copies before returning (RPO 0) instead of in the background; with
     *               sync, a write needs one replica or fails
     * @param events where dropped writes are published
     */
    public Replicator(List<InterceptedSite> sites, Predicate<String> blobUp, Clock clock, int parallelism, boolean sync,
                      EventBus events) {
        this(sites, blobUp, clock, parallelism,
                sync ? Optional.of(new SyncPolicy(1, InsufficientReplicas.FAIL)) : Optional.empty(), events,
                Optional.empty());
    }

    /**
     * @param sites  every site
     * @param blobUp whether a site's blob service is up (copies to or from down sites wait)
     * @param clock  for lag
     * @param parallelism copies in flight per target
     * @param sync   present: {@link #acknowledged} copies before returning and applies the policy; empty: async
     * @param events where dropped and degraded writes are published
     * @param journal present: the backlog is kept there too (appended, and forced as configured, before a write is
     *                acknowledged) and what it held when opened is pending again; empty: in memory only
     */
    public Replicator(List<InterceptedSite> sites, Predicate<String> blobUp, Clock clock, int parallelism,
                      Optional<SyncPolicy> sync, EventBus events, Optional<BacklogJournal> journal) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        this.sites = sites;
        this.blobUp = blobUp;
        this.clock = clock;
        this.sync = sync;
        this.events = events;
        this.journal = journal;
        for (InterceptedSite s : sites) {
            backlog.put(s.id(), new LinkedHashMap<>());
            inFlight.put(s.id(), new HashSet<>());
            droppedAt.put(s.id(), 0L);
            degradedAt.put(s.id(), 0L);
        }
        journal.ifPresent(this::recover);
        // Workers per target, so a slow or down site never holds back the others.
        this.workers = Executors.newFixedThreadPool(sites.size() * parallelism, Threads.daemon("cloudhop-replicator"));
        for (InterceptedSite target : sites) {
            for (int i = 0; i < parallelism; i++) {
                workers.execute(() -> run(target));
            }
        }
    }

    /**
     * A write {@code site} took: recorded for the workers (async), or copied now and checked against the
     * {@link SyncPolicy} (sync). Cloudhop's own records ({@link Fence#CONTAINER}) are per site and never replicated;
     * with a single site there is nothing to record.
     *
     * @throws UnavailableException sync with {@link InsufficientReplicas#FAIL}: fewer than the required replicas took
     *                              the write. {@code site} holds it (it may be read there) and it stays in the backlog
     *                              of the replicas that lack it, so it reaches them later; repeating the write is safe
     */
    public void acknowledged(String site, BlobId id, boolean delete) {
        if (sites.size() == 1 || id.container().equals(Fence.CONTAINER)) {
            return; // no other site to copy to: no backlog, no lag, no wake-up of the workers
        }
        if (sync.isPresent()) {
            replicateNow(site, id, delete);
        } else {
            written(site, id, delete);
            String target = throttleTarget;
            if (target != null && !target.equals(site)) {
                awaitCopied(target, id, throttleWait);
            }
        }
    }

    /**
     * Backpressure for a planned move: until {@link #stopThrottling()}, each async write waits up to {@code maxWait}
     * for its copy to {@code target} before it is acknowledged, so writers slow to the pace replication keeps and the
     * backlog can drain. A write whose copy takes longer is acknowledged anyway (it stays in the backlog).
     */
    public void throttleWrites(String target, Duration maxWait) {
        this.throttleWait = maxWait;
        this.throttleTarget = target;
    }

    /** Ends {@link #throttleWrites}. */
    public void stopThrottling() {
        this.throttleTarget = null;
    }

    /** Waits until no write of {@code id} is owed to {@code target}, or {@code max} passes. */
    private void awaitCopied(String target, BlobId id, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (this) {
            while (backlog.get(target).containsKey(id) && throttleTarget != null && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    wait(Math.max(1, Math.min(50, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Records that {@code id} was written (or deleted) at {@code source} and must reach every other site. With a
     * journal, the record is on disk (forced when so configured) when this returns.
     */
    public void written(String source, BlobId id, boolean delete) {
        force(record(source, id, delete, others(source)));
    }

    private List<String> others(String source) {
        return sites.stream().map(InterceptedSite::id).filter(t -> !t.equals(source)).toList();
    }

    /** Makes the journal durable up to {@code position} (nothing without a journal); never under this lock. */
    private void force(long position) {
        journal.ifPresent(j -> j.force(position)); // concurrent writers share one force (group commit)
    }

    /**
     * Schedules {@code target} to receive {@code source}'s current state of {@code id} (its content, or its absence):
     * a repair found by reconciliation. Recorded like a write, journal included.
     */
    public void repair(String source, String target, BlobId id) {
        force(record(source, id, false, List.of(target)));
    }

    /**
     * Records a write in the backlog (and appends it to the journal, not yet forced).
     *
     * @return the journal position to {@link #force(long)} before the write is acknowledged
     */
    private long record(String source, BlobId id, boolean delete, List<String> targets) {
        Instant now = clock.instant();
        long position;
        java.io.UncheckedIOException unjournaled = null;
        synchronized (this) {
            long s;
            try {
                s = journal.map(j -> j.written(source, id, delete, now, targets)).orElseGet(() -> ++seq);
            } catch (java.io.UncheckedIOException e) {
                unjournaled = e; // e.g. a full disk: the write is still owed in memory, but not acknowledged
                s = -1;
            }
            // the source now holds the newest state: an older copy still pending for it must not follow
            backlog.get(source).remove(id);
            for (String t : targets) {
                LinkedHashMap<BlobId, Pending> q = backlog.get(t);
                Pending previous = q.remove(id);
                // Keep the first acknowledgement time: the lag is counted from the oldest unreplicated write.
                q.put(id, new Pending(id, source, delete, previous == null ? now : previous.ackedAt(), s));
            }
            if (journal.isPresent() && journal.get().wantsCompaction(pendingTotal())) {
                journal.get().compact(owedEverywhere());
            }
            position = journal.map(BacklogJournal::position).orElse(0L);
            notifyAll();
        }
        if (unjournaled != null) {
            throw new UnavailableException(ErrorContext.of(site(source).raw().site(), delete ? "blob.delete" : "blob.put",
                    id.toString()), "taken by site " + source + " but not recorded in the replication journal ("
                    + unjournaled.getMessage() + "); it is replicated while this process runs, and repeating the write "
                    + "is safe", unjournaled);
        }
        return position;
    }

    /** Loads what the journal held at open: pending again, for the sites still configured. */
    private void recover(BacklogJournal j) {
        int loaded = 0;
        for (BacklogJournal.Owed o : j.recovered()) {
            if (!backlog.containsKey(o.target()) || !backlog.containsKey(o.source())) {
                LOG.warn("replication journal {}: {} of {} owed by site {} to site {} is dropped: that site is no longer "
                        + "configured", j.directory(), o.delete() ? "a delete" : "a write", o.id(), o.source(), o.target());
                continue;
            }
            backlog.get(o.target()).put(o.id(), new Pending(o.id(), o.source(), o.delete(), o.ackedAt(), o.seq()));
            loaded++;
        }
        seq = j.nextSeq() - 1;
        if (loaded > 0) {
            LOG.info("replication journal {}: {} writes acknowledged before the last stop are pending again", j.directory(),
                    loaded);
        }
    }

    private List<BacklogJournal.Owed> owedEverywhere() {
        return backlog.entrySet().stream().flatMap(e -> e.getValue().values().stream().map(p -> new BacklogJournal.Owed(
                e.getKey(), p.id(), p.source(), p.delete(), p.ackedAt(), p.seq()))).toList();
    }

    /**
     * Copies {@code id} to every other up site now (synchronous replication) and applies the {@link SyncPolicy}
     * (one replica, fail, when none is configured); copies that fail stay in the backlog.
     *
     * @throws UnavailableException as {@link #acknowledged}
     */
    public void replicateNow(String source, BlobId id, boolean delete) {
        Map<String, Pending> claimed;
        try {
            Claim claim = recordClaimed(source, id, delete);
            force(claim.position());
            claimed = claim.targets();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            written(source, id, delete);
            insufficient(source, id, delete, 0, sites.stream().map(InterceptedSite::id).filter(t -> !t.equals(source))
                    .collect(Collectors.toMap(t -> t, t -> "interrupted before the copy", (x, y) -> x, LinkedHashMap::new)));
            return;
        }
        Map<String, String> missing = new LinkedHashMap<>();
        int reached = 0;
        try {
            for (Map.Entry<String, Pending> e : claimed.entrySet()) {
                InterceptedSite target = site(e.getKey());
                String failure = blobUp.test(target.id()) ? attempt(target, e.getValue()) : "its blob service is down";
                if (failure == null) {
                    reached++;
                } else {
                    missing.put(target.id(), failure);
                }
            }
        } finally {
            synchronized (this) {
                claimed.keySet().forEach(t -> inFlight.get(t).remove(id));
                notifyAll();
            }
        }
        if (reached < sync.map(SyncPolicy::minReplicas).orElse(1)) {
            insufficient(source, id, delete, reached, missing);
        }
    }

    /**
     * Records a synchronous write and claims it for the calling thread at every other site, once no worker is copying
     * an older write of the same blob (so that the writes of one blob reach a site in order).
     */
    private synchronized Claim recordClaimed(String source, BlobId id, boolean delete)
            throws InterruptedException {
        while (sites.stream().anyMatch(t -> !t.id().equals(source) && inFlight.get(t.id()).contains(id))) {
            wait(50);
        }
        long position = record(source, id, delete, others(source)); // forced by the caller, outside this lock
        Map<String, Pending> claimed = new LinkedHashMap<>();
        for (InterceptedSite t : sites) {
            if (!t.id().equals(source)) {
                inFlight.get(t.id()).add(id);
                claimed.put(t.id(), backlog.get(t.id()).get(id));
            }
        }
        return new Claim(claimed, position);
    }

    /** A synchronous write that too few replicas took: fails it or records it as degraded, per the policy. */
    private void insufficient(String source, BlobId id, boolean delete, int reached, Map<String, String> missing) {
        int required = sync.map(SyncPolicy::minReplicas).orElse(1);
        String why = missing.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
        String operation = delete ? "blob.delete" : "blob.put";
        if (sync.map(SyncPolicy::onInsufficient).orElse(InsufficientReplicas.FAIL) == InsufficientReplicas.FAIL) {
            throw new UnavailableException(ErrorContext.of(site(source).raw().site(), operation, id.toString()),
                    "taken by " + reached + " of the " + required + " replicas required (replication.min-replicas); missing: "
                            + why + ". The write is at site " + source + " and stays in the replication backlog, so it "
                            + "reaches the missing replicas later; repeating it is safe");
        }
        synchronized (this) {
            missing.keySet().forEach(t -> degradedAt.merge(t, 1L, Long::sum));
        }
        LOG.warn("{} of {} at site {} acknowledged with {} of {} required replicas (degraded); missing: {}", operation, id,
                source, reached, required, why);
        events.publish(new FailoverEvent.ReplicationDegraded(clock.instant(), source, List.copyOf(missing.keySet()),
                id.toString(), why));
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

    /** Synchronous writes acknowledged without {@code target} holding them (degraded); they wait in its backlog. */
    public synchronized long degraded(String target) {
        return degradedAt.get(target);
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
        return catchUp(target, 0, timeout);
    }

    /**
     * Waits until at most {@code threshold} writes are pending for {@code target}, nothing pending can be copied
     * there (the target or the sources of what is left are down), or {@code timeout} passes. With writes paused and
     * a threshold of 0 this drains the target.
     *
     * @return the writes still pending for {@code target}
     */
    public int catchUp(String target, int threshold, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                Map<BlobId, Pending> q = backlog.get(target);
                boolean copyable = q.values().stream().anyMatch(p -> blobUp.test(p.source()));
                if (q.size() <= threshold || !copyable || !blobUp.test(target)) {
                    return q.size();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return q.size();
                }
                notifyAll();
                wait(Math.max(1, Math.min(50, left / 1_000_000)));
            }
        }
    }

    /**
     * A write yet to reach a site.
     *
     * @param id     the blob
     * @param source the site holding its newest state
     * @param delete whether the write deleted it
     */
    public record Owed(BlobId id, String source, boolean delete) {
    }

    /** The writes yet to reach {@code target}, oldest first: a snapshot. */
    public synchronized List<Owed> owed(String target) {
        return backlog.get(target).values().stream().map(p -> new Owed(p.id(), p.source(), p.delete())).toList();
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
                if (attempt(next.get().getKey(), next.get().getValue()) != null) {
                    pause(); // the target failed: do not spin on it
                }
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

    private InterceptedSite site(String id) {
        return sites.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private synchronized void pause() {
        try {
            wait(20);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Copies one pending write to {@code target}.
     *
     * @return null when the target holds it; otherwise why not (the write stays pending, or is dropped for good)
     */
    private String attempt(InterceptedSite target, Pending p) {
        InterceptedSite source = site(p.source());
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
                    journal.ifPresent(j -> j.copied(target.id(), p.id(), p.seq()));
                }
                replicated++;
                notifyAll();
            }
            return null;
        } catch (CloudException e) {
            if (e instanceof NotFoundException) {
                containersAt.remove(target.id() + "/" + p.id().container()); // deleted meanwhile: create again
            }
            if (!e.retryable() && !(e instanceof NotFoundException)) {
                // A caller-type error (e.g. a name the target provider rejects) will not heal by retrying.
                drop(target, p, e);
                return "rejected for good: " + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            // Stays pending; health tracking sees unavailability through the intercepted services.
            LOG.debug("replication of {} from site {} to site {} failed; retried", p.id(), p.source(), target.id(), e);
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private void drop(InterceptedSite target, Pending p, CloudException e) {
        boolean removed;
        synchronized (this) {
            removed = backlog.get(target.id()).remove(p.id(), p);
            if (removed) {
                journal.ifPresent(j -> j.copied(target.id(), p.id(), p.seq()));
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

    /** Stops the workers and closes the journal; what is pending stays unreplicated (and journaled, if kept). */
    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            journal.ifPresent(BacklogJournal::close);
        }
    }
}
