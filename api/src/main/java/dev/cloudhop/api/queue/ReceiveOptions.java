package dev.cloudhop.api.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * How to receive.
 *
 * @param maxMessages       at most this many messages, 1 to 10
 * @param visibilityTimeout how long received messages stay invisible to other receivers; positive
 * @param waitTime            how long to wait for a first message when none is visible (long polling);
 *                          zero returns at once
 */
public record ReceiveOptions(int maxMessages, Duration visibilityTimeout, Duration waitTime) {

    /** One message, 30 s visibility, no waiting. */
    public static final ReceiveOptions DEFAULT = new ReceiveOptions(1, Duration.ofSeconds(30), Duration.ZERO);

    /** Validates. */
    public ReceiveOptions {
        if (maxMessages < 1 || maxMessages > 10) {
            throw new IllegalArgumentException("maxMessages must be 1..10, was " + maxMessages);
        }
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        Objects.requireNonNull(waitTime, "waitTime");
        if (visibilityTimeout.isNegative() || visibilityTimeout.isZero()) {
            throw new IllegalArgumentException("visibilityTimeout must be positive, was " + visibilityTimeout);
        }
        if (waitTime.isNegative()) {
            throw new IllegalArgumentException("waitTime must not be negative, was " + waitTime);
        }
    }

    /** A copy receiving up to {@code n} messages. */
    public ReceiveOptions withMaxMessages(int n) {
        return new ReceiveOptions(n, visibilityTimeout, waitTime);
    }

    /** A copy with this visibility timeout. */
    public ReceiveOptions withVisibilityTimeout(Duration d) {
        return new ReceiveOptions(maxMessages, d, waitTime);
    }

    /** A copy that long-polls for up to {@code d}. */
    public ReceiveOptions withWait(Duration d) {
        return new ReceiveOptions(maxMessages, visibilityTimeout, d);
    }
}
