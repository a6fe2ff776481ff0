package dev.cloudhop.failover.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers and queues the application has used through the facade: a runbook ensures them at the
 * new site, and merges look for stranded messages in these queues. Thread-safe.
 */
public final class KnownResources {

    private final Set<String> containers = ConcurrentHashMap.newKeySet();
    private final Set<String> queues = ConcurrentHashMap.newKeySet();

    /** Live view of the containers used. */
    public Set<String> containers() {
        return containers;
    }

    /** Live view of the queues used (remove a deleted one here). */
    public Set<String> queues() {
        return queues;
    }
}
