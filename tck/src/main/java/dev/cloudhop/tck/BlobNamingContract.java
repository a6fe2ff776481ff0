package dev.cloudhop.tck;

import static dev.cloudhop.tck.BlobContractSupport.describe;
import static dev.cloudhop.tck.BlobContractSupport.names;
import static dev.cloudhop.tck.BlobContractSupport.printable;
import static dev.cloudhop.tck.BlobContractSupport.utf8;
import static dev.cloudhop.tck.BlobStoreContract.UTF8_ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.naming.NameKind;
import dev.cloudhop.api.naming.NamingRules;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Names: edge-case and unicode names round-trip and list exactly, and names the provider's
 * {@link BlobStoreContract#namingRules()} reject are refused with
 * {@link dev.cloudhop.api.InvalidRequestException} naming them, writing nothing.
 */
interface BlobNamingContract extends BlobContractGroup {

    @Test
    @DisplayName("invalid container names are refused with InvalidRequestException naming them; nothing is created")
    default void invalidContainerNamesAreRejected() {
        List<String> candidates = List.of("UPPER", "a", "has_underscore", "-dash-start", "has space");
        int rejected = 0;
        for (String name : candidates) {
            if (!namingRules().violations(NameKind.CONTAINER, name).isEmpty()) {
                rejected++;
                assertInvalidRequest(() -> store().createContainer(name), name);
                assertThat(store().listContainers().collect(Collectors.toList()))
                        .as("containers after the rejected create of '%s'", name).doesNotContain(name);
            } else {
                // The provider's rules accept this name: then it must work.
                try {
                    assertThat(store().createContainer(name)).as("create of '%s', valid under %s rules", name,
                            namingRules().provider()).isTrue();
                    assertThat(store().containerExists(name)).isTrue();
                } finally {
                    store().deleteContainer(name);
                }
            }
        }
        assertThat(rejected).as("candidate container names rejected by the declared naming rules").isPositive();
    }

    @Test
    @DisplayName("unicode and edge-case names round-trip exactly and stat under their exact name")
    default void edgeCaseNamesRoundTrip() {
        for (String name : edgeCaseNames()) {
            BlobId id = BlobId.of(container(), name);
            BlobInfo put = store().put(id, BlobContent.ofUtf8(name), PutOptions.DEFAULT.withContentType("text/plain"));
            assertThat(put.id()).as("put id of '%s'", name).isEqualTo(id);
            assertThat(store().stat(id)).as("stat of '%s'", name)
                    .hasValueSatisfying(info -> assertThat(info.id().name()).isEqualTo(name));
            assertThat(readUtf8(id)).as("content of '%s'", name).isEqualTo(name);
        }
    }

    @Test
    @DisplayName("unicode and edge-case names list with their exact names, in UTF-8 order, and by exact prefix")
    default void edgeCaseNamesListExactly() {
        List<String> names = edgeCaseNames();
        for (String name : names) {
            store().put(BlobId.of(container(), name), utf8(name));
        }

        List<String> listed = names(store().list(container()).collect(Collectors.toList()));

        assertThat(listed).isEqualTo(names.stream().sorted(UTF8_ORDER).collect(Collectors.toList()));
        for (String name : names) {
            assertThat(names(store().list(container(), ListOptions.prefix(name)).collect(Collectors.toList())))
                    .as("listing with the exact name '%s' as prefix", name).containsExactly(name);
        }
        assertThat(describe(store().list(container(), ListOptions.prefix("unicode/").withDelimiter("/"))
                .collect(Collectors.toList()))).containsExactly("prefix unicode/日本語/");
    }

    @Test
    @DisplayName("a name of 1024 ASCII characters round-trips and lists exactly")
    default void name1024CharactersRoundTrips() {
        String name = longName(1024);
        assertThat(name).hasSize(1024);
        BlobId id = BlobId.of(container(), name);

        store().put(id, utf8("long"));

        assertThat(store().stat(id)).hasValueSatisfying(info -> assertThat(info.id().name()).isEqualTo(name));
        assertThat(readUtf8(id)).isEqualTo("long");
        assertThat(names(store().list(container()).collect(Collectors.toList()))).containsExactly(name);
        store().delete(id);
        assertThat(store().stat(id)).isEmpty();
    }

    @Test
    @DisplayName("a blob name ending in '/' is refused with InvalidRequestException; nothing is written")
    default void blobNameEndingInSlashIsRejected() {
        assertBlobNameHandledPerRules("dir/");
        assertBlobNameHandledPerRules("trailing/slash/");
    }

    @Test
    @DisplayName("a blob name containing NUL is refused with InvalidRequestException; nothing is written")
    default void blobNameWithNulIsRejected() {
        assertBlobNameHandledPerRules("nul\u0000byte.txt");
    }

    @Test
    @DisplayName("a blob name with a '..' segment is refused with InvalidRequestException; nothing is written")
    default void blobNameWithDotDotSegmentIsRejected() {
        assertBlobNameHandledPerRules("a/../b");
        assertBlobNameHandledPerRules("../escape.txt");
    }

    @Test
    @DisplayName("a blob name of 1025 characters is refused with InvalidRequestException; nothing is written")
    default void blobNameOf1025CharactersIsRejected() {
        String name = "n".repeat(1025);
        assertThat(namingRules().violations(NameKind.BLOB, name))
                .as("a 1025-character name is invalid on every provider").isNotEmpty();
        assertBlobNameHandledPerRules(name);
    }

    /**
     * The naming rules the provider declares. Read through the suite because the hook stays a protected
     * method providers override.
     */
    private NamingRules namingRules() {
        return ((BlobStoreContract) this).namingRules();
    }

    /** Names valid on every provider that stress encoding, as listed in the contract. */
    private static List<String> edgeCaseNames() {
        return List.of(
                "unicode/日本語/ファイル.txt",
                "spaces in name.txt",
                "a+b=c&d.txt",
                "percent%20name",
                "emoji-😀.bin",
                "a/b/c/d/e/f/g.txt",
                longName(1024));
    }

    /**
     * An ASCII name of exactly {@code length} characters, in '/'-separated segments of 200 characters, as
     * on-prem blob stores limit a segment (a file name) to 255 bytes.
     */
    private static String longName(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(i % 201 == 200 ? '/' : (char) ('a' + i % 26));
        }
        return sb.toString();
    }

    /**
     * If the declared rules reject the name: a put is refused with {@link InvalidRequestException} naming
     * it, and nothing is written. Otherwise the name must work like any other.
     */
    private void assertBlobNameHandledPerRules(String name) {
        BlobId id = BlobId.of(container(), name);
        if (!namingRules().violations(NameKind.BLOB, name).isEmpty()) {
            assertInvalidRequest(() -> store().put(id, utf8("x")), name);
            assertInvalidRequest(() -> store().put(id, BlobContent.of(new ByteArrayInputStream(new byte[3]), 3)), name);
            assertThat(store().list(container()).collect(Collectors.toList()))
                    .as("listing after the rejected put of '%s'", printable(name)).isEmpty();
        } else {
            store().put(id, utf8("x"));
            assertThat(readUtf8(id)).isEqualTo("x");
            store().delete(id);
            assertThat(store().stat(id)).isEmpty();
        }
    }
}
