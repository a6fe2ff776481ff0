package dev.cloudhop.failover.backup;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a restore changes at its target: the dry run's answer, and what {@link Backup#restore} carries out.
 *
 * @param container the container restored
 * @param at        the instant restored: the state after every change acknowledged at or before it
 * @param site      the site restored into
 * @param changes   the blobs to write (missing, or different in content, type or metadata) and to delete (absent
 *                  at {@code at}), by name
 * @param unchanged blobs that already match their version at {@code at} (by hash, type and metadata)
 */
public record RestorePlan(String container, Instant at, String site, List<Change> changes, int unchanged) {

    /** What happens to one blob. */
    public enum Action {
        /** Written with its content, type and metadata at the instant. */
        PUT,
        /** Deleted: it did not exist at the instant. */
        DELETE
    }

    /**
     * One blob's change.
     *
     * @param key     the blob name
     * @param action  write or delete
     * @param version for {@link Action#PUT}: the version written; else empty
     */
    public record Change(String key, Action action, Optional<HistoryEntry> version) {
        /** Rejects nulls. */
        public Change {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(version, "version");
        }
    }

    /** Validates and copies. */
    public RestorePlan {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(site, "site");
        changes = List.copyOf(changes);
    }

    /** The bytes the restore writes. */
    public long bytes() {
        return changes.stream().mapToLong(c -> c.version().map(HistoryEntry::size).orElse(0L)).sum();
    }

    /** Whether the target already matches the instant. */
    public boolean empty() {
        return changes.isEmpty();
    }
}
