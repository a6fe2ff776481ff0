package dev.cloudhop.api.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A blob being downloaded: its properties and a stream of its content.
 *
 * <p>The content is streamed from the provider; close this object (try-with-resources) to release the
 * connection. Not thread-safe.
 *
 * @param info    the blob's properties at the time of the read; never null
 * @param content the content stream; never null; read it once
 */
public record Blob(BlobInfo info, InputStream content) implements AutoCloseable {

    /** Validates. */
    public Blob {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(content, "content");
    }

    /** Reads the whole content into memory and closes the stream: for small blobs only. */
    public byte[] readAllBytes() {
        try (InputStream in = content) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + info.id(), e);
        }
    }

    /** Closes the content stream. */
    @Override
    public void close() {
        try {
            content.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + info.id(), e);
        }
    }
}
