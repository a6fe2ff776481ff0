/**
 * Health of every site and service, from active probes and passive observation of live calls. Users read it
 * through {@link dev.cloudhop.failover.FailoverCloud#health()}: {@code isUp}, {@code allUp} and {@code snapshot}
 * of {@link dev.cloudhop.failover.health.HealthMonitor}. Its other members and {@link dev.cloudhop.failover.health.Prober}
 * are the facade's wiring, public only because the facade assembles them from another package; not an API.
 */
package dev.cloudhop.failover.health;
