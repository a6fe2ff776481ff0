/**
 * Fencing: the epoch register on every site and the check every write passes; fails closed when a newer
 * epoch is seen. Its types are public only so that {@link dev.cloudhop.failover.FailoverCloud} can assemble them from
 * another package: they are the facade's wiring, not an API, and may change in any release.
 */
package dev.cloudhop.failover.fencing;
