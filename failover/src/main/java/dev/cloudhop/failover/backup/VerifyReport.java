package dev.cloudhop.failover.backup;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Backup#verify()} found.
 *
 * @param chunksChecked  chunks re-read and hashed
 * @param bytesChecked   their bytes
 * @param entriesChecked history entries checked for a chunk
 * @param problems       every corrupt or missing chunk, with the versions it affects; empty when all is well
 */
public record VerifyReport(long chunksChecked, long bytesChecked, long entriesChecked, List<Problem> problems) {

    /** What is wrong with a chunk. */
    public enum Kind {
        /** Its content does not hash to its name. */
        CORRUPT,
        /** A history entry needs it and it is not at the backup site. */
        MISSING
    }

    /**
     * One bad chunk.
     *
     * @param hash     the chunk's name (the SHA-256 its content should have)
     * @param kind     corrupt or missing
     * @param affected the versions ({@code container/key@instant}) that need it
     */
    public record Problem(String hash, Kind kind, List<String> affected) {
        /** Validates and copies. */
        public Problem {
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(kind, "kind");
            affected = List.copyOf(affected);
        }
    }

    /** Copies. */
    public VerifyReport {
        problems = List.copyOf(problems);
    }

    /** Whether every chunk is intact and every entry restorable. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
