package dev.cloudhop.api.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of one provider's queues, so that callers can check before sending.
 *
 * @param maxMessageBytes   largest body plus attributes, in bytes (SQS 256 KiB, Azure 64 KiB)
 * @param maxDelay          longest delivery delay
 * @param maxVisibility     longest visibility timeout
 * @param maxWait           longest long-poll wait
 * @param dedupWindow       how long a dedup key is remembered
 */
public record QueueLimits(int maxMessageBytes, Duration maxDelay, Duration maxVisibility, Duration maxWait,
                          Duration dedupWindow) {

    /** Validates. */
    public QueueLimits {
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxVisibility, "maxVisibility");
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(dedupWindow, "dedupWindow");
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be positive");
        }
    }
}
