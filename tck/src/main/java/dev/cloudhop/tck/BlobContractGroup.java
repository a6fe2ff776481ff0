package dev.cloudhop.tck;

import static dev.cloudhop.tck.BlobContractSupport.assertMessageNames;
import static dev.cloudhop.tck.BlobContractSupport.printable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * What every group of {@link BlobStoreContract} tests works with: the site, the store and the per-test
 * container of the suite, and the assertions that need them. {@link BlobStoreContract} implements it; the
 * groups ({@link BlobCrudContract}, {@link BlobListingContract}, ...) extend it with their tests as default
 * methods, so that a provider's one {@code BlobStoreContract} subclass runs, and reports, all of them.
 */
interface BlobContractGroup {

    /** The site under test. */
    Cloud cloud();

    /** The blob store under test. */
    BlobStore store();

    /** The container the suite created for the current test. */
    String container();

    /** Skips the calling test unless the provider declares {@code capability}. */
    void requireCapability(Capability capability);

    /** Asserts that {@code call} is refused with an {@link InvalidRequestException} naming the offending name. */
    default void assertInvalidRequest(ThrowingCallable call, String offendingName) {
        assertThatThrownBy(call).as("operation on invalid name '%s'", printable(offendingName))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.site()).isEqualTo(cloud().site());
                    assertThat(e.retryable()).isFalse();
                    assertMessageNames(e.getMessage(), offendingName);
                });
    }

    /** Asserts that {@code call} throws a {@link NotFoundException} of this site, not retryable. */
    default void assertNotFound(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.site()).as("site of the NotFoundException").isEqualTo(cloud().site());
            assertThat(e.retryable()).isFalse();
            assertThat(e.operation()).isNotBlank();
        });
    }

    /** Asserts that {@code call} throws a {@link ConflictException} of this site, not retryable. */
    default void assertConflict(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ConflictException.class, e -> {
            assertThat(e.site()).isEqualTo(cloud().site());
            assertThat(e.retryable()).isFalse();
        });
    }

    /** The content of blob {@code id}, which must exist. */
    default byte[] readBytes(BlobId id) {
        try (Blob blob = store().get(id).orElseThrow(() -> new AssertionError("no blob " + id))) {
            return blob.readAllBytes();
        }
    }

    /** The content of blob {@code id} as UTF-8 text. */
    default String readUtf8(BlobId id) {
        return new String(readBytes(id), StandardCharsets.UTF_8);
    }
}
