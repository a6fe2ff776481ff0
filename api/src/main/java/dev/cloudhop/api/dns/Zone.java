package dev.cloudhop.api.dns;

import java.util.Objects;

/**
 * A DNS zone.
 *
 * @param id   the provider's id of the zone (a Route 53 hosted-zone id, an Azure resource id, or the name)
 * @param name the zone's name, normalised (lower case, trailing dot)
 */
public record Zone(String id, String name) {

    /** Validates and normalises the name. */
    public Zone {
        Objects.requireNonNull(id, "id");
        name = DnsNames.normalize(name);
    }
}
