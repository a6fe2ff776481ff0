package dev.cloudhop.samples.fleet;

import java.util.List;
import java.util.Objects;

/**
 * What the {@link FleetChecker} found in one run.
 *
 * @param violations     every broken invariant, empty when the run passed
 * @param writesAcked    acknowledged writes in all ack logs
 * @param uncertainAcks  of those, writes whose epoch or site changed while in flight (not used by rule 1)
 * @param faultsInjected faults the harness injected
 * @param failovers      runbooks that completed, over all instances
 * @param finalSite      the site checked for lost writes (that of the latest certain acknowledgement), or null
 * @param switchGapsMillis per epoch change, how long the fleet acknowledged no write: from the last certain
 *                       acknowledgement before the first one at the newer epoch to that first one
 * @param runbookMillis  per completed runbook, from its {@code FailoverStarted} to its {@code FailoverCompleted}
 */
public record FleetReport(List<Violation> violations, long writesAcked, long uncertainAcks, int faultsInjected,
                          long failovers, String finalSite, List<Long> switchGapsMillis, List<Long> runbookMillis) {

    /** Copies. */
    public FleetReport {
        violations = List.copyOf(violations);
        switchGapsMillis = List.copyOf(switchGapsMillis);
        runbookMillis = List.copyOf(runbookMillis);
    }

    /** The invariants the checker enforces. */
    public enum Rule {
        /** Rule 1a: two sites acknowledged writes at one epoch. */
        EPOCH_WITH_TWO_SITES,
        /** Rule 1b: a site acknowledged writes of an older epoch after another site acknowledged a newer one. */
        OVERLAPPING_EPOCHS,
        /** Rule 2: an acknowledged write is missing (or older) at the final site. */
        LOST_WRITE,
        /** Rule 3: more than one provisioning in one epoch. */
        DOUBLE_PROVISIONING,
        /** Rule 3: more than one DNS switch in one epoch. */
        DOUBLE_DNS_SWITCH,
        /** Rule 3: more than one runbook redirected clients to one epoch (two failover decisions). */
        DOUBLE_REDIRECT
    }

    /** One broken invariant. */
    public record Violation(Rule rule, String detail) {
        /** Validates. */
        public Violation {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return rule + ": " + detail;
        }
    }

    /** Whether no invariant was broken. */
    public boolean passed() {
        return violations.isEmpty();
    }

    /** Whether some violation breaks {@code rule}. */
    public boolean violates(Rule rule) {
        return violations.stream().anyMatch(v -> v.rule() == rule);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format("%d writes acked (%d uncertain), %d faults, %d failovers, final site %s: %s",
                writesAcked, uncertainAcks, faultsInjected, failovers, finalSite, passed() ? "PASS" : violations.size() + " violation(s)"));
        violations.forEach(v -> s.append("\n  ").append(v));
        return s.toString();
    }
}
