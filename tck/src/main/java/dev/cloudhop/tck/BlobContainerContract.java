package dev.cloudhop.tck;

import static dev.cloudhop.tck.BlobContractSupport.names;
import static dev.cloudhop.tck.BlobContractSupport.utf8;
import static dev.cloudhop.tck.CloudContract.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.ListOptions;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Containers: create and delete are idempotent, existence and listing agree, deleting a container deletes
 * its blobs, and every operation on a missing container throws {@link dev.cloudhop.api.NotFoundException}.
 */
interface BlobContainerContract extends BlobContractGroup {

    @Test
    @DisplayName("createContainer returns true for a new name, then false: it is idempotent")
    default void createContainerIsIdempotent() {
        String name = uniqueName("tck");
        try {
            assertThat(store().createContainer(name)).as("first create").isTrue();
            assertThat(store().createContainer(name)).as("second create").isFalse();
            assertThat(store().containerExists(name)).isTrue();
            assertThat(store().createContainer(container())).as("create of the test's existing container").isFalse();
        } finally {
            store().deleteContainer(name);
        }
    }

    @Test
    @DisplayName("an existing container exists and is listed; an unknown one is neither")
    default void containerExistsAndIsListed() {
        String unknown = uniqueName("tck");
        assertThat(store().containerExists(container())).isTrue();
        assertThat(store().containerExists(unknown)).isFalse();
        List<String> names = store().listContainers().collect(Collectors.toList());
        assertThat(names).contains(container()).doesNotContain(unknown);
    }

    @Test
    @DisplayName("deleteContainer returns true, then false; the container is gone and no longer listed")
    default void deleteContainerIsIdempotent() {
        String name = uniqueName("tck");
        assertThat(store().createContainer(name)).isTrue();
        assertThat(store().deleteContainer(name)).as("first delete").isTrue();
        assertThat(store().deleteContainer(name)).as("second delete").isFalse();
        assertThat(store().containerExists(name)).isFalse();
        assertThat(store().listContainers().collect(Collectors.toList())).doesNotContain(name);
    }

    @Test
    @DisplayName("deleting a non-empty container deletes its blobs with it")
    default void deleteContainerDeletesItsBlobs() {
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
    @DisplayName("get and stat in a missing container throw NotFoundException")
    default void readsInMissingContainerThrowNotFound() {
        BlobId id = BlobId.of(uniqueName("tck"), "x.txt");
        assertNotFound(() -> store().stat(id));
        assertNotFound(() -> store().get(id).ifPresent(Blob::close));
    }

    @Test
    @DisplayName("put into a missing container throws NotFoundException and creates nothing")
    default void putInMissingContainerThrowsNotFound() {
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
    default void listMissingContainerThrowsNotFound() {
        String missing = uniqueName("tck");
        assertNotFound(() -> store().listPage(missing, ListOptions.ALL, Optional.empty()));
        assertNotFound(() -> store().list(missing).count());
        assertNotFound(() -> store().list(missing, ListOptions.prefix("a/").withDelimiter("/")).count());
    }

    @Test
    @DisplayName("deleting a blob of a missing container throws NotFoundException")
    default void deleteInMissingContainerThrowsNotFound() {
        assertNotFound(() -> store().delete(BlobId.of(uniqueName("tck"), "x.txt")));
    }
}
