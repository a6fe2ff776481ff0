/**
 * The failover runbook. Users add their own steps: {@link dev.cloudhop.failover.runbook.RunbookStep} and the
 * {@link dev.cloudhop.failover.runbook.RunbookContext} a step runs with are the API here. The orchestrator,
 * {@link dev.cloudhop.failover.runbook.RunbookServices} and {@link dev.cloudhop.failover.runbook.DnsSwitch} are the
 * facade's wiring, public only because the facade assembles them from another package; not an API.
 */
package dev.cloudhop.failover.runbook;
