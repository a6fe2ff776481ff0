package dev.cloudhop.failover.capture;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.KnownResources;
import dev.cloudhop.failover.internal.Threads;
import dev.cloudhop.failover.replication.Replicator;
import dev.cloudhop.failover.routing.ActiveSite;
import dev.cloudhop.failover.routing.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves messages stranded at a site clients left to the active site, keeping their dedup keys: on a
 * site's recovery, every {@code replication.merge-interval} (a sweep), and as part of a runbook's replay.
 * Requested moves run one at a time on their own thread, so that a long move never holds up a failover.
 * Thread-safe.
 */
public final class QueueMerger implements AutoCloseable {

    /** The attribute carrying a message's dedup key, so that moved and replayed messages keep it. */
    public static final String DEDUP_ATTRIBUTE = "cloudhop-dedup-key";
    private static final Logger LOG = LoggerFactory.getLogger(QueueMerger.class);

    private final Router router;
    private final ActiveSite active;
    private final HealthMonitor health;
    private final Replicator replicator;
    private final KnownResources known;
    private final FailoverConfig config;
    private final EventBus events;
    private final Clock clock;
    private final ExecutorService merger = Executors.newSingleThreadExecutor(Threads.daemon("cloudhop-merger"));
    private final ExecutorService movers = Executors.newCachedThreadPool(Threads.daemon("cloudhop-mover"));
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private volatile Instant nextSweep;

    /** Merges between the sites of {@code router}. */
    public QueueMerger(Router router, ActiveSite active, HealthMonitor health, Replicator replicator, KnownResources known,
                       FailoverConfig config, EventBus events, Clock clock) {
        this.router = router;
        this.active = active;
        this.health = health;
        this.replicator = replicator;
        this.known = known;
        this.config = config;
        this.events = events;
        this.clock = clock;
        this.nextSweep = clock.instant().plus(config.mergeInterval());
    }

    /**
     * The message to move to another site: its body and attributes (dead-letter ones included), and its dedup
     * key ({@link #dedupKey}) in {@link #DEDUP_ATTRIBUTE}, where consumers de-duplicate on it and the facade
     * reads it back as {@link ReceivedMessage#dedupKey()}. The provider-level dedup key is scoped to the move
     * ({@code key@site#epoch}), because the target may already have seen the original key (a message moved back
     * after failback) and would silently drop it, while a move repeated after an interruption is still
     * de-duplicated.
     */
    public static OutgoingMessage resend(ReceivedMessage m, String moveScope) {
        Map<String, String> attributes = new HashMap<>(m.attributes());
        String key = dedupKey(m);
        attributes.put(DEDUP_ATTRIBUTE, key);
        return new OutgoingMessage(m.body(), attributes, Optional.of(key + "@" + moveScope), Duration.ZERO);
    }

    /**
     * The dedup key a message was first sent with: the facade's {@link #DEDUP_ATTRIBUTE} (which survives moves
     * whose provider-level key is scoped), else the key the provider kept, else its id (a message sent to the
     * site directly without a key).
     */
    public static String dedupKey(ReceivedMessage m) {
        String attribute = m.attributes().get(DEDUP_ATTRIBUTE);
        return attribute != null ? attribute : m.dedupKey().orElse(m.messageId());
    }

    /** Every {@code replication.merge-interval} (zero: never), requests a move from every site. */
    public void sweepIfDue() {
        Instant now = clock.instant();
        if (!config.mergeInterval().isZero() && !now.isBefore(nextSweep)) {
            nextSweep = now.plus(config.mergeInterval());
            router.ids().forEach(this::request);
        }
    }

    /**
     * Moves the messages stranded at {@code siteId} to the active site on the merger thread, once replication
     * from it has settled (records written there must arrive before their messages are delivered again).
     * Requests for a site already waiting are coalesced; nothing happens while a runbook switches sites or
     * when either site's queues are down (the next recovery or sweep moves them).
     */
    public void request(String siteId) {
        if (active.closed() || !queued.add(siteId)) {
            return;
        }
        try {
            merger.submit(() -> {
                queued.remove(siteId);
                String to = active.site();
                if (active.closed() || active.switching() || siteId.equals(to) || !health.isUp(siteId, Service.QUEUE)
                        || !health.isUp(to, Service.QUEUE) || !holdsMessages(router.site(siteId))) {
                    return;
                }
                try {
                    replicator.settle(to, config.rpoBudget());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // closing
                }
                merge(router.site(siteId), router.site(to));
            });
        } catch (RejectedExecutionException e) {
            queued.remove(siteId); // closing
        }
    }

