package dev.cloudhop.failover.fencing;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.routing.ActiveSite;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch register: one {@link Fence} per site, and the check every write and send passes. A site that has
 * seen a newer epoch than this instance (or this epoch with another active site) refuses its writes: another
 * instance moved the fleet, this one is stale; it adopts the newer epoch and site so that its next call goes to
 * the right place. The check fails closed: a fence that cannot be read is unknown, never "no fence", and the
 * write waits up to {@code client-wait} for it and then fails as unavailable; so does a write while the fleet's
 * coordination does not let this instance acknowledge. Fences are written conditionally (ETag) where the site
 * supports it, so a lost race is seen and never overwritten. A site's fence read is reused for one second.
 * Thread-safe.
 */
public final class FenceRegister {

    private static final Logger LOG = LoggerFactory.getLogger(FenceRegister.class);
    private static final Duration TTL = Duration.ofSeconds(1);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private record Cached(Fence fence, long readAtMillis) {
    }

    private final Collection<InterceptedSite> sites;
    private final ActiveSite active;
    private final String defaultActive;
    private final Clock clock;
    private final EventBus events;
    private final Duration clientWait;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile BooleanSupplier mayAcknowledge = () -> true;

    /**
     * @param sites         every site
     * @param active        the state this instance holds, adjusted when a newer fence is seen
     * @param defaultActive the site of a fresh deployment (the first in priority)
     * @param clientWait    how long a write waits for an unreadable fence or for coordination
     */
    public FenceRegister(Collection<InterceptedSite> sites, ActiveSite active, String defaultActive, Clock clock,
                         EventBus events, Duration clientWait) {
        this.sites = List.copyOf(sites);
        this.active = active;
        this.defaultActive = defaultActive;
        this.clock = clock;
        this.events = events;
        this.clientWait = clientWait;
    }

    /** What says whether the fleet's coordination lets this instance acknowledge writes now (default: always). */
    public void mayAcknowledge(BooleanSupplier check) {
        this.mayAcknowledge = check;
    }

    /**
     * Refuses ({@link ConflictException}) when the site is fenced at an epoch newer than this instance's, without
     * adopting it, so that a runbook in progress keeps its own view; throws what reading the fence throws.
     */
    public void refuseIfBehind(InterceptedSite site) {
        Fence fence = fence(site, System.nanoTime() + clientWait.toNanos());
        if (fence.epoch() > active.epoch()) {
            throw new ConflictException(ErrorContext.of(site.raw().site(), "failover.fence"), "site " + site.id()
                    + " is fenced at epoch " + fence.epoch() + " (for " + fence.activeSite() + "), this instance is at epoch "
                    + active.epoch());
        }
    }

    /** The site's fence, read at most once per {@link #TTL}. */
    private Fence fence(InterceptedSite site, long deadline) {
        Cached cached = cache.get(site.id());
        long nowMs = clock.millis();
        if (cached != null && nowMs - cached.readAtMillis() < TTL.toMillis()) {
            return cached.fence();
        }
        Fence fence = readWaiting(site, deadline);
        cache.put(site.id(), new Cached(fence, nowMs));
        return fence;
    }

    /**
     * Lets a write or send at {@code site} go on, or refuses it: {@link ConflictException} when the site has seen
     * a newer epoch (or this epoch with another site); {@link UnavailableException} (retryable) when the site's
     * fence stays unreadable, or coordination does not let this instance acknowledge, for {@code client-wait}.
     */
    public void check(InterceptedSite site) {
        long deadline = System.nanoTime() + clientWait.toNanos();
        if (!mayAcknowledge.getAsBoolean() && !active.awaitUntil(mayAcknowledge, clientWait)) {
            throw new UnavailableException(ErrorContext.of(site.raw().site(), "failover.fence"), "write refused at site "
                    + site.id() + ": this instance has lost the fleet's coordination (it cannot confirm the fleet's "
                    + "epoch) for " + clientWait.toMillis() + " ms; retry");
        }
        Fence fence = fence(site, deadline);
        long mine = active.epoch();
        boolean newer = fence.epoch() > mine;
        boolean rival = fence.epoch() == mine && !fence.activeSite().equals(active.site());
        if (!newer && !rival) {
            return;
        }
        if (newer) {
            active.adopt(fence.epoch(), fence.activeSite());
        }
        events.publish(new FailoverEvent.WriteFenced(clock.instant(), site.id(), mine, fence.epoch()));
        LOG.warn("write refused at site {}: it is fenced at epoch {} for site {}, this instance was at epoch {} for {}",
                site.id(), fence.epoch(), fence.activeSite(), mine, active.site());
        throw new ConflictException(ErrorContext.of(site.raw().site(), "failover.fence"), "write refused: site " + site.id()
                + " is fenced at epoch " + fence.epoch() + " (another instance moved the fleet to " + fence.activeSite()
                + "), this client was at epoch " + mine + "; retry");
    }

