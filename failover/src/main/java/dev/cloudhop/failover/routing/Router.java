package dev.cloudhop.failover.routing;

import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.internal.InterceptedSite;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a call goes. Priority routing: every key to the {@link ActiveSite}. Affinity (and the active-active
 * topology): a key to its home site by rendezvous hashing over healthy sites. Weighted: reads of a key to
 * one site picked by weight, writes to the active site. Thread-safe.
 */
public final class Router {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** Which site holds a write of a blob that has yet to reach another site (replication's backlog). */
    @FunctionalInterface
    public interface PendingWrites {
        /** The site holding the newest write of {@code id} not yet at {@code target}, if any. */
        Optional<String> newerAt(String target, BlobId id);
    }

    private final Map<String, InterceptedSite> sites;
    private final FailoverConfig config;
    private final HealthMonitor health;
    private final ActiveSite active;
    private final PendingWrites pending;
    private final boolean affinity;
    private final boolean keyed;

    /** Routes over {@code sites} (in priority order). */
    public Router(List<InterceptedSite> sites, FailoverConfig config, HealthMonitor health, ActiveSite active,
                  PendingWrites pending) {
        Map<String, InterceptedSite> m = new LinkedHashMap<>();
        sites.forEach(s -> m.put(s.id(), s));
        this.sites = m;
        this.config = config;
        this.health = health;
        this.active = active;
        this.pending = pending;
        this.affinity = config.topology() == FailoverConfig.Topology.ACTIVE_ACTIVE
                || config.routing() == FailoverConfig.Routing.AFFINITY;
        this.keyed = affinity || config.routing() == FailoverConfig.Routing.WEIGHTED;
    }

    /**
     * Whether the site of a call depends on its key (affinity, or weighted reads); when not, every key goes to the
     * active site and callers may skip building keys.
     */
    public boolean routesByKey() {
        return keyed;
    }

    /** Every site, in priority order. */
    public Collection<InterceptedSite> sites() {
        return sites.values();
    }

    /** Site ids, in priority order. */
    public List<String> ids() {
        return List.copyOf(sites.keySet());
    }

    /** A site by id; {@link IllegalArgumentException} naming the sites when there is none. */
    public InterceptedSite site(String id) {
        InterceptedSite s = sites.get(id);
        if (s == null) {
            throw new IllegalArgumentException("unknown site '" + id + "'; sites: " + sites.keySet());
        }
        return s;
    }

    /** The site clients use now. */
    public InterceptedSite active() {
        return site(active.site());
    }

    /**
     * The site a write of {@code key} goes to. With affinity, the key's home site, unless replication has
     * yet to bring it the key's newest write (its site just came back): then the site holding that write,
     * so that the key is never written or read where an older version could still overwrite it.
     */
    public InterceptedSite writeSite(String key) {
        if (!affinity) {
            return active();
        }
        InterceptedSite home = site(Rendezvous.home(key, sites.keySet(), this::blobUp));
        BlobId id = blobIdOf(key);
        if (id != null) {
            Optional<String> newer = pending.newerAt(home.id(), id);
            if (newer.isPresent() && blobUp(newer.get())) {
                return site(newer.get());
            }
        }
        return home;
    }

    /**
     * The site a read of {@code key} goes to first. With weighted routing, a key's reads stay on one site
     * picked by weight (so the pages of one listing come from one site), unless {@code behind} says that
     * site has yet to receive a write the read would see: then the read goes where the writes go.
     */
    public InterceptedSite readSite(String key, Predicate<String> behind) {
        InterceptedSite home = writeSite(key);
        if (config.routing() == FailoverConfig.Routing.WEIGHTED) {
            String pick = Rendezvous.weighted(key, sites.keySet(), config.weights(), this::blobUp);
            if (pick != null && (pick.equals(home.id()) || !behind.test(pick))) {
                return site(pick);
            }
        }
        return home;
    }

    /** Other up sites in priority order, for read fallback and best-effort fan-out. */
    public List<InterceptedSite> fallbacks(String except) {
        return sites.values().stream().filter(s -> !s.id().equals(except) && blobUp(s.id())).toList();
    }

    /**
     * After an unavailable write at {@code site}: waits up to {@code client-wait} for clients to be
     * redirected elsewhere (a failover the failure triggered).
     *
     * @return whether the site for {@code key} is now another one
     */
    public boolean awaitRedirect(String site, String key) {
        if (!config.automatic() || health.allUp(site, config.criticalServices())) {
            return false; // nothing will move clients: fail fast instead of waiting in vain
        }
        return active.awaitUntil(() -> !writeSite(key).id().equals(site), config.clientWait());
    }

    /**
     * Holds a write while a runbook is switching sites (from the fence to the redirect), so that no write
     * lands on the site being left after its data was settled; gives up after {@code client-wait}.
     *
     * @throws UnavailableException when the switch outlasts {@code client-wait} or the wait is interrupted
     */
    public void awaitSwitch(String operation) {
        if (!active.switching() || active.awaitUntil(() -> !active.switching(), config.clientWait())) {
            return;
        }
        throw switchInProgress(operation);
    }

    private UnavailableException switchInProgress(String operation) {
        return new UnavailableException(ErrorContext.of(active().raw().site(), operation),
                Thread.currentThread().isInterrupted() ? "interrupted" : "a failover is in progress; retry shortly");
    }

    /**
     * Admits a blob write as {@link #awaitSwitch} does, counting it as in flight ({@link ActiveSite#admitWrite}) so
     * that a planned move's pause waits for it; the caller calls {@link ActiveSite#writeDone()} when it is done.
     *
     * @throws UnavailableException when the switch outlasts {@code client-wait} or the wait is interrupted
     */
    public void admitWrite(String operation) {
        if (!active.admitWrite(config.clientWait())) {
            throw switchInProgress(operation);
        }
    }

    private boolean blobUp(String site) {
        return health.isUp(site, Service.BLOB);
    }

    /** The blob a routing key ({@code container/name}) stands for; null for other keys. */
    private static BlobId blobIdOf(String key) {
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            return null;
        }
        try {
            return BlobId.of(key.substring(0, slash), key.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            LOG.trace("routing key {} names no valid blob: routed as a container key", key, e);
            return null;
        }
    }
}
