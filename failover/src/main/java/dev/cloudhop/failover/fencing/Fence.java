package dev.cloudhop.failover.fencing;

import java.util.Objects;

/**
 * One site's fence record: the newest epoch the site has seen and the site that epoch made active. Stored
 * as the blob {@value #CONTAINER}/{@value #NAME} with the text {@code "<epoch> <activeSite>"}.
 *
 * @param epoch      the fencing epoch, at least 1
 * @param activeSite the site that epoch made active
 */
public record Fence(long epoch, String activeSite) {

    /** The container holding Cloudhop's own records on every site; never replicated. */
    public static final String CONTAINER = "cloudhop-system";
    /** The fence blob's name in {@link #CONTAINER}. */
    public static final String NAME = "fence";

    /** Validates. */
    public Fence {
        Objects.requireNonNull(activeSite, "activeSite");
    }

    /**
     * Reads a stored record; a record without a site (written by older releases) names {@code defaultActive}.
     *
     * @throws NumberFormatException when the epoch is not a number
     */
    public static Fence parse(String text, String defaultActive) {
        String[] parts = text.trim().split("\\s+");
        return new Fence(Long.parseLong(parts[0]), parts.length > 1 ? parts[1] : defaultActive);
    }

    /** The stored text. */
    public String format() {
        return epoch + " " + activeSite;
    }
}