    /**
     * The site's fence (epoch 0 for a fresh site), re-read until {@code deadline} while it cannot be read, or until
     * a failover changes this instance's epoch.
     */
    private Fence readWaiting(InterceptedSite site, long deadline) {
        long epoch = active.epoch();
        while (true) {
            SystemBlobs.Read read = read(site);
            Optional<Fence> fence = fence(read);
            if (fence.isPresent() || read instanceof SystemBlobs.Absent) {
                return fence.orElse(new Fence(0, defaultActive));
            }
            // a failover meanwhile moved clients: waiting for this site's fence is pointless, the write goes elsewhere
            if (System.nanoTime() >= deadline || active.closed() || active.epoch() != epoch) {
                CloudException cause = ((SystemBlobs.Unreadable) read).cause();
                LOG.warn("write refused at site {}: its fence ({}/{}) is unreadable: {}", site.id(), Fence.CONTAINER, Fence.NAME,
                        cause.toString());
                throw new UnavailableException(ErrorContext.of(site.raw().site(), "failover.fence"), "write refused at site "
                        + site.id() + ": its fence (" + Fence.CONTAINER + "/" + Fence.NAME + ") is unreadable, so this "
                        + "instance cannot tell whether another instance moved the fleet; retry", cause);
            }
            LockSupport.parkNanos(Math.min(RETRY_NANOS, Math.max(1, deadline - System.nanoTime())));
        }
    }

    /** The site's fence record as read now: {@link SystemBlobs.Absent} is a fresh site, {@link SystemBlobs.Unreadable} unknown. */
    public SystemBlobs.Read read(InterceptedSite site) {
        SystemBlobs.Read read = SystemBlobs.read(site, Fence.NAME);
        if (read instanceof SystemBlobs.Found found) {
            try {
                Fence.parse(found.text(), defaultActive);
            } catch (NumberFormatException e) {
                return new SystemBlobs.Unreadable(new UnavailableException(ErrorContext.of(site.raw().site(), "failover.fence"),
                        "fence of site " + site.id() + " is not '<epoch> <site>': '" + found.text() + "'", e));
            }
        }
        return read;
    }

    /** The fence a read found, if it found one. */
    public Optional<Fence> fence(SystemBlobs.Read read) {
        return read.found().map(t -> Fence.parse(t, defaultActive));
    }

    /**
     * Writes {@code fence} at {@code site} unless the site already holds a newer epoch or this epoch for another
     * site: conditionally on the fence read (ETag) where the site supports it, so that of two instances writing at
     * once exactly one wins and the other sees the winner.
     *
     * @return the fence the site holds afterwards: {@code fence}, or the one another instance wrote (not overwritten)
     * @throws CloudException when the site cannot be read or written
     */
    public Fence write(InterceptedSite site, Fence fence) {
        for (int attempt = 0; attempt < 5; attempt++) {
            SystemBlobs.Read read = read(site);
            if (read instanceof SystemBlobs.Unreadable u) {
                throw u.cause();
            }
            Optional<Fence> held = fence(read);
            if (held.isPresent() && held.get().epoch() >= fence.epoch()) {
                cache.put(site.id(), new Cached(held.get(), clock.millis()));
                return held.get(); // this epoch or a newer one is decided there already
            }
            if (SystemBlobs.write(site, Fence.NAME, fence.format(), read)) {
                cache.put(site.id(), new Cached(fence, clock.millis()));
                return fence;
            }
            LOG.info("fence of site {} changed while epoch {} was written; re-read", site.id(), fence.epoch());
        }
        throw new ConflictException(ErrorContext.of(site.raw().site(), "failover.fence"),
                "fence of site " + site.id() + " kept changing while epoch " + fence.epoch() + " was written");
    }

    /**
     * Reads every reachable site's fence and starts {@code active} at the newest; a fresh deployment starts
     * at epoch 1 at the default site and writes that fence wherever it can (the others are fenced when they
     * recover).
     */
    public void adoptNewest() {
        Fence best = newest().orElse(null);
        if (best != null) {
            active.start(best.activeSite(), best.epoch());
            return;
        }
        Fence first = new Fence(1, defaultActive);
        active.start(first.activeSite(), first.epoch());
        for (InterceptedSite s : sites) {
            try {
                Fence held = write(s, first);
                if (held.epoch() > active.epoch()) {
                    active.start(held.activeSite(), held.epoch()); // another instance started first and moved on
                }
            } catch (CloudException e) {
                LOG.info("site {} unreachable for its first fence (blob.put {}/{}): fenced when it recovers", s.id(),
                        Fence.CONTAINER, Fence.NAME, e);
            }
        }
    }

    /** The newest fence among the reachable sites that names one of ours. */
    public Optional<Fence> newest() {
        Fence best = null;
        for (InterceptedSite s : sites) {
            Optional<Fence> f = fence(read(s));
            if (f.isPresent() && f.get().epoch() > (best == null ? 0 : best.epoch())
                    && sites.stream().anyMatch(x -> x.id().equals(f.get().activeSite()))) {
                best = f.get();
            }
        }
        return Optional.ofNullable(best);
    }
}
