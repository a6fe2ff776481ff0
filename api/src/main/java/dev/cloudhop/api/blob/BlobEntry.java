package dev.cloudhop.api.blob;

import java.time.Instant;
import java.util.Objects;

/** One entry of a container listing: a blob, or a common prefix when listing with a delimiter. */
public sealed interface BlobEntry permits BlobEntry.Item, BlobEntry.CommonPrefix {

    /** The blob name, or the prefix including its trailing delimiter. */
    String name();

    /**
     * A blob as listed (listings do not carry content type or user metadata; use
     * {@link BlobStore#stat(BlobId)} for those).
     *
     * @param id           the blob
     * @param size         its length in bytes
     * @param etag         its entity tag, without quotes
     * @param lastModified when it was last written
     */
    record Item(BlobId id, long size, String etag, Instant lastModified) implements BlobEntry {
        /** Validates. */
        public Item {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(etag, "etag");
            Objects.requireNonNull(lastModified, "lastModified");
        }

        @Override
        public String name() {
            return id.name();
        }
    }

    /**
     * A rolled-up "directory".
     *
     * @param name the prefix, ending with the delimiter
     */
    record CommonPrefix(String name) implements BlobEntry {
        /** Validates. */
        public CommonPrefix {
            Objects.requireNonNull(name, "name");
        }
    }
}
