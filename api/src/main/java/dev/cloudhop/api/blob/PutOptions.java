package dev.cloudhop.api.blob;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of a blob upload.
 *
 * @param contentType  the MIME type stored with the blob; defaults to {@code application/octet-stream}
 * @param userMetadata user metadata stored with the blob (keys are lower-cased by most providers, so use
 *                     lower-case keys of letters, digits and {@code -}); never null
 * @param ifMatch      write only if the current blob's ETag equals this one (optimistic concurrency);
 *                     otherwise {@link dev.cloudhop.api.ConflictException}
 * @param ifNoneMatch  write only if no blob exists under this name (create-only; leases and fencing);
 *                     otherwise {@link dev.cloudhop.api.ConflictException}
 */
public record PutOptions(String contentType, Map<String, String> userMetadata, Optional<String> ifMatch,
                         boolean ifNoneMatch) {

    /** The default MIME type. */
    public static final String OCTET_STREAM = "application/octet-stream";

    /** No conditions, octet-stream, no metadata. */
    public static final PutOptions DEFAULT = new PutOptions(OCTET_STREAM, Map.of(), Optional.empty(), false);

    /** Validates and copies. */
    public PutOptions {
        Objects.requireNonNull(contentType, "contentType");
        userMetadata = Map.copyOf(Objects.requireNonNull(userMetadata, "userMetadata"));
        Objects.requireNonNull(ifMatch, "ifMatch");
        if (ifMatch.isPresent() && ifNoneMatch) {
            throw new IllegalArgumentException("ifMatch and ifNoneMatch cannot be combined");
        }
    }

    /** A copy with this content type. */
    public PutOptions withContentType(String type) {
        return new PutOptions(type, userMetadata, ifMatch, ifNoneMatch);
    }

    /** A copy with this user metadata. */
    public PutOptions withUserMetadata(Map<String, String> metadata) {
        return new PutOptions(contentType, metadata, ifMatch, ifNoneMatch);
    }

    /** A copy that writes only if the current ETag is {@code etag}. */
    public PutOptions withIfMatch(String etag) {
        return new PutOptions(contentType, userMetadata, Optional.of(etag), false);
    }

    /** A copy that writes only if the blob does not exist yet. */
    public PutOptions withIfNoneMatch() {
        return new PutOptions(contentType, userMetadata, Optional.empty(), true);
    }

    /** Whether this put carries a condition. */
    public boolean conditional() {
        return ifMatch.isPresent() || ifNoneMatch;
    }
}
