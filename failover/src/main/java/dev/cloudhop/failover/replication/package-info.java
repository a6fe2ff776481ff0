/**
 * Blob replication: the backlog per target site, the copiers, and the lag that makes the RPO.
 * Its types are public only so that {@link dev.cloudhop.failover.FailoverCloud} can assemble them from
 * another package: they are the facade's wiring, not an API, and may change in any release.
 */
package dev.cloudhop.failover.replication;
