package dev.cloudhop.api.blob;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * Blob storage of one site: containers holding named blobs.
 *
 * <p>Implementations are thread-safe. Every method throws a {@link dev.cloudhop.api.CloudException}
 * subclass on failure: {@link dev.cloudhop.api.InvalidRequestException} for names or sizes the provider
 * cannot hold (the message names which), {@link dev.cloudhop.api.NotFoundException} when the container
 * does not exist, {@link dev.cloudhop.api.UnavailableException} when the site cannot be reached.
 * A missing <em>blob</em> is not an error for reads: they return {@link Optional#empty()}.
 */
public interface BlobStore {

    /**
     * Creates a container. Idempotent.
     *
     * @return true if it was created, false if it already existed
     */
    boolean createContainer(String container);

    /**
     * Deletes a container and every blob in it. Idempotent.
     *
     * @return true if it existed
     */
    boolean deleteContainer(String container);

    /** Whether the container exists. */
    boolean containerExists(String container);

    /** The names of all containers, in no particular order; lazily fetched. */
    Stream<String> listContainers();

    /**
     * Uploads a blob, replacing any blob of the same name (unless a condition in {@code options} says
     * otherwise). File and stream contents are streamed, not buffered.
     *
     * @return the stored blob's properties (ETag, size, ...)
     * @throws dev.cloudhop.api.ConflictException        if a condition of {@code options} did not hold; nothing is written
     * @throws dev.cloudhop.api.InvalidRequestException  if the name or size is not acceptable; nothing is written
     * @throws dev.cloudhop.api.NotFoundException        if the container does not exist
     * @throws dev.cloudhop.api.UnsupportedCapabilityException if the options are conditional and the provider
     *                                                   lacks {@link dev.cloudhop.api.Capability#BLOB_CONDITIONAL_WRITE}
     */
    BlobInfo put(BlobId id, BlobContent content, PutOptions options);

    /** {@link #put(BlobId, BlobContent, PutOptions)} with {@link PutOptions#DEFAULT}. */
    default BlobInfo put(BlobId id, BlobContent content) {
        return put(id, content, PutOptions.DEFAULT);
    }

    /** Uploads bytes held in memory; the array is read during the call, not copied, and not kept. */
    default BlobInfo put(BlobId id, byte[] bytes) {
        return put(id, new BlobContent.Bytes(bytes), PutOptions.DEFAULT);
    }

    /**
     * Opens a blob for streaming download. Close the returned {@link Blob}.
     *
     * @return the blob, or empty if there is no blob of that name
     * @throws dev.cloudhop.api.NotFoundException if the container does not exist
     */
    Optional<Blob> get(BlobId id);

    /**
     * Reads a blob's properties without its content.
     *
     * @return the properties, or empty if there is no blob of that name
     * @throws dev.cloudhop.api.NotFoundException if the container does not exist
     */
    Optional<BlobInfo> stat(BlobId id);

    /**
     * Deletes a blob. Idempotent: deleting a missing blob succeeds.
     *
     * @throws dev.cloudhop.api.NotFoundException if the container does not exist
     */
    void delete(BlobId id);

    /**
     * Lists one page of a container.
     *
     * @param token the {@link BlobPage#nextToken()} of the previous page, or empty for the first
     * @throws dev.cloudhop.api.NotFoundException if the container does not exist
     */
    BlobPage listPage(String container, ListOptions options, Optional<String> token);

    /**
     * Lists a container lazily: pages are fetched as the stream is consumed, so listing a million blobs
     * holds one page in memory. The container's existence is checked when the stream is created.
     */
    default Stream<BlobEntry> list(String container, ListOptions options) {
        BlobPage first = listPage(container, options, Optional.empty());
        return PagedStream.of(first, BlobPage::entries, BlobPage::nextToken,
                token -> listPage(container, options, Optional.of(token)));
    }

    /** Lists every blob of a container, flat. */
    default Stream<BlobEntry> list(String container) {
        return list(container, ListOptions.ALL);
    }
}
