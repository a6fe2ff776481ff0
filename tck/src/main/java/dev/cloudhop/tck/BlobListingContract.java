package dev.cloudhop.tck;

import static dev.cloudhop.tck.BlobContractSupport.describe;
import static dev.cloudhop.tck.BlobContractSupport.names;
import static dev.cloudhop.tck.BlobContractSupport.utf8;
import static dev.cloudhop.tck.BlobStoreContract.UTF8_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobPage;
import dev.cloudhop.api.blob.ListOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Listings: paged listings cover every blob once in UTF-8 order; prefixes, delimiters and both together;
 * tiny pages.
 */
interface BlobListingContract extends BlobContractGroup {

    @Test
    @DisplayName("1,050 blobs list in pages of at most 100, each name once, in order; lazily too")
    default void pagedListingCoversEveryBlobOnceInOrder() {
        int count = 1050;
        List<String> expected = IntStream.range(0, count).mapToObj(i -> String.format("item-%04d", i))
                .sorted(UTF8_ORDER).collect(Collectors.toList());
        putAllConcurrently(expected.stream().collect(Collectors.toMap(n -> BlobId.of(container(), n),
                n -> n.getBytes(StandardCharsets.UTF_8))));
        ListOptions options = ListOptions.ALL.withPageSize(100);

        List<String> seen = new ArrayList<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            BlobPage page = store().listPage(container(), options, token);
            pages++;
            assertThat(page.entries()).as("page %d", pages).hasSizeLessThanOrEqualTo(100);
            assertThat(page.entries()).allSatisfy(e -> assertThat(e).isInstanceOf(BlobEntry.Item.class));
            page.entries().forEach(e -> seen.add(e.name()));
            token = page.nextToken();
            if (pages > 2 * count) {
                fail("listing did not end after %d pages (token %s)", pages, token);
            }
        } while (token.isPresent());

        assertThat(pages).as("pages of at most 100 for %d blobs", count).isGreaterThanOrEqualTo(11);
        assertThat(seen).doesNotHaveDuplicates().hasSize(count).isSortedAccordingTo(UTF8_ORDER)
                .isEqualTo(expected);

        assertThat(store().list(container(), options).count()).as("lazy list, pages of 100").isEqualTo(count);
        assertThat(names(store().list(container()).collect(Collectors.toList())))
                .as("lazy list, default pages").isEqualTo(expected);

        assertThat(store().deleteContainer(container())).as("delete of a container of %d blobs", count).isTrue();
        assertThat(store().containerExists(container())).isFalse();
    }

    @Test
    @DisplayName("a prefix listing holds exactly the names starting with the prefix")
    default void prefixListing() {
        putTree();

        assertThat(names(store().list(container(), ListOptions.prefix("photos/")).collect(Collectors.toList())))
                .containsExactly("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg");
        assertThat(names(store().list(container(), ListOptions.prefix("photo")).collect(Collectors.toList())))
                .containsExactly("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg",
                        "photosynthesis.txt");
        assertThat(names(store().list(container(), ListOptions.prefix("photos/2024/b")).collect(Collectors.toList())))
                .containsExactly("photos/2024/b.jpg");
        assertThat(store().list(container(), ListOptions.prefix("nothing-here")).count()).isZero();
        assertThat(store().list(container(), ListOptions.prefix("photos/")))
                .allSatisfy(e -> assertThat(e).isInstanceOf(BlobEntry.Item.class));
    }

    @Test
    @DisplayName("a delimiter listing rolls \"directories\" into CommonPrefix entries and lists direct children")
    default void delimiterListing() {
        putTree();

        List<BlobEntry> entries = store().list(container(), ListOptions.ALL.withDelimiter("/"))
                .collect(Collectors.toList());

        assertThat(describe(entries)).containsExactly(
                "prefix docs/", "prefix photos/", "item photosynthesis.txt", "item root.txt");
        assertThat(names(entries)).isSortedAccordingTo(UTF8_ORDER);
    }

    @Test
    @DisplayName("prefix and delimiter combine: one level below the prefix")
    default void prefixAndDelimiterListing() {
        putTree();

        assertThat(describe(store().list(container(), ListOptions.prefix("photos/").withDelimiter("/"))
                .collect(Collectors.toList())))
                .containsExactly("prefix photos/2024/", "prefix photos/2025/", "item photos/top.jpg");
        assertThat(describe(store().list(container(), ListOptions.prefix("photos/2024/").withDelimiter("/"))
                .collect(Collectors.toList())))
                .containsExactly("item photos/2024/a.jpg", "item photos/2024/b.jpg");
        assertThat(describe(store().list(container(), ListOptions.prefix("docs").withDelimiter("/"))
                .collect(Collectors.toList())))
                .containsExactly("prefix docs/");
        assertThat(store().list(container(), ListOptions.prefix("zzz").withDelimiter("/")).count()).isZero();
    }

    @Test
    @DisplayName("a delimiter listing in pages of one yields the same entries, each once")
    default void delimiterListingWithTinyPages() {
        putTree();
        ListOptions options = ListOptions.ALL.withDelimiter("/");

        List<String> big = describe(store().list(container(), options).collect(Collectors.toList()));
        List<String> tiny = describe(store().list(container(), options.withPageSize(1)).collect(Collectors.toList()));

        assertThat(tiny).isEqualTo(big).doesNotHaveDuplicates();
    }

    /** Puts a small directory-like tree used by the listing tests. */
    private void putTree() {
        for (String name : List.of("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg",
                "docs/readme.md", "docs/guide/intro.md", "photosynthesis.txt", "root.txt")) {
            store().put(BlobId.of(container(), name), utf8(name));
        }
    }

    /** Puts every blob using {@value Concurrently#THREADS} threads; fails on the first error. */
    private void putAllConcurrently(Map<BlobId, byte[]> blobs) {
        List<Callable<BlobInfo>> puts = new ArrayList<>();
        blobs.forEach((id, bytes) -> puts.add(() -> store().put(id, bytes)));
        Concurrently.runAll(puts);
    }
}
