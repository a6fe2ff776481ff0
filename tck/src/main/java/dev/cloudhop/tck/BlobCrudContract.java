package dev.cloudhop.tck;

import static dev.cloudhop.tck.BlobContractSupport.assertInfo;
import static dev.cloudhop.tck.BlobContractSupport.md5Hex;
import static dev.cloudhop.tck.BlobContractSupport.names;
import static dev.cloudhop.tck.BlobContractSupport.randomBytes;
import static dev.cloudhop.tck.BlobContractSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.PutOptions;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Put, get, stat and delete of single blobs: bytes round-trip with size, ETag, MD5 and lastModified; empty
 * blobs; missing blobs read as empty and delete quietly.
 */
interface BlobCrudContract extends BlobContractGroup {

    @Test
    @DisplayName("put/get round-trips bytes; size, ETag, MD5, lastModified and default content type are right")
    default void putGetRoundTrip() {
        BlobId id = BlobId.of(container(), "hello.bin");
        byte[] content = randomBytes(1, 10_000);
        Instant before = Instant.now();

        BlobInfo put = store().put(id, content);

        assertInfo(put, id, content, before);
        BlobInfo stat = store().stat(id).orElseThrow(() -> new AssertionError("stat after put is empty"));
        assertInfo(stat, id, content, before);
        assertThat(stat.contentType()).isEqualTo(PutOptions.OCTET_STREAM);
        assertThat(stat.etag()).as("stat ETag vs put ETag").isEqualTo(put.etag());
        try (Blob blob = store().get(id).orElseThrow(() -> new AssertionError("get after put is empty"))) {
            assertInfo(blob.info(), id, content, before);
            assertThat(blob.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    @DisplayName("a zero-byte blob is stored, listed and read back empty")
    default void zeroByteBlob() {
        BlobId fromBytes = BlobId.of(container(), "empty-bytes");
        BlobId fromStream = BlobId.of(container(), "empty-stream");

        BlobInfo put = store().put(fromBytes, new byte[0]);
        store().put(fromStream, BlobContent.of(InputStream.nullInputStream(), 0));

        assertThat(put.size()).isZero();
        assertThat(put.etag()).isNotBlank();
        put.contentMd5().ifPresent(md5 -> assertThat(md5).isEqualTo(md5Hex(new byte[0])));
        for (BlobId id : List.of(fromBytes, fromStream)) {
            assertThat(store().stat(id)).hasValueSatisfying(info -> assertThat(info.size()).isZero());
            assertThat(readBytes(id)).isEmpty();
        }
        List<BlobEntry> entries = store().list(container()).collect(Collectors.toList());
        assertThat(names(entries)).containsExactly("empty-bytes", "empty-stream");
        assertThat(entries).allSatisfy(e -> assertThat(((BlobEntry.Item) e).size()).isZero());
    }

    @Test
    @DisplayName("get and stat of a missing blob return empty")
    default void missingBlobReadsAreEmpty() {
        BlobId id = BlobId.of(container(), "no/such/blob.txt");
        assertThat(store().stat(id)).isEmpty();
        Optional<Blob> blob = store().get(id);
        blob.ifPresent(Blob::close);
        assertThat(blob).isEmpty();
    }

    @Test
    @DisplayName("deleting a missing blob succeeds")
    default void deleteOfMissingBlobSucceeds() {
        BlobId id = BlobId.of(container(), "never-written");
        assertThatCode(() -> store().delete(id)).doesNotThrowAnyException();
        assertThatCode(() -> store().delete(id)).doesNotThrowAnyException();
        assertThat(store().stat(id)).isEmpty();
    }

    @Test
    @DisplayName("delete removes a blob: get/stat are empty, the listing no longer holds it, its neighbours stay")
    default void deleteRemovesBlob() {
        BlobId gone = BlobId.of(container(), "dir/gone.txt");
        BlobId kept = BlobId.of(container(), "dir/kept.txt");
        store().put(gone, utf8("gone"));
        store().put(kept, utf8("kept"));

        store().delete(gone);

        assertThat(store().stat(gone)).isEmpty();
        Optional<Blob> blob = store().get(gone);
        blob.ifPresent(Blob::close);
        assertThat(blob).isEmpty();
        assertThat(names(store().list(container()).collect(Collectors.toList()))).containsExactly("dir/kept.txt");
        assertThat(readUtf8(kept)).isEqualTo("kept");
    }

    @Test
    @DisplayName("a blob put from an array keeps its content when the caller changes the array afterwards")
    default void changingTheArrayAfterAPutLeavesTheBlobAlone() {
        BlobId id = BlobId.of(container(), "array.bin");
        byte[] data = randomBytes(11, 4096);
        byte[] expected = data.clone();

        store().put(id, data);
        java.util.Arrays.fill(data, (byte) 0);

        assertThat(readBytes(id)).isEqualTo(expected);
    }
}
