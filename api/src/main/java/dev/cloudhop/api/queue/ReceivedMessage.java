package dev.cloudhop.api.queue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A message delivered by {@link QueueService#receive}. It stays invisible to other receivers until its
 * visibility timeout ends; acknowledge it with {@link QueueService#ack} before then, or it is delivered
 * again.
 *
 * @param messageId     the provider's id of the message; stable across redeliveries
 * @param body          the payload (copied)
 * @param attributes    the attributes it was sent with
 * @param receipt       the handle of this delivery, for ack and extend; a redelivery gets a new one
 * @param deliveryCount how many times it has been delivered, including this time (1 on first delivery)
 * @param sentAt        when it was sent
 * @param dedupKey      the dedup key its producer sent it with, where the provider keeps it (every bundled
 *                      provider does); kept when a message is dead-lettered or redriven
 */
public record ReceivedMessage(String messageId, byte[] body, Map<String, String> attributes, String receipt,
                              int deliveryCount, Instant sentAt, Optional<String> dedupKey) {

    /** Validates and copies. */
    public ReceivedMessage {
        Objects.requireNonNull(messageId, "messageId");
        body = Objects.requireNonNull(body, "body").clone();
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
        Objects.requireNonNull(receipt, "receipt");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(dedupKey, "dedupKey");
        if (deliveryCount < 1) {
            throw new IllegalArgumentException("deliveryCount must be >= 1");
        }
    }

    /** A message without a known dedup key. */
    public ReceivedMessage(String messageId, byte[] body, Map<String, String> attributes, String receipt,
                           int deliveryCount, Instant sentAt) {
        this(messageId, body, attributes, receipt, deliveryCount, sentAt, Optional.empty());
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceivedMessage m && messageId.equals(m.messageId) && Arrays.equals(body, m.body)
                && attributes.equals(m.attributes) && receipt.equals(m.receipt) && deliveryCount == m.deliveryCount
                && sentAt.equals(m.sentAt) && dedupKey.equals(m.dedupKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageId, receipt, deliveryCount);
    }

    @Override
    public String toString() {
        return "ReceivedMessage[" + messageId + ", " + body.length + " bytes, delivery " + deliveryCount + "]";
    }
}
