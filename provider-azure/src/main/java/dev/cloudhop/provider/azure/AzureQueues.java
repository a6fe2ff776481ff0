package dev.cloudhop.provider.azure;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Azure Storage Queues offer beyond the neutral {@link dev.cloudhop.api.queue.QueueService}: peeking.
 * A provider-specific extension; obtain it from an Azure site with
 * {@code ((AzureCloud) sites.site("primary")).azureQueues()}. It works on the same queues, with the same
 * names, envelope and credentials as {@code queues()}. Every method throws a
 * {@link dev.cloudhop.api.CloudException} on failure. Thread-safe.
 */
public final class AzureQueues {

    /** Azure's limit on the messages one Peek Messages call returns. */
    public static final int MAX_PEEK = 32;

    /**
     * A message seen by {@link #peek}: no receipt, because peeking does not take the message.
     *
     * @param messageId    Azure's message id
     * @param body         the body (a copy is returned)
     * @param attributes   the attributes it was sent with
     * @param dequeueCount how often it has been received so far (0 if never); peeking does not count
     * @param sentAt       when it was inserted
     * @param expiresAt    when Azure drops it, if it reported one
     */
    public record PeekedMessage(String messageId, byte[] body, Map<String, String> attributes, long dequeueCount,
                                Instant sentAt, Optional<Instant> expiresAt) {

        /** Validates and copies. */
        public PeekedMessage {
            Objects.requireNonNull(messageId, "messageId");
            body = Objects.requireNonNull(body, "body").clone();
            attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
            Objects.requireNonNull(sentAt, "sentAt");
            Objects.requireNonNull(expiresAt, "expiresAt");
            if (dequeueCount < 0) {
                throw new IllegalArgumentException("dequeueCount must be >= 0");
            }
        }

        /** A copy of the body. */
        @Override
        public byte[] body() {
            return body.clone();
        }

        /** The body decoded as UTF-8. */
        public String bodyAsString() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final AzureQueueService queues;

    AzureQueues(AzureQueueService queues) {
        this.queues = Objects.requireNonNull(queues, "queues");
    }

    /**
     * Up to {@code max} visible messages at the front of {@code queue}, oldest first, without changing their
     * visibility or dequeue count (Azure's Peek Messages). Messages being processed (invisible) and delayed
     * ones are not returned. Not a snapshot: another consumer may take a peeked message at any time.
     *
     * @param queue the queue name
     * @param max   1 to {@value #MAX_PEEK}
     * @return the messages, possibly empty; never null
     * @throws dev.cloudhop.api.InvalidRequestException if {@code max} is out of range or the name is invalid
     * @throws dev.cloudhop.api.NotFoundException       if the queue does not exist
     */
    public List<PeekedMessage> peek(String queue, int max) {
        return queues.peek(queue, max);
    }

    @Override
    public String toString() {
        return "AzureQueues[" + queues + "]";
    }
}
