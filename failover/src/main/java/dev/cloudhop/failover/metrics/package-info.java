/**
 * Micrometer meters of the facade ({@link dev.cloudhop.failover.metrics.FailoverMeters}, with the per-call timers of
 * {@link dev.cloudhop.failover.metrics.CallTimers}), bound by the facade to the registry given to
 * {@link dev.cloudhop.failover.FailoverCloudBuilder#meterRegistry}.
 */
package dev.cloudhop.failover.metrics;
