package dev.cloudhop.failover.replication;

import dev.cloudhop.failover.FailoverConfig.InsufficientReplicas;
import java.util.Objects;

/**
 * How a synchronous write is acknowledged ({@code replication.mode = sync}).
 *
 * @param minReplicas    other sites that must hold a write before it is acknowledged; at least 1
 * @param onInsufficient what the write does when fewer took it: fail, or be acknowledged as degraded
 */
public record SyncPolicy(int minReplicas, InsufficientReplicas onInsufficient) {

    /** Validates. */
    public SyncPolicy {
        if (minReplicas < 1) {
            throw new IllegalArgumentException("minReplicas must be at least 1, was " + minReplicas);
        }
        Objects.requireNonNull(onInsufficient, "onInsufficient");
    }
}
