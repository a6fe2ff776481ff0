package dev.cloudhop.tck;

import static dev.cloudhop.tck.BlobContractSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.PutOptions;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed content: uploads from files and streams of declared length, a large blob checked by SHA-256
 * and never held in memory, partial reads, and streams shorter than they claim.
 */
interface BlobStreamingContract extends BlobContractGroup {

    @Test
    @DisplayName("put from a file streams its content")
    default void putFromFile(@TempDir Path dir) throws IOException {
        byte[] content = randomBytes(3, 300_000);
        Path file = dir.resolve("upload.bin");
        Files.write(file, content);
        BlobId id = BlobId.of(container(), "from-file.bin");

        BlobInfo put = store().put(id, BlobContent.of(file));

        assertThat(put.size()).isEqualTo(content.length);
        assertThat(readBytes(id)).isEqualTo(content);
        assertThat(Files.readAllBytes(file)).as("the source file is left untouched").isEqualTo(content);
    }

    @Test
    @DisplayName("put from a stream of declared length stores exactly that content")
    default void putFromStreamWithLength() {
        byte[] content = randomBytes(4, 200_000);
        BlobId id = BlobId.of(container(), "from-stream.bin");

        BlobInfo put = store().put(id, BlobContent.of(new ByteArrayInputStream(content), content.length),
                PutOptions.DEFAULT.withContentType("image/png"));

        assertThat(put.size()).isEqualTo(content.length);
        BlobInfo stat = store().stat(id).orElseThrow();
        assertThat(stat.size()).isEqualTo(content.length);
        assertThat(stat.contentType()).isEqualTo("image/png");
        assertThat(readBytes(id)).isEqualTo(content);
    }

    @Test
    @DisplayName("the upload closes a stream content, as BlobContent.of(InputStream, long) promises")
    default void uploadClosesStreamContent() {
        byte[] content = randomBytes(5, 1000);
        AtomicBoolean closed = new AtomicBoolean();
        InputStream tracking = new FilterInputStream(new ByteArrayInputStream(content)) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };

        store().put(BlobId.of(container(), "closed.bin"), BlobContent.of(tracking, content.length));

        assertThat(closed).as("stream closed by the upload").isTrue();
    }

    @Test
    @DisplayName("a large blob streams up and down intact (checked by SHA-256), never held in memory")
    default void largeBlobStreamsIntact() throws IOException {
        long length = largeBlobBytes();
        BlobId id = BlobId.of(container(), "large.bin");
        PseudoRandomStream source = new PseudoRandomStream(0x5EED_CAFEL, length);
        try {
            BlobInfo put = store().put(id, BlobContent.of(source, length));

            assertThat(source.produced()).as("bytes the upload read from the stream").isEqualTo(length);
            assertThat(put.size()).isEqualTo(length);
            assertThat(store().stat(id)).hasValueSatisfying(info -> assertThat(info.size()).isEqualTo(length));

            MessageDigest downloaded = PseudoRandomStream.sha256();
            long read = 0;
            try (Blob blob = store().get(id).orElseThrow()) {
                assertThat(blob.info().size()).isEqualTo(length);
                InputStream in = blob.content();
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    downloaded.update(buffer, 0, n);
                    read += n;
                }
            }
            assertThat(read).as("bytes downloaded").isEqualTo(length);
            assertThat(HexFormat.of().formatHex(downloaded.digest())).as("SHA-256 of the download")
                    .isEqualTo(HexFormat.of().formatHex(source.digest()));
        } finally {
            store().delete(id);
        }
        assertThat(store().stat(id)).isEmpty();
    }

    @Test
    @DisplayName("a downloaded stream can be closed after a partial read; the blob stays readable")
    @Timeout(120)
    default void partialReadThenClose() throws IOException {
        BlobId id = BlobId.of(container(), "partial.bin");
        byte[] content = randomBytes(6, 512 * 1024);
        store().put(id, content);

        for (int attempt = 0; attempt < 3; attempt++) {
            Blob blob = store().get(id).orElseThrow();
            byte[] head = blob.content().readNBytes(100);
            assertThat(head).isEqualTo(Arrays.copyOf(content, 100));
            assertThatCode(blob::close).as("close after a partial read").doesNotThrowAnyException();
        }
        assertThat(readBytes(id)).isEqualTo(content);
    }

    @Test
    @DisplayName("a stream shorter than its declared length is an InvalidRequestException and leaves no blob")
    @Timeout(120)
    default void streamShorterThanDeclaredLengthFails() {
        BlobId id = BlobId.of(container(), "short.bin");
        BlobContent content = BlobContent.of(new ByteArrayInputStream(randomBytes(7, 10)), 100);

        Throwable thrown = catchThrowable(() -> store().put(id, content));

        assertThat(thrown).as("put of 10 bytes declared as 100: the caller's mistake, not the site's")
                .isInstanceOf(InvalidRequestException.class);
        assertThat(((CloudException) thrown).retryable()).isFalse();
        assertThat(store().stat(id)).isEmpty();
        assertThat(store().list(container()).count()).isZero();
    }

    /** The size of the large blob the provider declares, read through the suite like any other hook. */
    private long largeBlobBytes() {
        return ((BlobStoreContract) this).largeBlobBytes();
    }
}
