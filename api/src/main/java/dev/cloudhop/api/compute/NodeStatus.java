package dev.cloudhop.api.compute;

/** The life-cycle state of a node. */
public enum NodeStatus {
    /** Being created or started. */
    PENDING,
    /** Running. */
    RUNNING,
    /** Stopped or suspended; can be resumed. */
    SUSPENDED,
    /** Destroyed or being destroyed. */
    TERMINATED,
    /** Failed. */
    ERROR,
    /** The provider reported a state Cloudhop does not know. */
    UNKNOWN
}
