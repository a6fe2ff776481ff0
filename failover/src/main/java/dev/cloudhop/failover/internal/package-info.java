/**
 * Internals of the facade: the intercepted view of a site, the event bus, report JSON and thread factories.
 * Its types are public only so that {@link dev.cloudhop.failover.FailoverCloud} can assemble them from
 * another package: they are the facade's wiring, not an API, and may change in any release.
 */
package dev.cloudhop.failover.internal;
