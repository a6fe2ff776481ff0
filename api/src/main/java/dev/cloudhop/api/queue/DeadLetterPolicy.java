package dev.cloudhop.api.queue;

import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import java.util.Objects;

/**
 * Where a queue's poison messages go: a message delivered {@code maxDeliveries} times without being
 * acknowledged is moved to {@code targetQueue} instead of being delivered again.
 *
 * <p>The moved message keeps its body, attributes and dedup key and gains two attributes,
 * {@value #REASON_ATTRIBUTE} (for example {@code "delivered 3 times, max 3"}) and {@value #SOURCE_ATTRIBUTE}
 * (the queue it came from), where the provider can add them; see each provider's README.
 *
 * @param targetQueue   the dead-letter queue; must exist when the policy is set, on the same site
 * @param maxDeliveries how many deliveries a message gets, 1 to {@value #MAX_DELIVERIES}
 */
public record DeadLetterPolicy(String targetQueue, int maxDeliveries) {

    /** The largest {@link #maxDeliveries()} every provider accepts (SQS' maxReceiveCount limit). */
    public static final int MAX_DELIVERIES = 1000;

    /** The attribute a dead-lettered message carries to say why it was moved. */
    public static final String REASON_ATTRIBUTE = "cloudhop-dead-letter-reason";

    /** The attribute a dead-lettered message carries to name the queue it was moved from. */
    public static final String SOURCE_ATTRIBUTE = "cloudhop-dead-letter-source";

    /** Validates. */
    public DeadLetterPolicy {
        Objects.requireNonNull(targetQueue, "targetQueue");
        if (targetQueue.isBlank()) {
            throw new IllegalArgumentException("targetQueue must not be blank");
        }
        if (maxDeliveries < 1 || maxDeliveries > MAX_DELIVERIES) {
            throw new IllegalArgumentException("maxDeliveries must be 1.." + MAX_DELIVERIES + ", was " + maxDeliveries);
        }
    }

    /**
     * Refuses this policy for {@code queue} when it names the queue itself as its dead-letter queue.
     *
     * @throws InvalidRequestException in {@code ctx}, naming the queue
     */
    public void checkFor(String queue, ErrorContext ctx) {
        if (targetQueue.equals(queue)) {
            throw new InvalidRequestException(ctx, "queue '" + queue + "' cannot be its own dead-letter queue");
        }
    }

    /** Whether a message delivered {@code deliveries} times so far is to be moved instead of delivered again. */
    public boolean exhausted(int deliveries) {
        return deliveries >= maxDeliveries;
    }

    /** The text of {@link #REASON_ATTRIBUTE} for a message delivered {@code deliveries} times. */
    public String reason(int deliveries) {
        return "delivered " + deliveries + " times, max " + maxDeliveries;
    }

    /**
     * The dedup key with which a provider that moves messages itself sends message {@code messageId} of
     * {@code sourceQueue} to the dead-letter queue: the same for every consumer that races to move it, so the
     * dead-letter queue takes it once.
     */
    public static String moveKey(String sourceQueue, String messageId) {
        return "dead-letter:" + sourceQueue + ":" + messageId;
    }

    /** The dedup key with which a redrive sends message {@code messageId} of dead-letter queue {@code dlq} back. */
    public static String redriveKey(String dlq, String messageId) {
        return "redrive:" + dlq + ":" + messageId;
    }
}
