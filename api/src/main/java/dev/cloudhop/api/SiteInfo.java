package dev.cloudhop.api;

import java.util.Objects;

/**
 * Identifies one site: a named deployment of one provider in one region (or data centre).
 *
 * <p>Immutable and thread-safe. Carried by every {@link CloudException} so that an error always says
 * where it happened.
 *
 * @param id       the site id from the configuration, e.g. {@code "primary"}; never blank
 * @param provider the provider id, e.g. {@code "azure"}, {@code "aws"}, {@code "local"}; never blank
 * @param region   the region or data-centre name as configured; never blank
 */
public record SiteInfo(String id, String provider, String region) implements java.io.Serializable {

    /** Validates that no component is null or blank. */
    public SiteInfo {
        requireText(id, "id");
        requireText(provider, "provider");
        requireText(region, "region");
    }

    private static void requireText(String value, String what) {
        Objects.requireNonNull(value, () -> "site " + what + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException("site " + what + " must not be blank");
        }
    }

    @Override
    public String toString() {
        return id + " (" + provider + ", " + region + ")";
    }
}
