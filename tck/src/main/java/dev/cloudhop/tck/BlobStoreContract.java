package dev.cloudhop.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.blob.BlobPage;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.naming.NamingRules;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

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
 * <p>The tests live in one interface per concern, which this class implements, so they all run as tests of
 * the provider's one subclass, against the one site it opens, and report under its name:
 * <ul>
 *   <li>{@code BlobContainerContract}: container lifecycle, and operations on a missing container;</li>
 *   <li>{@code BlobCrudContract}: put, get, stat and delete of single blobs;</li>
 *   <li>{@code BlobMetadataContract}: content type, user metadata, ETags;</li>
 *   <li>{@code BlobStreamingContract}: files, streams, the large blob, partial reads;</li>
 *   <li>{@code BlobListingContract}: paged, prefix and delimiter listings;</li>
 *   <li>{@code BlobNamingContract}: edge-case names and name validation;</li>
 *   <li>{@code BlobConditionalWriteContract}: {@code ifMatch} / {@code ifNoneMatch};</li>
 *   <li>{@code BlobConcurrencyContract}: concurrent writers.</li>
 * </ul>
 * A provider that must disable a test (a known defect of an emulator) keys on its method name, which is
 * unique across the groups.
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
public abstract class BlobStoreContract extends CloudContract implements BlobContainerContract, BlobCrudContract,
        BlobMetadataContract, BlobStreamingContract, BlobListingContract, BlobNamingContract,
        BlobConditionalWriteContract, BlobConcurrencyContract {

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
    @Override
    public final BlobStore store() {
        return cloud().blobs();
    }

    /** The container created for the current test. */
    @Override
    public final String container() {
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
}
