package dev.cloudhop.api.queue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to send.
 *
 * @param body       the payload; copied; at most {@link QueueLimits#maxMessageBytes()} bytes together with
 *                   the attributes
 * @param attributes string attributes delivered with the message; never null
 * @param dedupKey   when present, a second send with the same key to the same queue within the provider's
 *                   {@linkplain QueueLimits#dedupWindow() dedup window} is accepted but not delivered again
 * @param delay      how long the message stays invisible after sending; zero for none
 */
public record OutgoingMessage(byte[] body, Map<String, String> attributes, Optional<String> dedupKey,
                              Duration delay) {

    /** Validates and copies. */
    public OutgoingMessage {
        body = Objects.requireNonNull(body, "body").clone();
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        dedupKey.ifPresent(k -> {
            if (k.isEmpty()) {
                throw new IllegalArgumentException("dedup key must not be empty");
            }
        });
    }

    /** A message with this body and nothing else. */
    public static OutgoingMessage of(byte[] body) {
        return new OutgoingMessage(body, Map.of(), Optional.empty(), Duration.ZERO);
    }

    /** A message with this UTF-8 text as body. */
    public static OutgoingMessage of(String body) {
        return of(body.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body's length in bytes, without copying. */
    public int bodyLength() {
        return body.length;
    }

    /** A copy with one more attribute. */
    public OutgoingMessage withAttribute(String key, String value) {
        Map<String, String> copy = new HashMap<>(attributes);
        copy.put(key, value);
        return new OutgoingMessage(body, copy, dedupKey, delay);
    }

    /** A copy with this dedup key. */
    public OutgoingMessage withDedupKey(String key) {
        return new OutgoingMessage(body, attributes, Optional.of(key), delay);
    }

    /** A copy with this delivery delay. */
    public OutgoingMessage withDelay(Duration d) {
        return new OutgoingMessage(body, attributes, dedupKey, d);
    }

    /** Size of body plus attribute keys and values in UTF-8, as providers count it. */
    public long sizeInBytes() {
        long size = body.length;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutgoingMessage m && Arrays.equals(body, m.body) && attributes.equals(m.attributes)
                && dedupKey.equals(m.dedupKey) && delay.equals(m.delay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(body), attributes, dedupKey, delay);
    }

    @Override
    public String toString() {
        return "OutgoingMessage[" + body.length + " bytes, attributes=" + attributes.keySet() + ", dedupKey="
                + dedupKey.orElse("-") + ", delay=" + delay + "]";
    }
}
