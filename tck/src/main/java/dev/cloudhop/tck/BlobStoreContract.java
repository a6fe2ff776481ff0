package dev.cloudhop.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.UnsupportedCapabilityException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobPage;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.naming.NameKind;
import dev.cloudhop.api.naming.NamingRules;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every provider's {@link BlobStore} must pass: containers, streaming put/get, user metadata,
 * ETags and MD5s, paged, prefix and delimiter listings, portable edge-case names, name validation,
 * conditional writes, concurrent writers, large streamed blobs and the error family
 * ({@link NotFoundException}, {@link InvalidRequestException}, {@link ConflictException}).
 *
 * <p>A provider runs it by extending this class and implementing {@link #createCloud()}:
 *
 * <pre>{@code
 * class LocalBlobStoreTest extends BlobStoreContract {
 *     @Override
 *     protected Cloud createCloud() {
 *         return LocalClouds.inMemory("tck");
 *     }
 * }
 * }</pre>
 *
 * <p>Every test works in its own, uniquely named container, created before and deleted after it, so tests
 * are independent of each other's order and several suites may share one site. The only skips are
 * capability-based: the whole suite needs {@link Capability#BLOB}, the conditional-write tests need
 * {@link Capability#BLOB_CONDITIONAL_WRITE}.
 *
 * <p>Overridable hooks:
 * <ul>
 *   <li>{@link #largeBlobBytes()}: the size of the streamed large blob (default 64 MiB);</li>
 *   <li>{@link #namingRules()}: the naming rules the provider enforces (default
 *       {@link NamingRules#LOCAL}, the intersection of every provider's rules).</li>
 * </ul>
 *
 * <p>Nothing here holds a large blob in memory: the large-blob test generates its content on the fly and
 * checks it by digest, so the suite passes under a small test heap.
 */
public abstract class BlobStoreContract extends CloudContract {

    /** How far a server's clock may be from ours for lastModified checks. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(5);

    /** How long a concurrent batch of operations may take before the test fails instead of hanging. */
    private static final Duration CONCURRENT_TIMEOUT = Duration.ofMinutes(5);

    /** Threads used for bulk and racing operations. */
    private static final int THREADS = 8;

    /** Orders names by their UTF-8 bytes, unsigned: the order {@link BlobPage#entries()} promises. */
    protected static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /** The container of the current test; created in {@link #createTestContainer()}. */
    private String container;

    /**
     * The size in bytes of the blob the large-blob test streams up and down and checks by SHA-256.
     * Default 64 MiB; a provider may lower it (slow emulators) or raise it (to cross its multipart
     * threshold). The blob is never held in memory.
     */
    protected long largeBlobBytes() {
        return 64L << 20;
    }

    /**
     * The naming rules the provider under test enforces: names these rules reject must be refused with
     * {@link InvalidRequestException}, names they accept must work. Default {@link NamingRules#LOCAL}, the
     * intersection of the AWS, Azure and on-prem rules, which the local reference provider enforces; a
     * provider that enforces only its own rules returns them here (typically
     * {@code new MyProvider().namingRules()}).
     */
    protected NamingRules namingRules() {
        return NamingRules.LOCAL;
    }

    /** The blob store under test. */
    protected final BlobStore store() {
        return cloud().blobs();
    }

    /** The container created for the current test. */
    protected final String container() {
        return container;
    }

    @BeforeEach
    final void createTestContainer() {
        requireCapability(Capability.BLOB);
        container = uniqueName("tck");
        assertThat(store().createContainer(container)).as("createContainer(%s) of a new name", container).isTrue();
    }

    @AfterEach
    final void deleteTestContainer() {
        if (container != null) {
            String c = container;
            container = null;
            store().deleteContainer(c);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Containers
    // ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("createContainer returns true for a new name, then false: it is idempotent")
    void createContainerIsIdempotent() {
        String name = uniqueName("tck");
        try {
            assertThat(store().createContainer(name)).as("first create").isTrue();
            assertThat(store().createContainer(name)).as("second create").isFalse();
            assertThat(store().containerExists(name)).isTrue();
            assertThat(store().createContainer(container)).as("create of the test's existing container").isFalse();
        } finally {
            store().deleteContainer(name);
        }
    }

    @Test
    @DisplayName("an existing container exists and is listed; an unknown one is neither")
    void containerExistsAndIsListed() {
        String unknown = uniqueName("tck");
        assertThat(store().containerExists(container)).isTrue();
        assertThat(store().containerExists(unknown)).isFalse();
        List<String> names = store().listContainers().collect(Collectors.toList());
        assertThat(names).contains(container).doesNotContain(unknown);
    }

    @Test
    @DisplayName("deleteContainer returns true, then false; the container is gone and no longer listed")
    void deleteContainerIsIdempotent() {
        String name = uniqueName("tck");
        assertThat(store().createContainer(name)).isTrue();
        assertThat(store().deleteContainer(name)).as("first delete").isTrue();
        assertThat(store().deleteContainer(name)).as("second delete").isFalse();
        assertThat(store().containerExists(name)).isFalse();
        assertThat(store().listContainers().collect(Collectors.toList())).doesNotContain(name);
    }

    @Test
    @DisplayName("deleting a non-empty container deletes its blobs with it")
    void deleteContainerDeletesItsBlobs() {
        String name = uniqueName("tck");
        assertThat(store().createContainer(name)).isTrue();
        try {
            List<String> blobs = List.of("one.txt", "dir/two.txt", "dir/sub/three.txt", "four", "five.bin");
            for (String b : blobs) {
                store().put(BlobId.of(name, b), utf8(b));
            }
            assertThat(names(store().list(name).collect(Collectors.toList()))).hasSize(blobs.size());

            assertThat(store().deleteContainer(name)).as("delete of a non-empty container").isTrue();

            assertThat(store().containerExists(name)).isFalse();
            for (String b : blobs) {
                assertNotFound(() -> store().stat(BlobId.of(name, b)));
            }
        } finally {
            store().deleteContainer(name);
        }
    }

    @Test
    @DisplayName("invalid container names are refused with InvalidRequestException naming them; nothing is created")
    void invalidContainerNamesAreRejected() {
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

    // ------------------------------------------------------------------------------------------------
    // Put, get, stat
    // ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("put/get round-trips bytes; size, ETag, MD5, lastModified and default content type are right")
    void putGetRoundTrip() {
        BlobId id = BlobId.of(container, "hello.bin");
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
    @DisplayName("content type and user metadata are preserved by stat and get")
    void contentTypeAndUserMetadataArePreserved() {
        BlobId id = BlobId.of(container, "doc.json");
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
    void listedItemAgreesWithStat() {
        BlobId id = BlobId.of(container, "listed.bin");
        byte[] content = randomBytes(2, 4321);
        store().put(id, content);

        List<BlobEntry> entries = store().list(container).collect(Collectors.toList());
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
    void overwriteReplacesContentAndChangesEtag() {
        BlobId id = BlobId.of(container, "over.txt");
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
        assertThat(names(store().list(container).collect(Collectors.toList()))).containsExactly("over.txt");
    }

    @Test
    @DisplayName("put from a file streams its content")
    void putFromFile(@TempDir Path dir) throws IOException {
        byte[] content = randomBytes(3, 300_000);
        Path file = dir.resolve("upload.bin");
        Files.write(file, content);
        BlobId id = BlobId.of(container, "from-file.bin");

        BlobInfo put = store().put(id, BlobContent.of(file));

        assertThat(put.size()).isEqualTo(content.length);
        assertThat(readBytes(id)).isEqualTo(content);
        assertThat(Files.readAllBytes(file)).as("the source file is left untouched").isEqualTo(content);
    }

    @Test
    @DisplayName("put from a stream of declared length stores exactly that content")
    void putFromStreamWithLength() {
        byte[] content = randomBytes(4, 200_000);
        BlobId id = BlobId.of(container, "from-stream.bin");

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
    void uploadClosesStreamContent() {
        byte[] content = randomBytes(5, 1000);
        AtomicBoolean closed = new AtomicBoolean();
        InputStream tracking = new FilterInputStream(new ByteArrayInputStream(content)) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };

        store().put(BlobId.of(container, "closed.bin"), BlobContent.of(tracking, content.length));

        assertThat(closed).as("stream closed by the upload").isTrue();
    }

    @Test
    @DisplayName("a zero-byte blob is stored, listed and read back empty")
    void zeroByteBlob() {
        BlobId fromBytes = BlobId.of(container, "empty-bytes");
        BlobId fromStream = BlobId.of(container, "empty-stream");

        BlobInfo put = store().put(fromBytes, new byte[0]);
        store().put(fromStream, BlobContent.of(InputStream.nullInputStream(), 0));

        assertThat(put.size()).isZero();
        assertThat(put.etag()).isNotBlank();
        put.contentMd5().ifPresent(md5 -> assertThat(md5).isEqualTo(md5Hex(new byte[0])));
        for (BlobId id : List.of(fromBytes, fromStream)) {
            assertThat(store().stat(id)).hasValueSatisfying(info -> assertThat(info.size()).isZero());
            assertThat(readBytes(id)).isEmpty();
        }
        List<BlobEntry> entries = store().list(container).collect(Collectors.toList());
        assertThat(names(entries)).containsExactly("empty-bytes", "empty-stream");
        assertThat(entries).allSatisfy(e -> assertThat(((BlobEntry.Item) e).size()).isZero());
    }

    @Test
    @DisplayName("get and stat of a missing blob return empty")
    void missingBlobReadsAreEmpty() {
        BlobId id = BlobId.of(container, "no/such/blob.txt");
        assertThat(store().stat(id)).isEmpty();
        Optional<Blob> blob = store().get(id);
        blob.ifPresent(Blob::close);
        assertThat(blob).isEmpty();
    }

    @Test
    @DisplayName("deleting a missing blob succeeds")
    void deleteOfMissingBlobSucceeds() {
        BlobId id = BlobId.of(container, "never-written");
        assertThatCode(() -> store().delete(id)).doesNotThrowAnyException();
        assertThatCode(() -> store().delete(id)).doesNotThrowAnyException();
        assertThat(store().stat(id)).isEmpty();
    }

    @Test
    @DisplayName("delete removes a blob: get/stat are empty, the listing no longer holds it, its neighbours stay")
    void deleteRemovesBlob() {
        BlobId gone = BlobId.of(container, "dir/gone.txt");
        BlobId kept = BlobId.of(container, "dir/kept.txt");
        store().put(gone, utf8("gone"));
        store().put(kept, utf8("kept"));

        store().delete(gone);

        assertThat(store().stat(gone)).isEmpty();
        Optional<Blob> blob = store().get(gone);
        blob.ifPresent(Blob::close);
        assertThat(blob).isEmpty();
        assertThat(names(store().list(container).collect(Collectors.toList()))).containsExactly("dir/kept.txt");
        assertThat(readUtf8(kept)).isEqualTo("kept");
    }

    // ------------------------------------------------------------------------------------------------
    // Missing container
    // ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("get and stat in a missing container throw NotFoundException")
    void readsInMissingContainerThrowNotFound() {
        BlobId id = BlobId.of(uniqueName("tck"), "x.txt");
        assertNotFound(() -> store().stat(id));
        assertNotFound(() -> store().get(id).ifPresent(Blob::close));
    }

    @Test
    @DisplayName("put into a missing container throws NotFoundException and creates nothing")
    void putInMissingContainerThrowsNotFound() {
        String missing = uniqueName("tck");
        try {
            assertNotFound(() -> store().put(BlobId.of(missing, "x.txt"), utf8("x")));
            assertNotFound(() -> store().put(BlobId.of(missing, "y.txt"),
                    BlobContent.of(new ByteArrayInputStream(new byte[10]), 10)));
            assertThat(store().containerExists(missing)).as("container created implicitly by put").isFalse();
        } finally {
            store().deleteContainer(missing);
        }
    }

    @Test
    @DisplayName("listing a missing container throws NotFoundException (listPage and list)")
    void listMissingContainerThrowsNotFound() {
        String missing = uniqueName("tck");
        assertNotFound(() -> store().listPage(missing, ListOptions.ALL, Optional.empty()));
        assertNotFound(() -> store().list(missing).count());
        assertNotFound(() -> store().list(missing, ListOptions.prefix("a/").withDelimiter("/")).count());
    }

    @Test
    @DisplayName("deleting a blob of a missing container throws NotFoundException")
    void deleteInMissingContainerThrowsNotFound() {
        assertNotFound(() -> store().delete(BlobId.of(uniqueName("tck"), "x.txt")));
    }

    // ------------------------------------------------------------------------------------------------
    // Listing
    // ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("1,050 blobs list in pages of at most 100, each name once, in order; lazily too")
    void pagedListingCoversEveryBlobOnceInOrder() {
        int count = 1050;
        List<String> expected = IntStream.range(0, count).mapToObj(i -> String.format("item-%04d", i))
                .sorted(UTF8_ORDER).collect(Collectors.toList());
        putAllConcurrently(expected.stream().collect(Collectors.toMap(n -> BlobId.of(container, n),
                n -> n.getBytes(StandardCharsets.UTF_8))));
        ListOptions options = ListOptions.ALL.withPageSize(100);

        List<String> seen = new ArrayList<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            BlobPage page = store().listPage(container, options, token);
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

        assertThat(store().list(container, options).count()).as("lazy list, pages of 100").isEqualTo(count);
        assertThat(names(store().list(container).collect(Collectors.toList())))
                .as("lazy list, default pages").isEqualTo(expected);

        assertThat(store().deleteContainer(container)).as("delete of a container of %d blobs", count).isTrue();
        assertThat(store().containerExists(container)).isFalse();
    }

    @Test
    @DisplayName("a prefix listing holds exactly the names starting with the prefix")
    void prefixListing() {
        putTree();

        assertThat(names(store().list(container, ListOptions.prefix("photos/")).collect(Collectors.toList())))
                .containsExactly("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg");
        assertThat(names(store().list(container, ListOptions.prefix("photo")).collect(Collectors.toList())))
                .containsExactly("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg",
                        "photosynthesis.txt");
        assertThat(names(store().list(container, ListOptions.prefix("photos/2024/b")).collect(Collectors.toList())))
                .containsExactly("photos/2024/b.jpg");
        assertThat(store().list(container, ListOptions.prefix("nothing-here")).count()).isZero();
        assertThat(store().list(container, ListOptions.prefix("photos/")))
                .allSatisfy(e -> assertThat(e).isInstanceOf(BlobEntry.Item.class));
    }

    @Test
    @DisplayName("a delimiter listing rolls \"directories\" into CommonPrefix entries and lists direct children")
    void delimiterListing() {
        putTree();

        List<BlobEntry> entries = store().list(container, ListOptions.ALL.withDelimiter("/"))
                .collect(Collectors.toList());

        assertThat(describe(entries)).containsExactly(
                "prefix docs/", "prefix photos/", "item photosynthesis.txt", "item root.txt");
        assertThat(names(entries)).isSortedAccordingTo(UTF8_ORDER);
    }

    @Test
    @DisplayName("prefix and delimiter combine: one level below the prefix")
    void prefixAndDelimiterListing() {
        putTree();

        assertThat(describe(store().list(container, ListOptions.prefix("photos/").withDelimiter("/"))
                .collect(Collectors.toList())))
                .containsExactly("prefix photos/2024/", "prefix photos/2025/", "item photos/top.jpg");
        assertThat(describe(store().list(container, ListOptions.prefix("photos/2024/").withDelimiter("/"))
                .collect(Collectors.toList())))
                .containsExactly("item photos/2024/a.jpg", "item photos/2024/b.jpg");
        assertThat(describe(store().list(container, ListOptions.prefix("docs").withDelimiter("/"))
                .collect(Collectors.toList())))
                .containsExactly("prefix docs/");
        assertThat(store().list(container, ListOptions.prefix("zzz").withDelimiter("/")).count()).isZero();
    }

    @Test
    @DisplayName("a delimiter listing in pages of one yields the same entries, each once")
    void delimiterListingWithTinyPages() {
        putTree();
        ListOptions options = ListOptions.ALL.withDelimiter("/");

        List<String> big = describe(store().list(container, options).collect(Collectors.toList()));
        List<String> tiny = describe(store().list(container, options.withPageSize(1)).collect(Collectors.toList()));

        assertThat(tiny).isEqualTo(big).doesNotHaveDuplicates();
    }

    // ------------------------------------------------------------------------------------------------
    // Names
    // ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("unicode and edge-case names round-trip exactly and stat under their exact name")
    void edgeCaseNamesRoundTrip() {
        for (String name : edgeCaseNames()) {
            BlobId id = BlobId.of(container, name);
            BlobInfo put = store().put(id, BlobContent.ofUtf8(name), PutOptions.DEFAULT.withContentType("text/plain"));
            assertThat(put.id()).as("put id of '%s'", name).isEqualTo(id);
            assertThat(store().stat(id)).as("stat of '%s'", name)
                    .hasValueSatisfying(info -> assertThat(info.id().name()).isEqualTo(name));
            assertThat(readUtf8(id)).as("content of '%s'", name).isEqualTo(name);
        }
    }

    @Test
    @DisplayName("unicode and edge-case names list with their exact names, in UTF-8 order, and by exact prefix")
    void edgeCaseNamesListExactly() {
        List<String> names = edgeCaseNames();
        for (String name : names) {
            store().put(BlobId.of(container, name), utf8(name));
        }

        List<String> listed = names(store().list(container).collect(Collectors.toList()));

        assertThat(listed).isEqualTo(names.stream().sorted(UTF8_ORDER).collect(Collectors.toList()));
        for (String name : names) {
            assertThat(names(store().list(container, ListOptions.prefix(name)).collect(Collectors.toList())))
                    .as("listing with the exact name '%s' as prefix", name).containsExactly(name);
        }
        assertThat(describe(store().list(container, ListOptions.prefix("unicode/").withDelimiter("/"))
                .collect(Collectors.toList()))).containsExactly("prefix unicode/日本語/");
    }

    @Test
    @DisplayName("a name of 1024 ASCII characters round-trips and lists exactly")
    void name1024CharactersRoundTrips() {
        String name = longName(1024);
        assertThat(name).hasSize(1024);
        BlobId id = BlobId.of(container, name);

        store().put(id, utf8("long"));

        assertThat(store().stat(id)).hasValueSatisfying(info -> assertThat(info.id().name()).isEqualTo(name));
        assertThat(readUtf8(id)).isEqualTo("long");
        assertThat(names(store().list(container).collect(Collectors.toList()))).containsExactly(name);
        store().delete(id);
        assertThat(store().stat(id)).isEmpty();
    }

    @Test
    @DisplayName("a blob name ending in '/' is refused with InvalidRequestException; nothing is written")
    void blobNameEndingInSlashIsRejected() {
        assertBlobNameHandledPerRules("dir/");
        assertBlobNameHandledPerRules("trailing/slash/");
    }

    @Test
    @DisplayName("a blob name containing NUL is refused with InvalidRequestException; nothing is written")
    void blobNameWithNulIsRejected() {
        assertBlobNameHandledPerRules("nul\u0000byte.txt");
    }

    @Test
    @DisplayName("a blob name with a '..' segment is refused with InvalidRequestException; nothing is written")
    void blobNameWithDotDotSegmentIsRejected() {
        assertBlobNameHandledPerRules("a/../b");
        assertBlobNameHandledPerRules("../escape.txt");
    }

    @Test
    @DisplayName("a blob name of 1025 characters is refused with InvalidRequestException; nothing is written")
    void blobNameOf1025CharactersIsRejected() {
        String name = "n".repeat(1025);
        assertThat(namingRules().violations(NameKind.BLOB, name))
                .as("a 1025-character name is invalid on every provider").isNotEmpty();
        assertBlobNameHandledPerRules(name);
    }

    // ------------------------------------------------------------------------------------------------
    // Conditional writes
    // ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("ifNoneMatch writes a new name, then fails with ConflictException leaving the first content")
    void ifNoneMatchCreatesOnlyOnce() {
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        BlobId id = BlobId.of(container, "lease");
        PutOptions createOnly = PutOptions.DEFAULT.withIfNoneMatch();

        BlobInfo first = store().put(id, BlobContent.ofUtf8("owner-1"), createOnly);

        assertThat(first.etag()).isNotBlank();
        assertConflict(() -> store().put(id, BlobContent.ofUtf8("owner-2"), createOnly));
        assertThat(readUtf8(id)).isEqualTo("owner-1");
        assertThat(store().stat(id).orElseThrow().etag()).isEqualTo(first.etag());
    }

    @Test
    @DisplayName("ifMatch with the current ETag writes and returns a new ETag")
    void ifMatchWithCurrentEtagWrites() {
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        BlobId id = BlobId.of(container, "counter");
        BlobInfo v1 = store().put(id, utf8("1"));

        BlobInfo v2 = store().put(id, BlobContent.ofUtf8("2"), PutOptions.DEFAULT.withIfMatch(v1.etag()));

        assertThat(v2.etag()).isNotEqualTo(v1.etag());
        assertThat(readUtf8(id)).isEqualTo("2");
        BlobInfo v3 = store().put(id, BlobContent.ofUtf8("3"), PutOptions.DEFAULT.withIfMatch(v2.etag()));
        assertThat(store().stat(id).orElseThrow().etag()).isEqualTo(v3.etag());
        assertThat(readUtf8(id)).isEqualTo("3");
    }

    @Test
    @DisplayName("ifMatch with a stale ETag fails with ConflictException and leaves the content unchanged")
    void ifMatchWithStaleEtagConflicts() {
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        BlobId id = BlobId.of(container, "counter");
        BlobInfo v1 = store().put(id, utf8("1"));
        BlobInfo v2 = store().put(id, utf8("2"));

        assertConflict(() -> store().put(id, BlobContent.ofUtf8("3"), PutOptions.DEFAULT.withIfMatch(v1.etag())));

        assertThat(readUtf8(id)).isEqualTo("2");
        assertThat(store().stat(id).orElseThrow().etag()).isEqualTo(v2.etag());
    }

    @Test
    @DisplayName("ifMatch on a missing blob fails with ConflictException (precondition failed) and writes nothing")
    void ifMatchOnMissingBlobConflicts() {
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        BlobId id = BlobId.of(container, "missing");
        BlobId other = BlobId.of(container, "other");
        String someEtag = store().put(other, utf8("x")).etag();

        assertConflict(() -> store().put(id, BlobContent.ofUtf8("y"), PutOptions.DEFAULT.withIfMatch(someEtag)));

        assertThat(store().stat(id)).isEmpty();
    }

    @Test
    @DisplayName("8 threads racing ifNoneMatch on one name: exactly one wins, the others get ConflictException")
    void racingIfNoneMatchHasExactlyOneWinner() {
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        BlobId id = BlobId.of(container, "race");

        List<Outcome<BlobInfo>> outcomes = race(THREADS, i -> () ->
                store().put(id, BlobContent.ofUtf8("writer-" + i), PutOptions.DEFAULT.withIfNoneMatch()));

        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome<BlobInfo> o = outcomes.get(i);
            if (o.error() == null) {
                winners.add(i);
            } else {
                assertThat(o.error()).as("loser %d", i).isInstanceOf(ConflictException.class);
            }
        }
        assertThat(winners).as("winners").hasSize(1);
        int winner = winners.get(0);
        assertThat(readUtf8(id)).isEqualTo("writer-" + winner);
        assertThat(store().stat(id).orElseThrow().etag()).isEqualTo(outcomes.get(winner).value().etag());
    }

    @Test
    @DisplayName("a conditional put works with BLOB_CONDITIONAL_WRITE and throws UnsupportedCapabilityException without")
    void conditionalPutMatchesTheDeclaredCapability() {
        BlobId id = BlobId.of(container, "cond");
        if (cloud().supports(Capability.BLOB_CONDITIONAL_WRITE)) {
            assertThat(store().put(id, BlobContent.ofUtf8("x"), PutOptions.DEFAULT.withIfNoneMatch()).size()).isEqualTo(1);
            assertThat(store().stat(id)).isPresent();
        } else {
            assertThatThrownBy(() -> store().put(id, BlobContent.ofUtf8("x"), PutOptions.DEFAULT.withIfNoneMatch()))
                    .isInstanceOf(UnsupportedCapabilityException.class);
            assertThat(store().stat(id)).isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Concurrency
    // ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("8 threads writing 20 distinct blobs each: all 160 are present with the right content")
    void concurrentWritersOfDistinctBlobs() {
        int perThread = 20;

        List<Outcome<Void>> outcomes = race(THREADS, t -> () -> {
            for (int j = 0; j < perThread; j++) {
                store().put(BlobId.of(container, "w" + t + "/blob-" + j), expectedContent(t, j));
            }
            return null;
        });

        outcomes.forEach(o -> assertThat(o.error()).isNull());
        List<String> listed = names(store().list(container).collect(Collectors.toList()));
        assertThat(listed).hasSize(THREADS * perThread).doesNotHaveDuplicates();
        for (int t = 0; t < THREADS; t++) {
            for (int j = 0; j < perThread; j++) {
                assertThat(readBytes(BlobId.of(container, "w" + t + "/blob-" + j)))
                        .as("w%d/blob-%d", t, j).isEqualTo(expectedContent(t, j));
            }
        }
    }

    @Test
    @DisplayName("8 threads overwriting one blob: the result is exactly one writer's content, never a mix")
    void concurrentOverwritesAreAtomic() {
        BlobId id = BlobId.of(container, "contended.bin");
        int size = 128 * 1024;
        Set<String> etags = java.util.concurrent.ConcurrentHashMap.newKeySet();

        List<Outcome<Void>> outcomes = race(THREADS, t -> () -> {
            byte[] content = new byte[size];
            Arrays.fill(content, (byte) (t + 1));
            for (int round = 0; round < 3; round++) {
                etags.add(store().put(id, content).etag());
            }
            return null;
        });

        outcomes.forEach(o -> assertThat(o.error()).isNull());
        byte[] result = readBytes(id);
        assertThat(result).hasSize(size);
        byte first = result[0];
        assertThat((int) first).isBetween(1, THREADS);
        for (int i = 0; i < result.length; i++) {
            if (result[i] != first) {
                fail("torn write: byte %d is %d but byte 0 is %d", i, result[i], first);
            }
        }
        BlobInfo stat = store().stat(id).orElseThrow();
        assertThat(stat.size()).isEqualTo(size);
        assertThat(etags).contains(stat.etag());
    }

    // ------------------------------------------------------------------------------------------------
    // Streaming
    // ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("a large blob streams up and down intact (checked by SHA-256), never held in memory")
    void largeBlobStreamsIntact() throws IOException {
        long length = largeBlobBytes();
        BlobId id = BlobId.of(container, "large.bin");
        PseudoRandomStream source = new PseudoRandomStream(0x5EED_CAFEL, length);
        try {
            BlobInfo put = store().put(id, BlobContent.of(source, length));

            assertThat(source.produced()).as("bytes the upload read from the stream").isEqualTo(length);
            assertThat(put.size()).isEqualTo(length);
            assertThat(store().stat(id)).hasValueSatisfying(info -> assertThat(info.size()).isEqualTo(length));

            MessageDigest downloaded = sha256();
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
    void partialReadThenClose() throws IOException {
        BlobId id = BlobId.of(container, "partial.bin");
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
    @DisplayName("a blob put from an array keeps its content when the caller changes the array afterwards")
    void changingTheArrayAfterAPutLeavesTheBlobAlone() {
        BlobId id = BlobId.of(container, "array.bin");
        byte[] data = randomBytes(11, 4096);
        byte[] expected = data.clone();

        store().put(id, data);
        java.util.Arrays.fill(data, (byte) 0);

        assertThat(readBytes(id)).isEqualTo(expected);
    }

    @Test
    @DisplayName("a stream shorter than its declared length is an InvalidRequestException and leaves no blob")
    @Timeout(120)
    void streamShorterThanDeclaredLengthFails() {
        BlobId id = BlobId.of(container, "short.bin");
        BlobContent content = BlobContent.of(new ByteArrayInputStream(randomBytes(7, 10)), 100);

        Throwable thrown = catchThrowable(() -> store().put(id, content));

        assertThat(thrown).as("put of 10 bytes declared as 100: the caller's mistake, not the site's")
                .isInstanceOf(InvalidRequestException.class);
        assertThat(((CloudException) thrown).retryable()).isFalse();
        assertThat(store().stat(id)).isEmpty();
        assertThat(store().list(container).count()).isZero();
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------

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
        BlobId id = BlobId.of(container, name);
        if (!namingRules().violations(NameKind.BLOB, name).isEmpty()) {
            assertInvalidRequest(() -> store().put(id, utf8("x")), name);
            assertInvalidRequest(() -> store().put(id, BlobContent.of(new ByteArrayInputStream(new byte[3]), 3)), name);
            assertThat(store().list(container).collect(Collectors.toList()))
                    .as("listing after the rejected put of '%s'", printable(name)).isEmpty();
        } else {
            store().put(id, utf8("x"));
            assertThat(readUtf8(id)).isEqualTo("x");
            store().delete(id);
            assertThat(store().stat(id)).isEmpty();
        }
    }

    private void assertInvalidRequest(ThrowingCallable call, String offendingName) {
        assertThatThrownBy(call).as("operation on invalid name '%s'", printable(offendingName))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.site()).isEqualTo(cloud().site());
                    assertThat(e.retryable()).isFalse();
                    assertMessageNames(e.getMessage(), offendingName);
                });
    }

    /**
     * The message names the offending name. A name with control characters may be shown escaped, so then
     * every printable run of it must appear instead.
     */
    private static void assertMessageNames(String message, String name) {
        if (name.chars().noneMatch(Character::isISOControl)) {
            assertThat(message).as("message names the offending name").contains(name);
        } else {
            for (String piece : name.split("\\p{Cntrl}+")) {
                if (!piece.isEmpty()) {
                    assertThat(message).as("message names the offending name '%s'", printable(name)).contains(piece);
                }
            }
        }
    }

    private static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.length() > 80 ? sb.substring(0, 40) + "..." + sb.substring(sb.length() - 20)
                + " (" + name.length() + " chars)" : sb.toString();
    }

    private void assertNotFound(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.site()).as("site of the NotFoundException").isEqualTo(cloud().site());
            assertThat(e.retryable()).isFalse();
            assertThat(e.operation()).isNotBlank();
        });
    }

    private void assertConflict(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ConflictException.class, e -> {
            assertThat(e.site()).isEqualTo(cloud().site());
            assertThat(e.retryable()).isFalse();
        });
    }

    private static void assertInfo(BlobInfo info, BlobId id, byte[] content, Instant before) {
        assertThat(info.id()).isEqualTo(id);
        assertThat(info.size()).as("size").isEqualTo(content.length);
        assertThat(info.etag()).as("ETag").isNotBlank();
        info.contentMd5().ifPresent(md5 -> assertThat(md5).as("contentMd5").isEqualTo(md5Hex(content)));
        assertCloseToNow(info.lastModified(), before);
    }

    private static void assertCloseToNow(Instant lastModified, Instant reference) {
        assertThat(lastModified).as("lastModified")
                .isBetween(reference.minus(CLOCK_TOLERANCE), Instant.now().plus(CLOCK_TOLERANCE));
    }

    /** Puts a small directory-like tree used by the listing tests. */
    private void putTree() {
        for (String name : List.of("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg",
                "docs/readme.md", "docs/guide/intro.md", "photosynthesis.txt", "root.txt")) {
            store().put(BlobId.of(container, name), utf8(name));
        }
    }

    private static List<String> names(List<BlobEntry> entries) {
        return entries.stream().map(BlobEntry::name).collect(Collectors.toList());
    }

    /** {@code "prefix docs/"} or {@code "item root.txt"}: entries as comparable strings. */
    private static List<String> describe(List<BlobEntry> entries) {
        return entries.stream()
                .map(e -> (e instanceof BlobEntry.CommonPrefix ? "prefix " : "item ") + e.name())
                .collect(Collectors.toList());
    }

    private byte[] readBytes(BlobId id) {
        try (Blob blob = store().get(id).orElseThrow(() -> new AssertionError("no blob " + id))) {
            return blob.readAllBytes();
        }
    }

    private String readUtf8(BlobId id) {
        return new String(readBytes(id), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] expectedContent(int thread, int index) {
        return randomBytes(1000L * thread + index, 100 + 37 * index + thread);
    }

    private static String md5Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Puts every blob using {@value #THREADS} threads; fails on the first error. */
    private void putAllConcurrently(Map<BlobId, byte[]> blobs) {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, daemonThreads("tck-put"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            blobs.forEach((id, bytes) -> futures.add(pool.submit(() -> store().put(id, bytes))));
            long deadline = System.nanoTime() + CONCURRENT_TIMEOUT.toNanos();
            for (Future<?> f : futures) {
                await(f, deadline);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Runs {@code threads} tasks at once (released together by a latch) and returns each one's outcome,
     * in task order.
     */
    private static <T> List<Outcome<T>> race(int threads, IntFunction<Callable<T>> task) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads("tck-race"));
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> callable = task.apply(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    try {
                        return new Outcome<>(callable.call(), null);
                    } catch (Exception | AssertionError e) {
                        return new Outcome<T>(null, e);
                    }
                }));
            }
            try {
                if (!ready.await(CONCURRENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    fail("racing threads did not start");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            go.countDown();
            long deadline = System.nanoTime() + CONCURRENT_TIMEOUT.toNanos();
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<Outcome<T>> f : futures) {
                outcomes.add(await(f, deadline));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T await(Future<T> future, long deadlineNanos) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new AssertionError("concurrent operations did not finish within " + CONCURRENT_TIMEOUT, e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** What one racing task returned or threw. */
    private record Outcome<T>(T value, Throwable error) {
    }

    /**
     * A deterministic pseudo-random stream of a given length (xorshift64*), computing the SHA-256 of what it
     * produces, so a large blob never exists in memory.
     */
    private static final class PseudoRandomStream extends InputStream {
        private final long length;
        private final MessageDigest digest = sha256();
        private long state;
        private long produced;
        private long word;
        private int bytesLeftInWord;

        PseudoRandomStream(long seed, long length) {
            this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
            this.length = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (produced >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - produced);
            for (int i = 0; i < n; i++) {
                if (bytesLeftInWord == 0) {
                    state ^= state >>> 12;
                    state ^= state << 25;
                    state ^= state >>> 27;
                    word = state * 0x2545F4914F6CDD1DL;
                    bytesLeftInWord = 8;
                }
                b[off + i] = (byte) word;
                word >>>= 8;
                bytesLeftInWord--;
            }
            digest.update(b, off, n);
            produced += n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, length - produced);
        }

        /** How many bytes were read so far. */
        long produced() {
            return produced;
        }

        /** The SHA-256 of every byte produced so far. */
        byte[] digest() {
            try {
                return ((MessageDigest) digest.clone()).digest();
            } catch (CloneNotSupportedException e) {
                throw new UncheckedIOException(new IOException("SHA-256 digest not cloneable", e));
            }
        }
    }
}
