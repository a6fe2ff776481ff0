package dev.cloudhop.api.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Message queues of one site with at-least-once delivery: a received message is hidden for its
 * visibility timeout and delivered again unless acknowledged.
 *
 * <p>Implementations are thread-safe. Errors are {@link dev.cloudhop.api.CloudException}s: a missing
 * queue is {@link dev.cloudhop.api.NotFoundException}; a message over {@link QueueLimits#maxMessageBytes()}
 * is {@link dev.cloudhop.api.InvalidRequestException} naming its size and the limit, and is not sent.
 */
public interface QueueService {

    /** This provider's limits. */
    QueueLimits limits();

    /**
     * Creates a queue. Idempotent.
     *
     * @return true if created, false if it existed
     */
    boolean createQueue(String queue);

    /**
     * Creates a queue whose poison messages go to a dead-letter queue: a message delivered
     * {@link DeadLetterPolicy#maxDeliveries()} times without an acknowledgement is moved to
     * {@link DeadLetterPolicy#targetQueue()} with its body, attributes and dedup key plus
     * {@value DeadLetterPolicy#REASON_ATTRIBUTE} and {@value DeadLetterPolicy#SOURCE_ATTRIBUTE}, exactly once
     * even when consumers race. Idempotent: if the queue exists it is left as it is, policy included.
     *
     * <p>The default implementation, for services without dead-letter queues, throws
     * {@link UnsupportedOperationException}; providers that declare
     * {@link dev.cloudhop.api.Capability#QUEUE_DEAD_LETTER} implement it.
     *
     * @return true if created, false if it existed
     * @throws dev.cloudhop.api.NotFoundException if the target queue does not exist
     * @throws dev.cloudhop.api.InvalidRequestException if the target is the queue itself or a name is invalid
     */
    default boolean createQueue(String queue, DeadLetterPolicy policy) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no dead-letter queues");
    }

    /**
     * The dead-letter policy of a queue, if it has one. The default implementation, for services without
     * dead-letter queues, returns empty.
     *
     * @throws dev.cloudhop.api.NotFoundException if the queue does not exist
     */
    default Optional<DeadLetterPolicy> deadLetterPolicy(String queue) {
        return Optional.empty();
    }

    /**
     * Moves up to {@code maxMessages} visible messages from a dead-letter queue back to {@code targetQueue}
     * (usually the queue they came from), with their body, attributes (less
     * {@value DeadLetterPolicy#REASON_ATTRIBUTE} and {@value DeadLetterPolicy#SOURCE_ATTRIBUTE}) and dedup key,
     * and a fresh delivery count. Each message is sent before it is removed from the dead-letter queue, with a
     * dedup key derived from its id ({@link DeadLetterPolicy#redriveKey}), so a redrive repeated after a crash
     * does not duplicate it where the target de-duplicates; the message's own dedup key travels with it but is
     * not applied again, so a redrive within the dedup window is not dropped.
     *
     * <p>The default implementation does this with {@link #receive}, {@link #send} and {@link #ack}; as it can
     * only send one dedup key, the redriven message carries the redrive key instead of its own. Providers
     * override it to keep the message's key.
     *
     * @return how many messages were moved
     * @throws dev.cloudhop.api.NotFoundException if either queue does not exist
     */
    default int redrive(String deadLetterQueue, String targetQueue, int maxMessages) {
        return redrive(this, deadLetterQueue, maxMessages,
                m -> send(targetQueue, redriven(deadLetterQueue, m)));
    }

    /**
     * The loop of a redrive, for implementations: receives up to {@code maxMessages} visible messages from
     * {@code deadLetterQueue} in batches, hands each to {@code sendBack} and acknowledges it once that returned.
     *
     * @return how many messages were moved
     * @throws IllegalArgumentException if {@code maxMessages} is not positive
     */
    static int redrive(QueueService service, String deadLetterQueue, int maxMessages,
                       Consumer<ReceivedMessage> sendBack) {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be positive, was " + maxMessages);
        }
        int moved = 0;
        while (moved < maxMessages) {
            List<ReceivedMessage> batch = service.receive(deadLetterQueue, ReceiveOptions.DEFAULT
                    .withMaxMessages(Math.min(10, maxMessages - moved)));
            if (batch.isEmpty()) {
                return moved;
            }
            for (ReceivedMessage m : batch) {
                sendBack.accept(m);
                service.ack(deadLetterQueue, m.receipt());
                moved++;
            }
        }
        return moved;
    }

    /**
     * The message a redrive sends for {@code m} of {@code deadLetterQueue}: its body and attributes without
     * the dead-letter ones, no delay, and the {@linkplain DeadLetterPolicy#redriveKey redrive key}.
     */
    static OutgoingMessage redriven(String deadLetterQueue, ReceivedMessage m) {
        Map<String, String> attributes = new HashMap<>(m.attributes());
        attributes.remove(DeadLetterPolicy.REASON_ATTRIBUTE);
        attributes.remove(DeadLetterPolicy.SOURCE_ATTRIBUTE);
        return new OutgoingMessage(m.body(), attributes,
                Optional.of(DeadLetterPolicy.redriveKey(deadLetterQueue, m.messageId())), Duration.ZERO);
    }

    /**
     * Deletes a queue and its messages. Idempotent.
     *
     * @return true if it existed
     */
    boolean deleteQueue(String queue);

    /** Whether the queue exists. */
    boolean queueExists(String queue);

    /** All queue names of the site. */
    Stream<String> listQueues();

    /**
     * Sends a message.
     *
     * @return the message id; for a duplicate of a dedup key still in the window, the first message's id
     *         where the provider reports it, otherwise a new id of a message that will not be delivered
     * @throws dev.cloudhop.api.UnsupportedCapabilityException for a delay or dedup key the provider lacks
     */
    String send(String queue, OutgoingMessage message);

    /**
     * Receives up to {@link ReceiveOptions#maxMessages()} visible messages, waiting up to
     * {@link ReceiveOptions#waitTime()} for the first.
     *
     * @return the messages, possibly none; never null
     */
    List<ReceivedMessage> receive(String queue, ReceiveOptions options);

    /**
     * Acknowledges (deletes) a delivered message. Idempotent for a message already deleted.
     *
     * <p>A receipt superseded by a later delivery (its visibility had expired) does not delete the message;
     * providers that can tell (Azure, local) throw {@link dev.cloudhop.api.ConflictException}, SQS ignores it.
     *
     * @param receipt {@link ReceivedMessage#receipt()}
     */
    void ack(String queue, String receipt);

    /**
     * Sets the remaining visibility timeout of a delivered message, counted from now.
     *
     * @throws dev.cloudhop.api.ConflictException if the receipt is no longer current
     */
    void extendVisibility(String queue, String receipt, Duration visibility);

    /**
     * An approximate count of messages in the queue that are not yet acknowledged: visible, in flight and
     * delayed together.
     */
    long approximateDepth(String queue);
}
