/**
 * Routing: the active site and its fencing epoch, and where each call goes (priority, weighted and affinity
 * routing). Its types are public only so that {@link dev.cloudhop.failover.FailoverCloud} can assemble them from
 * another package: they are the facade's wiring, not an API, and may change in any release.
 */
package dev.cloudhop.failover.routing;
