package dev.cloudhop.failover;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueLimits;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.internal.InterceptedSite;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Queues through the facade. Every message gets a dedup key (the caller's, or a new one) carried in an
 * attribute, so that captures replayed and messages moved between sites are delivered idempotently. A send
 * the active site cannot take is captured durably and acknowledged with an id {@code captured:<key>}.
 * Receipts name the site that issued them, so acks reach it after a failover.
 */
final class FailoverQueueService implements QueueService {

    private static final String RECEIPT_SEPARATOR = "|";
    private final FailoverCloud cloud;

    FailoverQueueService(FailoverCloud cloud) {
        this.cloud = cloud;
    }

    private InterceptedSite active() {
        return cloud.writeSite("");
    }

    private static boolean siteProblem(CloudException e) {
        return e instanceof UnavailableException || e instanceof ThrottledException;
    }

    /**
     * The message to move to another site. The attribute keeps the original key (consumers de-duplicate
     * on it); the provider-level dedup key is scoped to the move ({@code key@site#epoch}), because the
     * target may already have seen the original key (a message moved back after failback) and would
     * silently drop it, while a move repeated after an interruption is still de-duplicated.
     */
    static OutgoingMessage resend(ReceivedMessage m, String moveScope) {
        Map<String, String> attributes = new HashMap<>(m.attributes());
        String key = attributes.getOrDefault(FailoverCloud.DEDUP_ATTRIBUTE, m.messageId());
        attributes.put(FailoverCloud.DEDUP_ATTRIBUTE, key);
        return new OutgoingMessage(m.body(), attributes, Optional.of(key + "@" + moveScope), Duration.ZERO);
    }

    @Override
    public QueueLimits limits() {
        return active().queues().limits();
    }

    @Override
    public boolean createQueue(String queue) {
        cloud.rememberQueue(queue);
        boolean created = active().queues().createQueue(queue);
        for (InterceptedSite other : cloud.fallbacks(active().id())) {
            try {
                other.queues().createQueue(queue);
            } catch (CloudException e) {
                // created at failover (prepare step)
            }
        }
        return created;
    }

    @Override
    public boolean deleteQueue(String queue) {
        cloud.knownQueues().remove(queue);
        boolean existed = active().queues().deleteQueue(queue);
        for (InterceptedSite other : cloud.fallbacks(active().id())) {
            try {
                other.queues().deleteQueue(queue);
            } catch (CloudException e) {
                // best effort
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
        cloud.rememberQueue(queue);
        cloud.awaitSwitch("queue.send");
        String key = message.dedupKey().orElseGet(() -> UUID.randomUUID().toString());
        Map<String, String> attributes = new HashMap<>(message.attributes());
        attributes.put(FailoverCloud.DEDUP_ATTRIBUTE, key);
        OutgoingMessage keyed = new OutgoingMessage(message.body(), attributes, Optional.of(key), message.delay());
        InterceptedSite site = active();
        if (keyed.sizeInBytes() > site.queues().limits().maxMessageBytes()) {
            throw new InvalidRequestException(ErrorContext.of(site.raw().site(), "queue.send", queue), "message of "
                    + keyed.sizeInBytes() + " bytes exceeds the limit of " + site.queues().limits().maxMessageBytes()
                    + " bytes for queue '" + queue + "'");
        }
        if (cloud.health().isUp(site.id(), Service.QUEUE)) {
            try {
                return site.queues().send(queue, keyed);
            } catch (CloudException e) {
                if (!siteProblem(e)) {
                    throw e;
                }
            }
        }
        cloud.journal().capture(queue, keyed);
        cloud.publish(new FailoverEvent.MessageCaptured(cloud.now(), site.id(), queue, key));
        return "captured:" + key;
    }

    @Override
    public List<ReceivedMessage> receive(String queue, ReceiveOptions options) {
        InterceptedSite site = active();
        List<ReceivedMessage> got;
        try {
            got = site.queues().receive(queue, options);
        } catch (CloudException e) {
            if (!siteProblem(e) || !cloud.awaitRedirect(site.id(), "")) {
                throw e;
            }
            site = active();
            got = site.queues().receive(queue, options);
        }
        String prefix = site.id() + RECEIPT_SEPARATOR;
        return got.stream().map(m -> new ReceivedMessage(m.messageId(), m.body(), m.attributes(), prefix + m.receipt(),
                m.deliveryCount(), m.sentAt())).toList();
    }

    private record Receipt(InterceptedSite site, String receipt) {
    }

    private Receipt parse(String queue, String receipt) {
        int i = receipt.indexOf(RECEIPT_SEPARATOR);
        String siteId = i < 0 ? null : receipt.substring(0, i);
        if (siteId == null || !cloud.siteIds().contains(siteId)) {
            throw new InvalidRequestException(ErrorContext.of(active().raw().site(), "queue.ack", queue),
                    "receipt was not issued by the failover facade");
        }
        return new Receipt(cloud.siteById(siteId), receipt.substring(i + 1));
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
        return active().queues().approximateDepth(queue) + cloud.journal().count(queue);
    }
}
