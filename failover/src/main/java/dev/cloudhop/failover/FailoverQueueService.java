package dev.cloudhop.failover;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueLimits;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.failover.capture.CaptureJournal;
import dev.cloudhop.failover.capture.QueueMerger;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.fencing.FenceRegister;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.KnownResources;
import dev.cloudhop.failover.routing.ActiveSite;
import dev.cloudhop.failover.routing.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues through the facade. Every message gets a dedup key (the caller's, or a new one) carried in an
 * attribute, so that captures replayed and messages moved between sites are delivered idempotently. A send
 * the active site cannot take is captured durably and acknowledged with an id {@code captured:<key>}.
 * Receipts name the site that issued them, so acks reach it after a failover. A received message's
 * {@link ReceivedMessage#dedupKey()} is the key it was first sent with, also after a capture or a move.
 *
 * <p>Dead-letter policies given to {@link #createQueue(String, DeadLetterPolicy)} are remembered: a runbook
 * creates the queue with its policy at a new site, and captured sends and moved messages land in a queue that
 * has it.
 */
final class FailoverQueueService implements QueueService {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverQueueService.class);
    private static final String RECEIPT_SEPARATOR = "|";

    private final Router router;
    private final HealthMonitor health;
    private final CaptureJournal journal;
    private final KnownResources known;
    private final ActiveSite state;
    private final EventBus events;
    private final Clock clock;
    private final FenceRegister fences;

    FailoverQueueService(Router router, HealthMonitor health, CaptureJournal journal, KnownResources known, ActiveSite state,
                         EventBus events, Clock clock, FenceRegister fences) {
        this.fences = fences;
        this.router = router;
        this.health = health;
        this.journal = journal;
        this.known = known;
        this.state = state;
        this.events = events;
        this.clock = clock;
    }

    private InterceptedSite active() {
        checkOpen();
        return router.writeSite("");
    }

    private void checkOpen() {
        state.checkOpen();
    }

    private static boolean siteProblem(CloudException e) {
        return e instanceof UnavailableException || e instanceof ThrottledException;
    }

    @Override
    public QueueLimits limits() {
        return active().queues().limits();
    }

    @Override
    public boolean createQueue(String queue) {
        known.rememberQueue(queue, Optional.empty());
        boolean created = active().queues().createQueue(queue);
        createAtFallbacks(queue);
        return created;
    }

    /**
     * Creates the queue at the active site with {@code policy}, creating its dead-letter queue first if it is
     * missing, and remembers the policy the queue has there (a queue that existed keeps its own), so that a
     * runbook creates it at a new site too. The other sites get both queues now where they can.
     */
    @Override
    public boolean createQueue(String queue, DeadLetterPolicy policy) {
        InterceptedSite site = active();
        known.queues().add(policy.targetQueue());
        known.ensureQueue(site.queues(), policy.targetQueue());
        boolean created = site.queues().createQueue(queue, policy);
        known.rememberQueue(queue, created ? Optional.of(policy) : site.queues().deadLetterPolicy(queue));
        createAtFallbacks(queue);
        return created;
    }

    private void createAtFallbacks(String queue) {
        for (InterceptedSite other : router.fallbacks(active().id())) {
            try {
                known.ensureQueue(other.queues(), queue);
            } catch (CloudException e) {
                LOG.debug("queue {} not created at site {} now; the prepare step creates it if the site takes over",
                        queue, other.id(), e);
            }
        }
    }

    /**
     * The active site's answer; while the active site cannot answer (unavailable or throttling), the policy the
     * queue was created with through the facade, if any.
     */
    @Override
    public Optional<DeadLetterPolicy> deadLetterPolicy(String queue) {
        InterceptedSite site = active();
        try {
            return site.queues().deadLetterPolicy(queue);
        } catch (CloudException e) {
            Optional<DeadLetterPolicy> remembered = known.policy(queue);
            if (!siteProblem(e) || remembered.isEmpty()) {
                throw e;
            }
            LOG.debug("dead-letter policy of queue {} from memory: site {} cannot answer", queue, site.id(), e);
            return remembered;
        }
    }

    /**
     * Redrives at the active site. Dead letters stranded at a site clients left reach the active site's
     * dead-letter queue with the next merge (recovery, sweep or runbook), not with this call.
     */
    @Override
    public int redrive(String deadLetterQueue, String targetQueue, int maxMessages) {
        return active().queues().redrive(deadLetterQueue, targetQueue, maxMessages);
    }

    @Override
    public boolean deleteQueue(String queue) {
        known.forgetQueue(queue);
        boolean existed = active().queues().deleteQueue(queue);
        for (InterceptedSite other : router.fallbacks(active().id())) {
            try {
                other.queues().deleteQueue(queue);
            } catch (CloudException e) {
                LOG.info("queue {} not deleted at site {} (queue.deleteQueue): {}", queue, other.id(), e.toString());
            }
        }
        return existed;
    }

    @Override
    public boolean queueExists(String queue) {
        return active().queues().queueExists(queue);
    }

    @Override
    public Stream<String> listQueues() {
        return active().queues().listQueues();
    }

    @Override
    public String send(String queue, OutgoingMessage message) {
        InterceptedSite site = active();
        known.queues().add(queue);
        router.awaitSwitch("queue.send");
        String key = message.dedupKey().orElseGet(() -> UUID.randomUUID().toString());
        Map<String, String> attributes = new HashMap<>(message.attributes());
        attributes.put(QueueMerger.DEDUP_ATTRIBUTE, key);
        OutgoingMessage keyed = new OutgoingMessage(message.body(), attributes, Optional.of(key), message.delay());
        site = active();
        if (keyed.sizeInBytes() > site.queues().limits().maxMessageBytes()) {
            throw new InvalidRequestException(ErrorContext.of(site.raw().site(), "queue.send", queue), "message of "
                    + keyed.sizeInBytes() + " bytes exceeds the limit of " + site.queues().limits().maxMessageBytes()
                    + " bytes for queue '" + queue + "'");
        }
        if (health.isUp(site.id(), Service.QUEUE) && fenced(site)) {
            try {
                return site.queues().send(queue, keyed);
            } catch (CloudException e) {
                if (!siteProblem(e)) {
                    throw e;
                }
                LOG.info("send to queue {} at site {} failed ({}): captured for replay", queue, site.id(), e.toString());
            }
        }
        journal.capture(queue, keyed, known.policy(queue));
        events.publish(new FailoverEvent.MessageCaptured(clock.instant(), site.id(), queue, key));
        return "captured:" + key;
    }

    /**
     * Whether the fence lets this instance acknowledge a send at {@code site}; a fence that stays unknown means
     * capture (the replay passes the fence again). A stale instance is refused ({@link dev.cloudhop.api.ConflictException}).
     */
    private boolean fenced(InterceptedSite site) {
        try {
            fences.check(site);
            return true;
        } catch (UnavailableException e) {
            LOG.info("send at site {} not acknowledged there ({}): captured for replay", site.id(), e.getMessage());
            return false;
        }
    }

    @Override
    public List<ReceivedMessage> receive(String queue, ReceiveOptions options) {
        InterceptedSite site = active();
        List<ReceivedMessage> got;
        try {
            got = site.queues().receive(queue, options);
        } catch (CloudException e) {
            if (!siteProblem(e) || !router.awaitRedirect(site.id(), "")) {
                throw e;
            }
            LOG.info("receive from queue {} failed at site {} ({}); retried at the new site", queue, site.id(), e.toString());
            site = active();
            got = site.queues().receive(queue, options);
        }
        String prefix = site.id() + RECEIPT_SEPARATOR;
        return got.stream().map(m -> new ReceivedMessage(m.messageId(), m.body(), m.attributes(), prefix + m.receipt(),
                m.deliveryCount(), m.sentAt(), Optional.ofNullable(m.attributes().get(QueueMerger.DEDUP_ATTRIBUTE)).or(m::dedupKey)))
                .toList();
    }

    private record Receipt(InterceptedSite site, String receipt) {
    }

    private Receipt parse(String queue, String receipt) {
        checkOpen();
        int i = receipt.indexOf(RECEIPT_SEPARATOR);
        String siteId = i < 0 ? null : receipt.substring(0, i);
        if (siteId == null || !router.ids().contains(siteId)) {
            throw new InvalidRequestException(ErrorContext.of(active().raw().site(), "queue.ack", queue),
                    "receipt was not issued by the failover facade");
        }
        return new Receipt(router.site(siteId), receipt.substring(i + 1));
    }

    @Override
    public void ack(String queue, String receipt) {
        Receipt r = parse(queue, receipt);
        r.site().queues().ack(queue, r.receipt());
    }

    @Override
    public void extendVisibility(String queue, String receipt, Duration visibility) {
        Receipt r = parse(queue, receipt);
        r.site().queues().extendVisibility(queue, r.receipt(), visibility);
    }

    @Override
    public long approximateDepth(String queue) {
        return active().queues().approximateDepth(queue) + journal.count(queue);
    }
}
