package dev.cloudhop.api.blob;

import java.util.Objects;

/**
 * Addresses one blob: a container and a name within it.
 *
 * <p>Only null and empty components are rejected here; whether a name is acceptable to a provider is
 * decided by that provider (and checked portably by {@link dev.cloudhop.api.naming.PortableNames}).
 *
 * @param container the container name; not empty
 * @param name      the blob name, may contain {@code /} to form a hierarchy; not empty
 */
public record BlobId(String container, String name) {

    /** Rejects null and empty components. */
    public BlobId {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(name, "name");
        if (container.isEmpty()) {
            throw new IllegalArgumentException("container name must not be empty");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("blob name must not be empty (container " + container + ")");
        }
    }

    /** Shorthand for {@code new BlobId(container, name)}. */
    public static BlobId of(String container, String name) {
        return new BlobId(container, name);
    }

    /** {@code container/name}. */
    @Override
    public String toString() {
        return container + "/" + name;
    }
}
