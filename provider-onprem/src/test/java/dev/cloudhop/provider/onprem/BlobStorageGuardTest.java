package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.LocalStorageStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage-level guard of the filesystem blob store ({@link AtomicFilesystemStorageStrategy#blobPath}),
 * directly (below the naming rules) and through the store: names that leave their container, symbolic links
 * placed in the directory, segments longer than a file name, and a blob {@code a} beside a blob {@code a/b}.
 */
class BlobStorageGuardTest {

    private Path base;
    private Path outside;
    private Cloud cloud;

    @BeforeEach
    void open() throws Exception {
        base = OnPremTestEnvironment.tempDirectory("blobs");
        outside = OnPremTestEnvironment.tempDirectory("outside");
        Files.writeString(outside.resolve("secret.txt"), "not a blob");
        cloud = OnPremTestEnvironment.open("sites { guard { provider = onprem, region = dc-test, blob.directory = \""
                + base + "\" } }").site("guard");
        store().createContainer("c");
    }

    @AfterEach
    void close() {
        cloud.close();
    }

    private BlobStore store() {
        return cloud.blobs();
    }

    @Test
    void theGuardRefusesNamesThatLeaveTheirContainerWhateverTheNamingRulesSay() {
        try (BlobStoreContext context = OnPremBlobs.filesystemContext(new SiteInfo("guard", "onprem", "dc-test"),
                base.toString(), false)) {
            AtomicFilesystemStorageStrategy strategy = (AtomicFilesystemStorageStrategy) context.utils().injector()
                    .getInstance(LocalStorageStrategy.class);
            assertThat(strategy.blobPath("c", "a/b")).isEqualTo(base.resolve("c/a/b"));
            for (String[] name : new String[][] {{"c", "../d/x"}, {"c", "a/../../x"}, {"c", "../../etc/passwd"},
                    {"c", "/etc/passwd"}, {"c", "."}, {"c", "a/.."}, {"..", "x"}, {"c/..", "x"},
                    {".cloudhop~staging", "x"}, {"c/d", "x"}}) {
                assertThatThrownBy(() -> strategy.blobPath(name[0], name[1])).as("%s/%s", name[0], name[1])
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("blob '" + name[0] + "/" + name[1] + "'");
            }
            String longSegment = "é".repeat(128); // 256 bytes in UTF-8
            assertThatThrownBy(() -> strategy.blobPath("c", "dir/" + longSegment))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("blob 'c/dir/" + longSegment + "'").hasMessageContaining("256 bytes");
        }
    }

    @Test
    void aSymbolicLinkToADirectoryOutsideIsNeverFollowed() throws Exception {
        Files.createSymbolicLink(base.resolve("c/link"), outside);

        assertInvalid(() -> store().put(BlobId.of("c", "link/new.txt"), "x".getBytes(StandardCharsets.UTF_8)),
                "c/link/new.txt");
        assertThat(outside.resolve("new.txt")).doesNotExist();
        assertInvalid(() -> store().get(BlobId.of("c", "link/secret.txt")), "c/link/secret.txt");
        assertInvalid(() -> store().stat(BlobId.of("c", "link/secret.txt")), "c/link/secret.txt");
        assertInvalid(() -> store().delete(BlobId.of("c", "link/secret.txt")), "c/link/secret.txt");
        assertThat(outside.resolve("secret.txt")).hasContent("not a blob");
    }

    @Test
    void aSymbolicLinkToAFileOutsideIsNeitherReadNorReplaced() throws Exception {
        Files.createSymbolicLink(base.resolve("c/alias.txt"), outside.resolve("secret.txt"));

        assertInvalid(() -> store().get(BlobId.of("c", "alias.txt")), "c/alias.txt");
        assertInvalid(() -> store().put(BlobId.of("c", "alias.txt"), new byte[] {1}), "c/alias.txt");
        assertThat(Files.isSymbolicLink(base.resolve("c/alias.txt"))).isTrue();
        assertThat(outside.resolve("secret.txt")).hasContent("not a blob");
    }

    @Test
    void aContainerThatIsASymbolicLinkIsNotFollowed() throws Exception {
        Files.createSymbolicLink(base.resolve("linked"), outside);

        assertInvalid(() -> store().put(BlobId.of("linked", "new.txt"), new byte[] {1}), "linked/new.txt");
        assertInvalid(() -> store().get(BlobId.of("linked", "secret.txt")), "linked/secret.txt");
        assertThat(outside.resolve("new.txt")).doesNotExist();
    }

    @Test
    void aSegmentLongerThanAFileNameIsAnInvalidRequestNamingTheBlob() {
        String name = "dir/" + "x".repeat(256);
        assertInvalid(() -> store().put(BlobId.of("c", name), new byte[] {1}), name);
        assertThat(store().put(BlobId.of("c", "dir/" + "x".repeat(255)), new byte[] {1}).size()).isEqualTo(1);
    }

    @Test
    void aBlobAndABlobBelowItsNameCollideWithoutLosingEither() {
        byte[] file = "a".getBytes(StandardCharsets.UTF_8);
        store().put(BlobId.of("c", "a"), file);
        assertThatThrownBy(() -> store().put(BlobId.of("c", "a/b"), new byte[] {2}))
                .isInstanceOf(ConflictException.class).hasMessageContaining("c/a/b").hasMessageContaining("'a'");
        assertThat(store().get(BlobId.of("c", "a")).orElseThrow().readAllBytes()).isEqualTo(file);
        assertThat(store().stat(BlobId.of("c", "a/b"))).isEmpty();

        byte[] below = "x/y".getBytes(StandardCharsets.UTF_8);
        store().put(BlobId.of("c", "x/y"), below);
        assertThatThrownBy(() -> store().put(BlobId.of("c", "x"), new byte[] {3}))
                .isInstanceOf(ConflictException.class).hasMessageContaining("c/x").hasMessageContaining("'x/...'");
        assertThat(store().get(BlobId.of("c", "x/y")).orElseThrow().readAllBytes()).isEqualTo(below);
        assertThat(store().stat(BlobId.of("c", "x"))).isEmpty();
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String blob) {
        assertThatThrownBy(call).isInstanceOf(InvalidRequestException.class).hasMessageContaining(blob);
    }
}
