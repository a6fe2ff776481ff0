package dev.cloudhop.api.queue;

import java.time.Duration;
import java.util.List;
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
