package dev.cloudhop.api.blob;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a container listing.
 *
 * @param entries   the entries of this page in lexicographic (UTF-8 byte) order of name; never null
 * @param nextToken the opaque token to fetch the next page with, empty on the last page
 */
public record BlobPage(List<BlobEntry> entries, Optional<String> nextToken) {

    /** Copies. */
    public BlobPage {
        entries = List.copyOf(entries);
        Objects.requireNonNull(nextToken, "nextToken");
    }
}
