package dev.cloudhop.failover;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobPage;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.failover.backup.Backup;
import dev.cloudhop.failover.fencing.Fence;
import dev.cloudhop.failover.fencing.FenceRegister;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.KnownResources;
import dev.cloudhop.failover.replication.Replicator;
import dev.cloudhop.failover.routing.ActiveSite;
import dev.cloudhop.failover.routing.ReadHedger;
import dev.cloudhop.failover.routing.Router;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blob storage through the facade: writes to the active (or home) site behind the fence, then replicated;
 * reads from the active site (or, with weighted routing, a site picked per key by weight), falling back to
 * replicas when it is unavailable. A write reads top-down: {@link Router} (which site, which epoch),
 * {@link FenceRegister} (may this epoch write there?), the site, {@link Replicator} (copy or record). A write counts
 * as in flight from its admission to its acknowledgement, so a planned move's pause waits for it.
 *
 * <p>With sync replication and {@code on-insufficient-replicas = fail}, a put or delete that too few replicas took
 * throws an {@link UnavailableException} although the site took it: the change may be visible at that site, and it
 * stays in the replication backlog, so it reaches the replicas later. Repeating the put (or delete) is safe: it is
 * idempotent.
 */
final class FailoverBlobStore implements BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverBlobStore.class);
    private static final String TOKEN_SEPARATOR = "|";

    private final Router router;
    private final FenceRegister fences;
    private final Replicator replicator;
    private final ActiveSite active;
    private final KnownResources known;
    private final Optional<Backup> backup;
    private final ReadHedger hedger;

    FailoverBlobStore(Router router, FenceRegister fences, Replicator replicator, ActiveSite active, KnownResources known,
                      Optional<Backup> backup, ReadHedger hedger) {
        this.hedger = hedger;
        this.router = router;
        this.fences = fences;
        this.replicator = replicator;
        this.active = active;
        this.known = known;
        this.backup = backup;
    }

    /** The backup recording writes to {@code container}, if it is backed up. */
    private Optional<Backup> backupOf(String container) {
        return backup.filter(b -> b.covers(container));
    }

    private void checkOpen() {
        active.checkOpen();
    }

    private static boolean siteProblem(CloudException e) {
        return e instanceof UnavailableException || e instanceof ThrottledException;
    }

    /**
     * The routing key of a blob: built only when routing looks at keys, since every other key goes to the active
     * site (this spares the hot path a string per call).
     */
    private String key(BlobId id) {
        return router.routesByKey() ? id.toString() : "";
    }

    /**
     * The site a write of {@code key} goes to now, once the write is admitted (no switch in progress) and the fence
     * lets this instance write there. An admitted write must end with {@link ActiveSite#writeDone()}.
     */
    private InterceptedSite writeSite(String key) {
        checkOpen();
        router.admitWrite("blob.write");
        try {
            InterceptedSite site = router.writeSite(key);
            try {
                fences.check(site);
                return site;
            } catch (CloudException e) {
                // the fence of a site being failed away from could not be read: the write goes where clients are moved
                return retrySite(site, key, key, true, e);
            }
        } catch (RuntimeException e) {
            active.writeDone();
            throw e;
        }
    }

    /**
     * After a write of {@code what} failed at {@code site} with {@code e}: the site to retry at once, when the
     * write may be retried and a failover it triggered moved the key's writes elsewhere; otherwise throws {@code e}.
     */
    private InterceptedSite retrySite(InterceptedSite site, String key, Object what, boolean retryable, CloudException e) {
        if (!siteProblem(e) || !retryable) {
            throw e;
        }
        // the attempt at site is over: while the write waits for the redirect it is under way nowhere, so a runbook's
        // settle (which runs before the redirect) must not wait for it
        active.writeDone();
        boolean moved;
        try {
            moved = router.awaitRedirect(site.id(), key);
        } finally {
            active.resumeWrite(); // in flight again, as the caller's writeDone() expects
        }
        if (!moved) {
            throw e;
        }
        InterceptedSite next = router.writeSite(key);
        LOG.info("write of {} failed at site {} ({}); retried at site {}", what, site.id(), e.toString(), next.id());
        fences.check(next);
        return next;
    }

    /** A write at the site for {@code key}; retried once at the new site after a failover it triggered. */
    private <T> T write(String key, boolean retryable, Function<InterceptedSite, T> op) {
        InterceptedSite site = writeSite(key);
        try {
            return op.apply(site);
        } catch (CloudException e) {
            return op.apply(retrySite(site, key, key, retryable, e));
        } finally {
            active.writeDone();
        }
    }

    /** A read at the site for {@code key}; on unavailability, at the other up sites in priority order. */
    private <T> T read(String key, Function<InterceptedSite, T> op) {
        return read(key, site -> false, op);
    }

    /** As {@link #read(String, Function)}, avoiding a weighted pick that {@code behind} says lacks a write. */
    private <T> T read(String key, Predicate<String> behind, Function<InterceptedSite, T> op) {
        checkOpen();
        InterceptedSite site = router.readSite(key, behind);
        try {
            return op.apply(site);
        } catch (CloudException e) {
            return fallback(key, site, e, op);
        }
    }

    /** After a read of {@code key} failed at {@code site} with {@code e}: the read at the other up sites, in priority order. */
    private <T> T fallback(Object key, InterceptedSite site, CloudException e, Function<InterceptedSite, T> op) {
        if (!siteProblem(e)) {
            throw e;
        }
        for (InterceptedSite replica : router.fallbacks(site.id())) {
            try {
                return op.apply(replica);
            } catch (CloudException again) {
                if (!siteProblem(again)) {
                    throw again;
                }
                LOG.debug("read of {} failed at replica {} too", key, replica.id(), again);
            }
        }
        throw e;
    }

    /** The site a read of {@code id} goes to first: with weighted routing, not one that has yet to receive its newest write. */
    private InterceptedSite readSite(BlobId id) {
        checkOpen();
        return router.routesByKey() ? router.readSite(id.toString(), site -> replicator.behind(site, id))
                : router.readSite("", site -> false);
    }

    @Override
    public boolean createContainer(String container) {
        known.containers().add(container);
        boolean created = write(container, true, s -> s.blobs().createContainer(container));
        for (InterceptedSite other : router.fallbacks(router.writeSite(container).id())) {
            try {
                other.blobs().createContainer(container);
            } catch (CloudException e) {
                LOG.debug("container {} not created at site {} now; the prepare step creates it if the site takes over",
                        container, other.id(), e);
            }
        }
        return created;
    }

    @Override
    public boolean deleteContainer(String container) {
        boolean existed = write(container, true, s -> s.blobs().deleteContainer(container));
        for (InterceptedSite other : router.fallbacks(router.writeSite(container).id())) {
            try {
                other.blobs().deleteContainer(container);
            } catch (CloudException e) {
                LOG.info("container {} not deleted at site {} (blob.deleteContainer): {}", container, other.id(), e.toString());
            }
        }
        backupOf(container).ifPresent(b -> b.containerDeleted(container));
        return existed;
    }

    @Override
    public boolean containerExists(String container) {
        return read(container, s -> s.blobs().containerExists(container));
    }

    @Override
    public Stream<String> listContainers() {
        return read("", s -> s.blobs().listContainers().toList()).stream()
                .filter(c -> !c.equals(Fence.CONTAINER) && !c.equals(Backup.CONTAINER));
    }

    /**
     * With backup, the content is captured into the backup's spool while it streams to the site, and the change is
     * durable there before the put returns; a put that fails leaves nothing in the spool.
     */
    @Override
    public BlobInfo put(BlobId id, BlobContent content, PutOptions options) {
        Optional<Backup> b = backupOf(id.container());
        if (b.isEmpty()) {
            return putAt(id, content, options).info;
        }
        try (Backup.WriteCapture capture = b.get().capture(id, content)) {
            Written w = putAt(id, capture.content(), options);
            capture.acknowledged(options, () -> w.site.blobs().get(id));
            return w.info;
        }
    }

    /** A put's outcome: the stored properties and the site that took it. */
    private record Written(BlobInfo info, InterceptedSite site) {
    }

    private Written putAt(BlobId id, BlobContent content, PutOptions options) {
        known.containers().add(id.container());
        String key = key(id);
        InterceptedSite site = writeSite(key);
        try {
            BlobInfo info;
            try {
                info = site.blobs().put(id, content, options);
            } catch (CloudException e) {
                site = retrySite(site, key, id, content.repeatable(), e);
                info = site.blobs().put(id, content, options);
            }
            replicator.acknowledged(site.id(), id, false);
            return new Written(info, site);
        } finally {
            active.writeDone();
        }
    }

    @Override
    public Optional<Blob> get(BlobId id) {
        InterceptedSite site = readSite(id);
        try {
            return hedger.read(site, () -> upToDateReplicas(site, id), s -> s.blobs().get(id), lost -> lost.ifPresent(b -> {
                try {
                    b.close();
                } catch (RuntimeException e) {
                    LOG.debug("the losing answer of a hedged read of {} did not close (blob.get)", id, e);
                }
            }));
        } catch (CloudException e) {
            return fallback(id, site, e, s -> s.blobs().get(id));
        }
    }

    /** The one replica a hedged read of {@code id} may go to: the first up site, other than {@code site}, that holds its every write. */
    private List<InterceptedSite> upToDateReplicas(InterceptedSite site, BlobId id) {
        return router.fallbacks(site.id()).stream().filter(r -> !replicator.behind(r.id(), id)).limit(1).toList();
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) {
        InterceptedSite site = readSite(id);
        try {
            return hedger.read(site, () -> upToDateReplicas(site, id), s -> s.blobs().stat(id), lost -> { });
        } catch (CloudException e) {
            return fallback(id, site, e, s -> s.blobs().stat(id));
        }
    }

    @Override
    public void delete(BlobId id) {
        String key = key(id);
        InterceptedSite site = writeSite(key);
        try {
            try {
                site.blobs().delete(id);
            } catch (CloudException e) {
                site = retrySite(site, key, id, true, e);
                site.blobs().delete(id);
            }
            replicator.acknowledged(site.id(), id, true);
        } finally {
            active.writeDone();
        }
        backupOf(id.container()).ifPresent(b -> b.deleted(id));
    }

    /**
     * Pages come from one site: the next-page token names the site that issued it ({@code site|token}), and
     * the following pages are read there, even if routing would pick another site meanwhile.
     */
    @Override
    public BlobPage listPage(String container, ListOptions options, Optional<String> token) {
        checkOpen();
        String[] at = new String[1];
        BlobPage page;
        if (token.isPresent()) {
            int i = token.get().indexOf(TOKEN_SEPARATOR);
            String siteId = i < 0 ? null : token.get().substring(0, i);
            if (siteId == null || !router.ids().contains(siteId)) {
                throw new InvalidRequestException(ErrorContext.of(router.writeSite(container).raw().site(), "blob.list", container),
                        "page token was not issued by the failover facade");
            }
            at[0] = siteId;
            page = router.site(siteId).blobs().listPage(container, options, Optional.of(token.get().substring(i + 1)));
        } else {
            page = read(container, site -> replicator.behind(site, container), s -> {
                at[0] = s.id();
                return s.blobs().listPage(container, options, token);
            });
        }
        return new BlobPage(page.entries(), page.nextToken().map(t -> at[0] + TOKEN_SEPARATOR + t));
    }
}
