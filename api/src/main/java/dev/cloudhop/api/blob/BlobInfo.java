package dev.cloudhop.api.blob;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The stored properties of one blob.
 *
 * @param id           the blob; never null
 * @param size         its length in bytes
 * @param etag         the provider's entity tag, without quotes; usable with
 *                     {@link PutOptions#withIfMatch(String)}; never null
 * @param contentMd5   the lower-case hex MD5 of the content when the provider knows it (not for multipart
 *                     uploads on most providers)
 * @param contentType  the stored MIME type; never null
 * @param lastModified when the blob was last written; never null
 * @param userMetadata user metadata; never null
 */
public record BlobInfo(BlobId id, long size, String etag, Optional<String> contentMd5, String contentType,
                       Instant lastModified, Map<String, String> userMetadata) {

    /** Validates and copies. */
    public BlobInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(contentMd5, "contentMd5");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(lastModified, "lastModified");
        userMetadata = Map.copyOf(Objects.requireNonNull(userMetadata, "userMetadata"));
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0");
        }
    }
}
