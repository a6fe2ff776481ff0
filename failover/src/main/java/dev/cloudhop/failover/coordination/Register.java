package dev.cloudhop.failover.coordination;

import java.util.Objects;

/**
 * The fleet's epoch register: the epoch and the site it made active.
 *
 * @param epoch      the fencing epoch, at least 1; raised by exactly one runbook
 * @param activeSite the site that epoch made active
 */
public record Register(long epoch, String activeSite) {

    /** Validates. */
    public Register {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be at least 1, was " + epoch);
        }
        Objects.requireNonNull(activeSite, "activeSite");
    }

    /** The register one runbook to {@code site} produces. */
    public Register next(String site) {
        return new Register(epoch + 1, site);
    }
}
