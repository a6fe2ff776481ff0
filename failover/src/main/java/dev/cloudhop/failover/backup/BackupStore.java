package dev.cloudhop.failover.backup;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The backup's layout in {@value Backup#CONTAINER} at the backup site, through the site's plain {@link BlobStore}:
 * <ul>
 *   <li>{@code chunks/<sha256>}: one content, stored once however many versions have it;</li>
 *   <li>{@code history/<container>/<first>-<last>-<writer>-<seq>}: a segment of history, the JSON lines of the
 *       {@link HistoryEntry entries} one upload carried ({@code first} and {@code last}: their acknowledgement
 *       times in epoch milliseconds, 13 digits, so that names sort by time). Segments are written once and never
 *       changed; retention replaces old ones by a {@code -base-} segment holding the state at its cutoff.</li>
 * </ul>
 * Thread-safe (the store is).
 */
final class BackupStore {

    private static final String CHUNKS = "chunks/";
    private static final String HISTORY = "history/";

    /** A history segment: its name and the time range of its entries. */
    record Segment(String name, String container, Instant first, Instant last) {
    }

    private final BlobStore store;
    private final String siteId;

    BackupStore(BlobStore store, String siteId) {
        this.store = store;
        this.siteId = siteId;
    }

    /** The backup site's id. */
    String site() {
        return siteId;
    }

    void ensureContainer() {
        store.createContainer(Backup.CONTAINER);
    }

    private static BlobId chunkId(String hash) {
        return BlobId.of(Backup.CONTAINER, CHUNKS + hash);
    }

    /** The stored properties of a chunk, if it exists. */
    Optional<BlobInfo> statChunk(String hash) {
        return store.stat(chunkId(hash));
    }

    /** Stores a chunk from a spooled file. */
    void putChunk(String hash, Path data) {
        store.put(chunkId(hash), BlobContent.of(data));
    }

    /** Opens a chunk for reading. */
    Optional<Blob> chunk(String hash) {
        return store.get(chunkId(hash));
    }

    /** Every chunk: its hash (the name) and its last write. */
    Stream<BlobEntry.Item> chunks() {
        return store.list(Backup.CONTAINER, ListOptions.prefix(CHUNKS)).filter(BlobEntry.Item.class::isInstance)
                .map(BlobEntry.Item.class::cast);
    }

    /** The hash a chunk listing entry names. */
    static String hashOf(BlobEntry.Item chunk) {
        return chunk.name().substring(CHUNKS.length());
    }

    void deleteChunk(String hash) {
        store.delete(chunkId(hash));
    }

    /** Appends a segment of {@code entries} (all of {@code container}); {@code tag} names its writer (or {@code base}). */
    Segment appendSegment(String container, List<HistoryEntry> entries, String tag) {
        Instant first = entries.stream().map(HistoryEntry::at).min(Instant::compareTo).orElseThrow();
        Instant last = entries.stream().map(HistoryEntry::at).max(Instant::compareTo).orElseThrow();
        String name = HISTORY + container + "/" + millis(first) + "-" + millis(last) + "-" + tag;
        StringBuilder text = new StringBuilder();
        entries.forEach(e -> text.append(e.toJson()).append('\n'));
        store.put(BlobId.of(Backup.CONTAINER, name), text.toString().getBytes(StandardCharsets.UTF_8));
        return new Segment(name, container, first, last);
    }

    private static String millis(Instant t) {
        return String.format("%013d", t.toEpochMilli());
    }

    /** The containers that have history. */
    List<String> containers() {
        if (!store.containerExists(Backup.CONTAINER)) {
            return List.of();
        }
        return store.list(Backup.CONTAINER, ListOptions.prefix(HISTORY).withDelimiter("/"))
                .filter(BlobEntry.CommonPrefix.class::isInstance)
                .map(e -> e.name().substring(HISTORY.length(), e.name().length() - 1)).toList();
    }

    /** The segments of {@code container}'s history, in name (time) order. */
    List<Segment> segments(String container) {
        if (!store.containerExists(Backup.CONTAINER)) {
            return List.of();
        }
        String prefix = HISTORY + container + "/";
        return store.list(Backup.CONTAINER, ListOptions.prefix(prefix)).filter(BlobEntry.Item.class::isInstance)
                .map(e -> {
                    String[] parts = e.name().substring(prefix.length()).split("-", 3);
                    return new Segment(e.name(), container, Instant.ofEpochMilli(Long.parseLong(parts[0])),
                            Instant.ofEpochMilli(Long.parseLong(parts[1])));
                })
                .sorted(java.util.Comparator.comparing(Segment::name)).toList();
    }

    /** The entries of some segments, each change once (a re-uploaded change has the same writer and sequence), in history order. */
    List<HistoryEntry> entries(List<Segment> segments) {
        Map<String, HistoryEntry> unique = new LinkedHashMap<>();
        for (Segment s : segments) {
            Optional<Blob> blob = store.get(BlobId.of(Backup.CONTAINER, s.name()));
            if (blob.isEmpty()) {
                continue; // pruned meanwhile
            }
            new String(blob.get().readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                    .map(HistoryEntry::fromJson).forEach(e -> unique.put(e.writer() + "#" + e.sequence(), e));
        }
        List<HistoryEntry> all = new ArrayList<>(unique.values());
        all.sort(HistoryEntry.ORDER);
        return all;
    }

    /** Every entry of {@code container}'s history, in history order. */
    List<HistoryEntry> history(String container) {
        return entries(segments(container));
    }

    void deleteSegment(Segment s) {
        store.delete(BlobId.of(Backup.CONTAINER, s.name()));
    }
}
