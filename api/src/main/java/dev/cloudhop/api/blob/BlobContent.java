package dev.cloudhop.api.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * What to upload: bytes in memory, a file, or a stream of known length.
 *
 * <p>Files and streams are streamed to the provider, never buffered whole in memory by Cloudhop. The
 * length is required up front because every provider needs it to stream without buffering.
 */
public sealed interface BlobContent permits BlobContent.Bytes, BlobContent.FromFile, BlobContent.FromStream {

    /** The number of bytes that will be uploaded; at least 0. */
    long length();

    /**
     * Opens the content for reading. Bytes and files may be opened more than once (a retry can re-read
     * them); a stream can be opened exactly once.
     *
     * @throws IllegalStateException when a stream content is opened a second time
     */
    InputStream open();

    /** Whether {@link #open()} may be called more than once. */
    boolean repeatable();

    /** Content held in memory; the array is copied, so later changes to it do not change the content. */
    static BlobContent of(byte[] bytes) {
        return new Bytes(Objects.requireNonNull(bytes, "bytes").clone());
    }

    /** Content of a UTF-8 string. */
    static BlobContent ofUtf8(String text) {
        return new Bytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Content of a regular file, streamed from disk. */
    static BlobContent of(Path file) {
        return new FromFile(file);
    }

    /**
     * Content of a stream that yields exactly {@code length} bytes; the stream is read once and closed by
     * the upload.
     */
    static BlobContent of(InputStream stream, long length) {
        return new FromStream(stream, length);
    }

    /**
     * Bytes in memory. The constructor takes the array as it is (no copy: {@link BlobContent#of(byte[])}
     * copies); it must not change while the content is in use.
     */
    record Bytes(byte[] bytes) implements BlobContent {
        /** Takes the array without copying it. */
        public Bytes {
            Objects.requireNonNull(bytes, "bytes");
        }

        /** A copy of the bytes. */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public long length() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new java.io.ByteArrayInputStream(bytes);
        }

        @Override
        public boolean repeatable() {
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Bytes[" + bytes.length + " bytes]";
        }
    }

    /** A regular file, read when uploaded. */
    record FromFile(Path file) implements BlobContent {
        /** Requires an existing regular file. */
        public FromFile {
            Objects.requireNonNull(file, "file");
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("not a regular file: " + file);
            }
        }

        @Override
        public long length() {
            try {
                return Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read size of " + file, e);
            }
        }

        @Override
        public InputStream open() {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + file, e);
            }
        }

        @Override
        public boolean repeatable() {
            return true;
        }
    }

    /** A one-shot stream of known length. */
    final class FromStream implements BlobContent {
        private final InputStream stream;
        private final long length;
        private final java.util.concurrent.atomic.AtomicBoolean opened = new java.util.concurrent.atomic.AtomicBoolean();

        FromStream(InputStream stream, long length) {
            this.stream = Objects.requireNonNull(stream, "stream");
            if (length < 0) {
                throw new IllegalArgumentException("stream length must be >= 0, was " + length);
            }
            this.length = length;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public InputStream open() {
            if (!opened.compareAndSet(false, true)) {
                throw new IllegalStateException("a stream content can be uploaded only once");
            }
            return stream;
        }

        @Override
        public boolean repeatable() {
            return false;
        }

        @Override
        public String toString() {
            return "FromStream[" + length + " bytes]";
        }
    }
}
