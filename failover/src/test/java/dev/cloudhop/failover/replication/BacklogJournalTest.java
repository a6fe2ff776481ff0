package dev.cloudhop.failover.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.blob.BlobId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's file on its own: replay rules, torn records, compaction and the directory lock. */
class BacklogJournalTest {

    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void replayGivesTheNewestWriteOwedByEverySiteButItsSourceUntilCopied() {
        BlobId a = BlobId.of("orders", "a");
        BlobId b = BlobId.of("orders", "b with spaces/and ünïcode");
        try (BacklogJournal j = BacklogJournal.open(dir, true)) {
            long a1 = j.written("azure", a, false, T0, List.of("aws", "onprem"));
            j.written("azure", b, false, T0.plusSeconds(1), List.of("aws", "onprem"));
            j.copied("aws", a, a1);
            // a newer write of b at aws: aws holds the newest state, azure now owes it too
            long b2 = j.written("aws", b, true, T0.plusSeconds(2), List.of("azure", "onprem"));
            j.force(j.position());
            j.copied("onprem", b, b2 - 1); // a copy of the older write does not clear the newer one
        }
        try (BacklogJournal j = BacklogJournal.open(dir, true)) {
            assertThat(j.recovered()).extracting(o -> o.target() + " " + o.id().name() + " from " + o.source()
                            + (o.delete() ? " delete" : " put"))
                    .containsExactlyInAnyOrder("onprem a from azure put", "onprem b with spaces/and ünïcode from aws delete",
                            "azure b with spaces/and ünïcode from aws delete");
            // the lag counts from the oldest unreplicated write of b at onprem
            assertThat(j.recovered()).filteredOn(o -> o.target().equals("onprem") && o.id().equals(b))
                    .extracting(BacklogJournal.Owed::ackedAt).containsExactly(T0.plusSeconds(1));
            assertThat(j.nextSeq()).isEqualTo(4);
        }
    }

    @Test
    void pendingReadsTheJournalOfARunningInstanceWithoutItsLockOrChangingIt() throws IOException {
        assertThat(BacklogJournal.pending(dir)).isEmpty();
        BlobId a = BlobId.of("orders", "a");
        BlobId b = BlobId.of("orders", "b");
        try (BacklogJournal j = BacklogJournal.open(dir, false)) {
            long a1 = j.written("azure", a, false, T0, List.of("aws", "onprem"));
            j.written("azure", b, false, T0.plusSeconds(1), List.of("aws"));
            j.copied("aws", a, a1);
            j.force(j.position());
            Path file = dir.resolve(BacklogJournal.FILE);
            long size = Files.size(file);
            // the journal stays open (locked) by its instance: a tool reads it all the same
            assertThat(BacklogJournal.pending(dir)).extracting(o -> o.target() + " " + o.id().name())
                    .containsExactlyInAnyOrder("onprem a", "aws b");
            assertThat(Files.size(file)).isEqualTo(size);
        }
    }

    @Test
    void aRecordTornByACrashIsCutOffAndTheRestIsKept() throws IOException {
        BlobId a = BlobId.of("orders", "a");
        try (BacklogJournal j = BacklogJournal.open(dir, false)) {
            j.written("azure", a, false, T0, List.of("aws"));
        }
        Path file = dir.resolve(BacklogJournal.FILE);
        long good = Files.size(file);
        // half a record: a length, a checksum and a few bytes of payload, as a SIGKILL mid-write leaves it
        Files.write(file, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 1, 0, 0}, StandardOpenOption.APPEND);
        try (BacklogJournal j = BacklogJournal.open(dir, false)) {
            assertThat(j.recovered()).extracting(o -> o.id().name()).containsExactly("a");
            assertThat(Files.size(file)).isEqualTo(good);
            j.written("azure", BlobId.of("orders", "b"), false, T0, List.of("aws"));
        }
        try (BacklogJournal j = BacklogJournal.open(dir, false)) {
            assertThat(j.recovered()).extracting(o -> o.id().name()).containsExactly("a", "b");
        }
    }

    @Test
    void compactionKeepsExactlyWhatIsPending() {
        List<BacklogJournal.Owed> pending = new ArrayList<>();
        try (BacklogJournal j = BacklogJournal.open(dir, false)) {
            for (int i = 0; i < 12_000; i++) {
                BlobId id = BlobId.of("c", "k" + i);
                long s = j.written("azure", id, false, T0, List.of("aws"));
                if (i % 1000 == 0) {
                    pending.add(new BacklogJournal.Owed("aws", id, "azure", false, T0, s));
                } else {
                    j.copied("aws", id, s);
                }
            }
            assertThat(j.wantsCompaction(pending.size())).isTrue();
            long before = j.position();
            j.compact(pending);
            assertThat(j.position()).isLessThan(before / 100);
            assertThat(j.wantsCompaction(pending.size())).isFalse();
            j.written("azure", BlobId.of("c", "after"), false, T0, List.of("aws"));
        }
        try (BacklogJournal j = BacklogJournal.open(dir, false)) {
            assertThat(j.recovered()).hasSize(13);
            assertThat(j.recovered()).extracting(o -> o.id().name()).contains("k0", "k11000", "after");
            assertThat(j.nextSeq()).isGreaterThan(12_000);
        }
    }

    @Test
    void oneInstanceAtATimeHoldsADirectory() {
        try (BacklogJournal j = BacklogJournal.open(dir, false)) {
            assertThatThrownBy(() -> BacklogJournal.open(dir, false)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("replication.journal.directory").hasMessageContaining("in use");
        }
        BacklogJournal.open(dir, false).close(); // released on close
    }

    @Test
    void aFileThatIsNotAJournalIsRefusedWithItsName() throws IOException {
        Files.writeString(dir.resolve(BacklogJournal.FILE), "hello, not a journal");
        assertThatThrownBy(() -> BacklogJournal.open(dir, false)).hasMessageContaining(BacklogJournal.FILE)
                .hasMessageContaining("not a Cloudhop replication journal");
    }
}