    /** Completes when every move requested so far has finished. */
    public Future<?> barrier() {
        return merger.submit(() -> { });
    }

    /**
     * Moves messages stranded at {@code from} (known queues) to {@code to}, with {@code replication.parallelism}
     * concurrent movers per queue (each receives its own batches, hidden from the others by the visibility
     * timeout). A message is acknowledged at {@code from} only after {@code to} accepted it; when a move fails,
     * the rest of the batch is made visible again at {@code from} (or reappears after the visibility timeout)
     * and moves on the next recovery, failback or sweep.
     *
     * @return messages moved
     */
    public int merge(InterceptedSite from, InterceptedSite to) {
        int moved = 0;
        for (String q : known.queuesSourcesFirst()) {
            AtomicInteger n = new AtomicInteger();
            try {
                if (!from.queues().queueExists(q)) {
                    continue;
                }
                known.ensureQueue(to.queues(), q);
                Runnable mover = () -> move(from, to, q, n);
                List<Future<?>> others = new ArrayList<>();
                for (int i = 1; i < config.parallelism(); i++) {
                    others.add(movers.submit(mover));
                }
                mover.run();
                for (Future<?> f : others) {
                    f.get();
                }
            } catch (CloudException e) {
                LOG.info("merge of queue {} from site {} to site {} stopped: {}; the rest moves later", q, from.id(), to.id(),
                        e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | RejectedExecutionException e) {
                LOG.error("a mover of queue {} from site {} to site {} failed", q, from.id(), to.id(), e);
            }
            if (n.get() > 0) {
                events.publish(new FailoverEvent.MessagesReplayed(clock.instant(), q, n.get(), to.id(), "merge from " + from.id()));
            }
            moved += n.get();
        }
        return moved;
    }

    private void move(InterceptedSite from, InterceptedSite to, String q, AtomicInteger n) {
        ReceiveOptions options = new ReceiveOptions(10, Duration.ofSeconds(60), Duration.ZERO);
        try {
            for (int round = 0; round < 10_000; round++) {
                List<ReceivedMessage> batch = from.queues().receive(q, options);
                if (batch.isEmpty()) {
                    return;
                }
                for (int i = 0; i < batch.size(); i++) {
                    ReceivedMessage m = batch.get(i);
                    if (!stillTarget(to)) {
                        // clients are moving (or have moved) elsewhere: what is left stays for the runbook's replay or
                        // the next sweep, which move it to the new active site instead of stranding it at this one
                        release(from, q, batch.subList(i, batch.size()));
                        LOG.info("move of queue {} from site {} to site {} stopped: {} is no longer where clients go", q,
                                from.id(), to.id(), to.id());
                        return;
                    }
                    try {
                        to.queues().send(q, resend(m, to.id() + "#" + active.epoch()));
                        from.queues().ack(q, m.receipt());
                    } catch (CloudException e) {
                        release(from, q, batch.subList(i, batch.size()));
                        throw e;
                    }
                    n.incrementAndGet();
                }
            }
        } catch (CloudException e) {
            LOG.info("move of queue {} from site {} to site {} stopped (queue.send/ack): {}; the rest moves later", q,
                    from.id(), to.id(), e.toString());
        }
    }

    /**
     * Whether a move may still deliver to {@code to}: it is the active site and no runbook is switching away from it.
     * A runbook's own replay (after its redirect) moves to the site it made active.
     */
    private boolean stillTarget(InterceptedSite to) {
        return !active.closed() && !active.switching() && to.id().equals(active.site());
    }

    /** Whether any known queue at {@code site} holds messages (so a sweep of an empty site costs no settle). */
    private boolean holdsMessages(InterceptedSite site) {
        for (String q : known.queues()) {
            try {
                if (site.queues().queueExists(q) && site.queues().approximateDepth(q) > 0) {
                    return true;
                }
            } catch (CloudException e) {
                LOG.debug("depth of queue {} at site {} unknown; the next recovery or sweep looks again", q, site.id(), e);
                return false;
            }
        }
        return false;
    }

    /** Makes messages a failed move received visible again at once, for the next sweep (best effort). */
    private static void release(InterceptedSite from, String queue, List<ReceivedMessage> unmoved) {
        for (ReceivedMessage m : unmoved) {
            try {
                from.queues().extendVisibility(queue, m.receipt(), Duration.ZERO);
            } catch (CloudException e) {
                LOG.debug("site {} queue {} failing: unmoved messages reappear after their visibility timeout", from.id(),
                        queue, e);
                return;
            }
        }
    }

    /** Stops moving; what is unmoved stays at its site. */
    @Override
    public void close() {
        merger.shutdownNow();
        movers.shutdownNow();
    }
}
