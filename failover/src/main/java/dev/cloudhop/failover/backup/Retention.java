package dev.cloudhop.failover.backup;

import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.failover.backup.BackupStore.Segment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Prunes what no restore point inside the retention window needs, safely against a concurrent backup:
 * <ol>
 *   <li>per container, the segments whose every entry is at or before the cutoff are replaced by one base segment
 *       holding the state at the cutoff (written before the old ones are deleted, so a crash in between leaves
 *       duplicates, which reading removes, never a gap);</li>
 *   <li>mark and sweep of chunks: a chunk is deleted only if no remaining segment references it <em>and</em> it is
 *       older than the chunk grace. An upload writes a chunk before the segment that references it, and refreshes a
 *       reused chunk older than half the grace (see {@link Uploader}), so a chunk referenced by a segment written
 *       during the sweep is young and kept.</li>
 * </ol>
 */
final class Retention {

    private final BackupStore store;
    private final Duration retention;
    private final Duration grace;
    private final Clock clock;
    private final Clock wallClock = Clock.systemUTC();

    Retention(BackupStore store, Duration retention, Duration grace, Clock clock) {
        this.store = store;
        this.retention = retention;
        this.grace = grace;
        this.clock = clock;
    }

    /** The oldest instant a restore may ask for now. */
    Instant cutoff() {
        return clock.instant().minus(retention);
    }

    /**
     * The entries of folded segments that restore points from the cutoff on need: each blob's last change, and the
     * last deletion of the container. A deletion is kept only when a segment that stays holds an older entry, which
     * it must still cancel; otherwise a deleted blob simply has no entry.
     */
    private static List<HistoryEntry> base(List<HistoryEntry> entries, Instant keptFirst) {
        Map<String, HistoryEntry> last = new TreeMap<>();
        HistoryEntry drop = null;
        for (HistoryEntry e : entries) {
            if (e.op() == HistoryEntry.Op.DELETE_CONTAINER) {
                last.clear();
                drop = e;
            } else {
                last.put(e.key(), e);
            }
        }
        List<HistoryEntry> base = new ArrayList<>();
        if (drop != null && drop.at().isAfter(keptFirst)) {
            base.add(drop);
        }
        last.values().stream().filter(e -> e.op() == HistoryEntry.Op.PUT || e.at().isAfter(keptFirst)).forEach(base::add);
        return base;
    }

    synchronized PruneReport prune() {
        Instant cutoff = cutoff();
        int segmentsRemoved = 0;
        int dropped = 0;
        for (String container : store.containers()) {
            List<Segment> all = store.segments(container);
            List<Segment> old = all.stream().filter(s -> !s.last().isAfter(cutoff)).toList();
            if (old.size() <= 1 && old.stream().allMatch(s -> s.name().contains("-base-"))) {
                continue; // nothing to fold
            }
            Instant keptFirst = all.stream().filter(s -> s.last().isAfter(cutoff)).map(Segment::first)
                    .min(Instant::compareTo).orElse(Instant.MAX);
            List<HistoryEntry> entries = store.entries(old);
            List<HistoryEntry> state = base(entries, keptFirst);
            if (!state.isEmpty()) {
                store.appendSegment(container, state, "base-" + cutoff.toEpochMilli());
            }
            String base = "-base-" + cutoff.toEpochMilli();
            for (Segment s : old) {
                if (!s.name().endsWith(base)) {
                    store.deleteSegment(s);
                    segmentsRemoved++;
                }
            }
            dropped += entries.size() - state.size();
        }
        Set<String> referenced = new HashSet<>();
        for (String container : store.containers()) {
            store.history(container).forEach(e -> e.hash().ifPresent(referenced::add));
        }
        Instant youngest = wallClock.instant().minus(grace);
        int chunks = 0;
        long bytes = 0;
        for (BlobEntry.Item chunk : store.chunks().toList()) {
            if (!referenced.contains(BackupStore.hashOf(chunk)) && chunk.lastModified().isBefore(youngest)) {
                store.deleteChunk(BackupStore.hashOf(chunk));
                chunks++;
                bytes += chunk.size();
            }
        }
        return new PruneReport(cutoff, segmentsRemoved, dropped, chunks, bytes);
    }
}
