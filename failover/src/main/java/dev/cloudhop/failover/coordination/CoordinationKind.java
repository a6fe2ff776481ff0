package dev.cloudhop.failover.coordination;

/**
 * Who decides for a fleet of application instances on one configuration ({@code failover.coordination.kind}).
 * See {@link Coordinator}.
 */
public enum CoordinationKind {
    /** One application instance: it decides alone. Not safe for several instances on one configuration. */
    SINGLE,
    /** A ZooKeeper ensemble holds the register, elects the leader and collects the instances' views. */
    ZOOKEEPER,
    /** A majority of the sites' blob stores holds the register and the runbook lease (conditional writes). */
    SITES
}
