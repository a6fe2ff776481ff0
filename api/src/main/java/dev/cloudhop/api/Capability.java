package dev.cloudhop.api;

/**
 * What a site's provider can do. Declared by the provider, reported by {@link Cloud#capabilities()}, and
 * the only legitimate reason for the contract suite to skip a test.
 */
public enum Capability {
    /** Containers and blobs: create, put, get, stat, delete, list. */
    BLOB,
    /** Atomic conditional blob writes ({@code ifMatch} / {@code ifNoneMatch}). */
    BLOB_CONDITIONAL_WRITE,
    /** Queues: create, send, receive with visibility timeout, ack, depth. */
    QUEUE,
    /** De-duplication of sends by a caller-supplied key within the provider's dedup window. */
    QUEUE_DEDUP,
    /**
     * Dead-letter queues: {@link dev.cloudhop.api.queue.QueueService#createQueue(String,
     * dev.cloudhop.api.queue.DeadLetterPolicy)}, the move of poison messages and redrive.
     */
    QUEUE_DEAD_LETTER,
    /** Delayed delivery of sent messages. */
    QUEUE_DELAY,
    /** DNS zones and A/AAAA/CNAME/TXT record sets. */
    DNS,
    /** Listing nodes and their status. */
    COMPUTE,
    /** Launching and destroying nodes (an inventory-only provider lacks it). */
    COMPUTE_LAUNCH,
    /** Passing user data (cloud-init and the like) to launched nodes. */
    COMPUTE_USER_DATA,
    /** Running a script on a node. */
    COMPUTE_RUN_SCRIPT
}
