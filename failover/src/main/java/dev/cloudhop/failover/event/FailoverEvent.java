package dev.cloudhop.failover.event;

import dev.cloudhop.failover.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Everything the facade does or sees, as typed events: subscribe with {@link EventStream#subscribe}. */
public sealed interface FailoverEvent {

    /** When it happened, by the facade's clock. */
    Instant at();

    /** Health of a service of a site changed. */
    record SiteHealthChanged(Instant at, String site, Service service, boolean up, String reason) implements FailoverEvent {
    }

    /** A failover (or failback) began. */
    record FailoverStarted(Instant at, String from, String to, String reason) implements FailoverEvent {
    }

    /** One step of a runbook finished. */
    record RunbookStepCompleted(Instant at, String step, Duration took, boolean ok, String detail) implements FailoverEvent {
    }

    /** Clients now go to another site. */
    record ActiveSiteChanged(Instant at, String from, String to, long epoch) implements FailoverEvent {
    }

    /** A failover finished (successfully or not). */
    record FailoverCompleted(Instant at, String from, String to, boolean ok, Duration took) implements FailoverEvent {
    }

    /** A queue send that could not reach its site was captured locally. */
    record MessageCaptured(Instant at, String site, String queue, String dedupKey) implements FailoverEvent {
    }

    /** Captured or stranded messages were delivered to the active site. */
    record MessagesReplayed(Instant at, String queue, int count, String toSite, String source) implements FailoverEvent {
    }

    /** A fault was switched on or off in the switchboard. */
    record FaultChanged(Instant at, String site, Service service, String fault, boolean on) implements FailoverEvent {
    }

    /**
     * Replication gave up on a write for a target site (the target rejects it for a reason retrying cannot
     * heal, e.g. a name its provider does not accept): the write exists at {@code source} only.
     */
    record ReplicationDropped(Instant at, String source, String target, String blob, String reason) implements FailoverEvent {
    }

    /**
     * A synchronous write was acknowledged with fewer replicas than {@code replication.min-replicas}
     * ({@code on-insufficient-replicas = degrade}): it is at {@code source} and waits in the replication backlog of
     * each {@code missing} site, where the lag (the RPO) counts it.
     *
     * @param source  the site that took the write
     * @param missing the replicas that did not take it
     * @param blob    the blob ({@code container/name})
     * @param reason  each missing site and why it did not take the write
     */
    record ReplicationDegraded(Instant at, String source, List<String> missing, String blob, String reason)
            implements FailoverEvent {
        /** Copies. */
        public ReplicationDegraded {
            missing = List.copyOf(missing);
        }
    }

    /** A write of a fenced (stale) primary was refused. */
    record WriteFenced(Instant at, String site, long epoch, long siteEpoch) implements FailoverEvent {
    }

    /**
     * This instance followed a decision of the fleet: another instance moved the register to {@code site} at
     * {@code epoch} ({@code by} says how this instance learnt it: a lost compare-and-set, a register change, a fence).
     */
    record FleetDecisionAdopted(Instant at, long epoch, String site, String by) implements FailoverEvent {
    }

    /**
     * A reconciliation compared {@code target} with {@code source} (the active site): {@code diverged} blobs differed
     * (missing, extra or with other content), {@code repaired} repairs were scheduled and {@code stillPending} writes
     * were still owed to the target when it returned.
     */
    record Reconciled(Instant at, String source, String target, long compared, long diverged, long repaired,
                      int stillPending) implements FailoverEvent {
    }
}
