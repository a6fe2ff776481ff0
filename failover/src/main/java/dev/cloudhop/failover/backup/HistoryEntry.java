package dev.cloudhop.failover.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One acknowledged change of a backed-up container, as the backup's history keeps it (append-only, one JSON line).
 *
 * @param at           when the site acknowledged the change (the facade's clock, before the call returned)
 * @param container    the container
 * @param key          the blob name; empty for {@link Op#DELETE_CONTAINER}
 * @param op           what happened
 * @param hash         for {@link Op#PUT}: the lower-case hex SHA-256 of the content, naming its chunk; else empty
 * @param md5          for {@link Op#PUT}: the lower-case hex MD5 of the content (compared with a site's stored MD5
 *                     when a restore looks for blobs that already match); else empty
 * @param size         the content's length; 0 unless {@link Op#PUT}
 * @param contentType  the stored MIME type; empty unless {@link Op#PUT}
 * @param userMetadata the user metadata written with the blob; empty unless {@link Op#PUT}
 * @param writer       the spool that recorded it (one per facade instance)
 * @param sequence     its number in that spool; with {@code writer} it names the change
 */
public record HistoryEntry(Instant at, String container, String key, Op op, Optional<String> hash, Optional<String> md5,
                           long size, String contentType, Map<String, String> userMetadata, String writer, long sequence) {

    /** The kinds of change. */
    public enum Op {
        /** A blob was written. */
        PUT,
        /** A blob was deleted. */
        DELETE,
        /** The container and every blob in it were deleted. */
        DELETE_CONTAINER
    }

    /** History order: by acknowledgement time, then writer and sequence (one writer's changes stay in its order). */
    public static final Comparator<HistoryEntry> ORDER = Comparator.comparing(HistoryEntry::at)
            .thenComparing(HistoryEntry::writer).thenComparingLong(HistoryEntry::sequence);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates and copies. */
    public HistoryEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(md5, "md5");
        Objects.requireNonNull(contentType, "contentType");
        userMetadata = Map.copyOf(userMetadata);
        Objects.requireNonNull(writer, "writer");
        if (op == Op.PUT && hash.isEmpty()) {
            throw new IllegalArgumentException("a put needs the hash of its content");
        }
    }

    /** {@code container/key@at}: how reports name a version. */
    public String version() {
        return container + "/" + key + "@" + at;
    }

    /** Whether this version's stored content, type and metadata are those of a blob with these properties. */
    boolean sameMetadata(String otherType, Map<String, String> otherMetadata) {
        return contentType.equals(otherType) && lowerKeys(userMetadata).equals(lowerKeys(otherMetadata));
    }

    private static Map<String, String> lowerKeys(Map<String, String> m) {
        Map<String, String> lower = new LinkedHashMap<>();
        m.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return lower;
    }

    /** One JSON line, without newline. */
    String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("at", at.toEpochMilli()).put("container", container).put("key", key).put("op", op.name());
        hash.ifPresent(h -> n.put("sha256", h));
        md5.ifPresent(h -> n.put("md5", h));
        n.put("size", size).put("type", contentType);
        ObjectNode meta = n.putObject("meta");
        userMetadata.forEach(meta::put);
        n.put("writer", writer).put("seq", sequence);
        return n.toString();
    }

    /** Parses {@link #toJson()}. */
    static HistoryEntry fromJson(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            Map<String, String> meta = new LinkedHashMap<>();
            n.path("meta").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
            return new HistoryEntry(Instant.ofEpochMilli(n.get("at").asLong()), n.get("container").asText(),
                    n.get("key").asText(), Op.valueOf(n.get("op").asText()), text(n, "sha256"), text(n, "md5"),
                    n.path("size").asLong(), n.path("type").asText(), meta, n.get("writer").asText(), n.get("seq").asLong());
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a history entry: " + line, e);
        }
    }

    private static Optional<String> text(JsonNode n, String field) {
        return n.hasNonNull(field) ? Optional.of(n.get(field).asText()) : Optional.empty();
    }
}
