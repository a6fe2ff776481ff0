package dev.cloudhop.tck;

import static dev.cloudhop.tck.BlobContractSupport.utf8;
import static dev.cloudhop.tck.Concurrently.THREADS;
import static dev.cloudhop.tck.Concurrently.race;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.UnsupportedCapabilityException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.tck.Concurrently.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Conditional writes ({@code ifMatch}/{@code ifNoneMatch}), which fencing and leases rely on: each test
 * but the last needs {@link dev.cloudhop.api.Capability#BLOB_CONDITIONAL_WRITE}; the last checks that a
 * provider without it refuses a conditional put.
 */
interface BlobConditionalWriteContract extends BlobContractGroup {

    @Test
    @DisplayName("ifNoneMatch writes a new name, then fails with ConflictException leaving the first content")
    default void ifNoneMatchCreatesOnlyOnce() {
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        BlobId id = BlobId.of(container(), "lease");
        PutOptions createOnly = PutOptions.DEFAULT.withIfNoneMatch();

        BlobInfo first = store().put(id, BlobContent.ofUtf8("owner-1"), createOnly);

        assertThat(first.etag()).isNotBlank();
        assertConflict(() -> store().put(id, BlobContent.ofUtf8("owner-2"), createOnly));
        assertThat(readUtf8(id)).isEqualTo("owner-1");
        assertThat(store().stat(id).orElseThrow().etag()).isEqualTo(first.etag());
    }

    @Test
    @DisplayName("ifMatch with the current ETag writes and returns a new ETag")
    default void ifMatchWithCurrentEtagWrites() {
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        BlobId id = BlobId.of(container(), "counter");
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
    default void ifMatchWithStaleEtagConflicts() {
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        BlobId id = BlobId.of(container(), "counter");
        BlobInfo v1 = store().put(id, utf8("1"));
        BlobInfo v2 = store().put(id, utf8("2"));

        assertConflict(() -> store().put(id, BlobContent.ofUtf8("3"), PutOptions.DEFAULT.withIfMatch(v1.etag())));

        assertThat(readUtf8(id)).isEqualTo("2");
        assertThat(store().stat(id).orElseThrow().etag()).isEqualTo(v2.etag());
    }

    @Test
    @DisplayName("ifMatch on a missing blob fails with ConflictException (precondition failed) and writes nothing")
    default void ifMatchOnMissingBlobConflicts() {
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        BlobId id = BlobId.of(container(), "missing");
        BlobId other = BlobId.of(container(), "other");
        String someEtag = store().put(other, utf8("x")).etag();

        assertConflict(() -> store().put(id, BlobContent.ofUtf8("y"), PutOptions.DEFAULT.withIfMatch(someEtag)));

        assertThat(store().stat(id)).isEmpty();
    }

    @Test
    @DisplayName("8 threads racing ifNoneMatch on one name: exactly one wins, the others get ConflictException")
    default void racingIfNoneMatchHasExactlyOneWinner() {
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        BlobId id = BlobId.of(container(), "race");

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
    default void conditionalPutMatchesTheDeclaredCapability() {
        BlobId id = BlobId.of(container(), "cond");
        if (cloud().supports(Capability.BLOB_CONDITIONAL_WRITE)) {
            assertThat(store().put(id, BlobContent.ofUtf8("x"), PutOptions.DEFAULT.withIfNoneMatch()).size()).isEqualTo(1);
            assertThat(store().stat(id)).isPresent();
        } else {
            assertThatThrownBy(() -> store().put(id, BlobContent.ofUtf8("x"), PutOptions.DEFAULT.withIfNoneMatch()))
                    .isInstanceOf(UnsupportedCapabilityException.class);
            assertThat(store().stat(id)).isEmpty();
        }
    }
}
