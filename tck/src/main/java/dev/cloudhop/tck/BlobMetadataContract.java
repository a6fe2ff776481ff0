package dev.cloudhop.tck;

import static dev.cloudhop.tck.BlobContractSupport.assertCloseToNow;
import static dev.cloudhop.tck.BlobContractSupport.names;
import static dev.cloudhop.tck.BlobContractSupport.randomBytes;
import static dev.cloudhop.tck.BlobContractSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.PutOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Content type, user metadata and ETags: preserved by stat, get and list, and replaced by an overwrite.
 */
interface BlobMetadataContract extends BlobContractGroup {

    @Test
    @DisplayName("content type and user metadata are preserved by stat and get")
    default void contentTypeAndUserMetadataArePreserved() {
        BlobId id = BlobId.of(container(), "doc.json");
        Map<String, String> metadata = Map.of("owner", "tck", "color-name", "blue", "n1", "42");
        PutOptions options = PutOptions.DEFAULT.withContentType("application/json").withUserMetadata(metadata);

        BlobInfo put = store().put(id, BlobContent.ofUtf8("{\"a\":1}"), options);

        assertThat(put.contentType()).isEqualTo("application/json");
        BlobInfo stat = store().stat(id).orElseThrow();
        assertThat(stat.contentType()).isEqualTo("application/json");
        assertThat(stat.userMetadata()).isEqualTo(metadata);
        try (Blob blob = store().get(id).orElseThrow()) {
            assertThat(blob.info().contentType()).isEqualTo("application/json");
            assertThat(blob.info().userMetadata()).isEqualTo(metadata);
            assertThat(new String(blob.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        }
    }

    @Test
    @DisplayName("a listed item agrees with stat on name, size and ETag")
    default void listedItemAgreesWithStat() {
        BlobId id = BlobId.of(container(), "listed.bin");
        byte[] content = randomBytes(2, 4321);
        store().put(id, content);

        List<BlobEntry> entries = store().list(container()).collect(Collectors.toList());
        BlobInfo stat = store().stat(id).orElseThrow();

        assertThat(entries).hasSize(1);
        assertThat(entries.get(0)).isInstanceOfSatisfying(BlobEntry.Item.class, item -> {
            assertThat(item.id()).isEqualTo(id);
            assertThat(item.name()).isEqualTo("listed.bin");
            assertThat(item.size()).isEqualTo(content.length);
            assertThat(item.etag()).isEqualTo(stat.etag());
            assertCloseToNow(item.lastModified(), Instant.now());
        });
    }

    @Test
    @DisplayName("overwriting replaces content, metadata and content type, and changes the ETag")
    default void overwriteReplacesContentAndChangesEtag() {
        BlobId id = BlobId.of(container(), "over.txt");
        BlobInfo first = store().put(id, BlobContent.ofUtf8("first version"),
                PutOptions.DEFAULT.withContentType("text/plain").withUserMetadata(Map.of("version", "1")));

        BlobInfo second = store().put(id, utf8("second, longer version"));

        assertThat(second.etag()).as("ETag after overwriting with different content").isNotEqualTo(first.etag());
        BlobInfo stat = store().stat(id).orElseThrow();
        assertThat(stat.etag()).isEqualTo(second.etag());
        assertThat(stat.size()).isEqualTo("second, longer version".length());
        assertThat(stat.userMetadata()).as("metadata of the overwriting put (none)").isEmpty();
        assertThat(stat.contentType()).isEqualTo(PutOptions.OCTET_STREAM);
        assertThat(readUtf8(id)).isEqualTo("second, longer version");
        assertThat(names(store().list(container()).collect(Collectors.toList()))).containsExactly("over.txt");
    }
}
