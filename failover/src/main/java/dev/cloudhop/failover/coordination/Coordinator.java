package dev.cloudhop.failover.coordination;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Who decides for a fleet of application instances: the one place that holds the fleet's epoch register
 * (which site is active at which epoch), who may run a runbook, and how the instances' health views combine.
 * Configured by {@code failover.coordination.kind}:
 * <ul>
 *   <li>{@code single}: one application instance; the register is this instance's own (today's behaviour);</li>
 *   <li>{@code zookeeper}: a versioned znode changed only by compare-and-set, leader election, and each
 *       instance's health view as an ephemeral znode (Apache Curator);</li>
 *   <li>{@code sites}: the register and the runbook owner's lease kept on a majority of the sites' blob stores,
 *       changed only through conditional writes.</li>
 * </ul>
 *
 * <p>Invariant: no two instances ever hold one epoch with two different active sites. When in doubt (the
 * register cannot be read, the session is lost) an implementation says so through {@link #mayAcknowledge()}
 * and {@link #current()}, and the facade refuses or waits; it never guesses. Implementations are thread-safe.
 */
public interface Coordinator extends AutoCloseable {

    /**
     * Joins the fleet: connects, and returns the register's current value; a fleet with no register yet gets
     * {@code initial}.
     *
     * @throws CoordinationException when the register cannot be read or created
     */
    Register join(Register initial);

    /** The newest register value this instance knows (may lag the fleet by a watch or poll interval). */
    Register current();

    /**
     * Whether this instance may acknowledge writes now: it holds its session (ZooKeeper) or has read the
     * register within its lease (sites). A {@code single} coordinator always may.
     */
    boolean mayAcknowledge();

    /**
     * Moves the register from {@code expected} to {@code next} if nobody moved it since; the only way an epoch
     * changes.
     *
     * @return whether this call moved it (false: another instance moved it first; read {@link #current()})
     * @throws CoordinationException when the outcome is unknown (no quorum, session lost)
     */
    boolean compareAndSet(Register expected, Register next);

    /**
     * Whether this instance runs the fleet's runbooks now (the elected leader, or the holder of the runbook
     * lease). Exactly one instance of a healthy fleet answers true.
     */
    boolean isLeader();

    /** Publishes this instance's health view: the sites whose critical services are down as this instance sees them. */
    void publishView(Set<String> sitesDown);

    /**
     * The fleet's view: the sites that the configured share of live instances (default: a majority) sees down.
     * A {@code single} coordinator returns this instance's own view.
     */
    Set<String> fleetDown();

    /**
     * The longest an instance that has not seen the latest {@link #compareAndSet} may still acknowledge writes:
     * how long its {@link #mayAcknowledge()} stays true once it can no longer reach the register. A runbook that
     * raised the epoch redirects writes only after this much time, so the old and the new active site never both
     * acknowledge. {@link java.time.Duration#ZERO} when no other instance exists ({@code single}).
     */
    java.time.Duration staleWriterBound();

    /** Registers a listener called (on an arbitrary thread) whenever the register changes, e.g. another instance's runbook. */
    void onChange(Consumer<Register> listener);

    /** Leaves the fleet (releases leadership, leases and ephemeral state). */
    @Override
    void close();
}
