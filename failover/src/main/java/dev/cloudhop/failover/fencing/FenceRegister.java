package dev.cloudhop.failover.fencing;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.routing.ActiveSite;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch register: one {@link Fence} per site, and the check every write passes. A site that has seen
 * a newer epoch than this instance refuses its writes (another instance failed over, this one is stale);
 * the instance adopts the newer epoch and site so that its next call goes to the right place. A site's
 * epoch is re-read at most once per second per site. Thread-safe.
 */
public final class FenceRegister {

    private static final Logger LOG = LoggerFactory.getLogger(FenceRegister.class);
    private static final Duration TTL = Duration.ofSeconds(1);
    private static final BlobId BLOB = BlobId.of(Fence.CONTAINER, Fence.NAME);

    private record Cached(long epoch, long readAtMillis) {
    }

    private final Collection<InterceptedSite> sites;
    private final ActiveSite active;
    private final String defaultActive;
    private final Clock clock;
    private final EventBus events;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param sites         every site
     * @param active        the state this instance holds, adjusted when a newer fence is seen
     * @param defaultActive the site of a fresh deployment (the first in priority)
     */
    public FenceRegister(Collection<InterceptedSite> sites, ActiveSite active, String defaultActive, Clock clock,
                         EventBus events) {
        this.sites = List.copyOf(sites);
        this.active = active;
        this.defaultActive = defaultActive;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Refuses a write at {@code site} with a {@link ConflictException} when the site has seen a newer epoch
     * than this instance.
     */
    public void check(InterceptedSite site) {
        Cached cached = cache.get(site.id());
        long nowMs = clock.millis();
        long siteEpoch;
        if (cached != null && nowMs - cached.readAtMillis() < TTL.toMillis()) {
            siteEpoch = cached.epoch();
        } else {
            Optional<Fence> fence = read(site);
            siteEpoch = fence.map(Fence::epoch).orElse(0L);
            cache.put(site.id(), new Cached(siteEpoch, nowMs));
            long mine = active.epoch();
            if (siteEpoch > mine && fence.isPresent()) {
                active.adopt(siteEpoch, fence.get().activeSite());
                events.publish(new FailoverEvent.WriteFenced(clock.instant(), site.id(), active.epoch(), siteEpoch));
                LOG.warn("write refused at site {}: it is fenced at epoch {}, this instance was at {}; following {}",
                        site.id(), siteEpoch, mine, fence.get().activeSite());
                throw new ConflictException(ErrorContext.of(site.raw().site(), "failover.fence"),
                        "write refused: this client's epoch is older than the site's epoch " + siteEpoch
                                + " (another instance failed over to " + fence.get().activeSite() + "); retry");
            }
        }
        if (siteEpoch > active.epoch()) {
            throw new ConflictException(ErrorContext.of(site.raw().site(), "failover.fence"),
                    "write refused: site " + site.id() + " is fenced at epoch " + siteEpoch + ", this client is at "
                            + active.epoch());
        }
    }

    /** The site's fence; empty when it has none or it cannot be read now. */
    public Optional<Fence> read(InterceptedSite site) {
        try {
            Optional<Blob> blob = site.blobs().get(BLOB);
            if (blob.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Fence.parse(new String(blob.get().readAllBytes(), StandardCharsets.UTF_8), defaultActive));
        } catch (CloudException | NumberFormatException | UncheckedIOException e) {
            LOG.debug("fence of site {} unreadable (blob.get {})", site.id(), BLOB, e);
            return Optional.empty();
        }
    }

    /** Writes {@code fence} at {@code site}; throws what the site throws. */
    public void write(InterceptedSite site, Fence fence) {
        site.blobs().createContainer(Fence.CONTAINER);
        site.blobs().put(BLOB, BlobContent.ofUtf8(fence.format()));
        cache.put(site.id(), new Cached(fence.epoch(), clock.millis()));
    }

    /**
     * Reads every reachable site's fence and starts {@code active} at the newest; a fresh deployment starts
     * at epoch 1 at the default site and writes that fence wherever it can (the others are fenced when they
     * recover).
     */
    public void adoptNewest() {
        Fence best = null;
        for (InterceptedSite s : sites) {
            Optional<Fence> f = read(s);
            if (f.isPresent() && f.get().epoch() > (best == null ? 0 : best.epoch())
                    && sites.stream().anyMatch(x -> x.id().equals(f.get().activeSite()))) {
                best = f.get();
            }
        }
        if (best != null) {
            active.start(best.activeSite(), best.epoch());
            return;
        }
        Fence first = new Fence(1, defaultActive);
        active.start(first.activeSite(), first.epoch());
        for (InterceptedSite s : sites) {
            try {
                write(s, first);
            } catch (CloudException e) {
                LOG.info("site {} unreachable for its first fence (blob.put {}): fenced when it recovers", s.id(), BLOB, e);
            }
        }
    }
}
