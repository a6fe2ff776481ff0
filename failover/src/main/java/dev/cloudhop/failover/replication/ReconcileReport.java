package dev.cloudhop.failover.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one reconciliation compared, found and repaired: per target site, the blobs of the source's containers.
 *
 * @param started when it started
 * @param took    how long it took, waiting for the repairs included
 * @param source  the site taken as the truth (the active site)
 * @param targets one result per other site
 */
public record ReconcileReport(Instant started, Duration took, String source, List<Target> targets) {

    /** Copies. */
    public ReconcileReport {
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(took, "took");
        Objects.requireNonNull(source, "source");
        targets = List.copyOf(targets);
    }

    /**
     * One target's result.
     *
     * @param site        the target
     * @param containers  containers compared
     * @param compared    blobs of the source compared with the target
     * @param missing     blobs at the source the target lacked
     * @param extra       blobs at the target the source does not have (deleted there)
     * @param differing   blobs at both whose size or content hash differ
     * @param skipped     blobs left to replication: a write of them was still pending for the target or the source
     * @param repaired    repairs scheduled (missing + extra + differing); they go through the replication backlog
     * @param stillPending writes still pending for the target when the reconciliation returned (0: all repaired)
     * @param notRun      why the target was not compared (its blob service is down), if it was not
     */
    public record Target(String site, int containers, long compared, long missing, long extra, long differing,
                         long skipped, long repaired, int stillPending, Optional<String> notRun) {

        /** Divergences found: missing + extra + differing. */
        public long diverged() {
            return missing + extra + differing;
        }

        /** One line for logs and reports. */
        public String summary() {
            if (notRun.isPresent()) {
                return site + ": not compared (" + notRun.get() + ")";
            }
            return site + ": " + compared + " blobs in " + containers + " containers compared, " + diverged() + " diverged ("
                    + missing + " missing, " + extra + " extra, " + differing + " differing), " + repaired + " repaired, "
                    + skipped + " left to replication, " + stillPending + " still pending";
        }
    }

    /** Divergences found over all targets. */
    public long diverged() {
        return targets.stream().mapToLong(Target::diverged).sum();
    }

    /** Whether every target was compared and nothing is still pending. */
    public boolean converged() {
        return targets.stream().allMatch(t -> t.notRun().isEmpty() && t.stillPending() == 0);
    }

    /** One line per target, after a header line. */
    public String summary() {
        return "reconciled from " + source + " in " + took.toMillis() + " ms: " + targets.stream().map(Target::summary)
                .collect(Collectors.joining("; "));
    }
}
