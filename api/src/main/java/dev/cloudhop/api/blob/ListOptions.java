package dev.cloudhop.api.blob;

import java.util.Objects;
import java.util.Optional;

/**
 * How to list a container.
 *
 * @param prefix    only names starting with this (may be empty for all)
 * @param delimiter when present, names containing it after the prefix are rolled up into one
 *                  {@link BlobEntry.CommonPrefix} per distinct segment (a "directory" listing); usually {@code "/"}
 * @param pageSize  how many entries one request to the provider returns, 1 to 1000
 */
public record ListOptions(String prefix, Optional<String> delimiter, int pageSize) {

    /** The default and largest page size. */
    public static final int MAX_PAGE_SIZE = 1000;

    /** All blobs, flat, in pages of 1000. */
    public static final ListOptions ALL = new ListOptions("", Optional.empty(), MAX_PAGE_SIZE);

    /** Validates. */
    public ListOptions {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(delimiter, "delimiter");
        delimiter.ifPresent(d -> {
            if (d.isEmpty()) {
                throw new IllegalArgumentException("delimiter must not be empty");
            }
        });
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("pageSize must be 1.." + MAX_PAGE_SIZE + ", was " + pageSize);
        }
    }

    /** Flat listing of names starting with {@code prefix}. */
    public static ListOptions prefix(String prefix) {
        return new ListOptions(prefix, Optional.empty(), MAX_PAGE_SIZE);
    }

    /** A copy that rolls names up at {@code delimiter}. */
    public ListOptions withDelimiter(String delimiter) {
        return new ListOptions(prefix, Optional.of(delimiter), pageSize);
    }

    /** A copy with this page size. */
    public ListOptions withPageSize(int size) {
        return new ListOptions(prefix, delimiter, size);
    }
}
