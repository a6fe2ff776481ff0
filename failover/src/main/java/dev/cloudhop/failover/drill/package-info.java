/**
 * Disaster simulation, kept apart from the facade's production path: the fault
 * {@link dev.cloudhop.failover.drill.Switchboard} (a {@link dev.cloudhop.failover.CallInterceptor}), the
 * {@link dev.cloudhop.failover.drill.Fault faults} it injects, and {@link dev.cloudhop.failover.drill.Drill drills}
 * that run a scenario under client traffic and measure RTO, RPO and failed calls into a
 * {@link dev.cloudhop.failover.drill.DrillReport}, which {@link dev.cloudhop.failover.drill.DrillReportPage} draws as
 * a self-contained HTML page with an SVG timeline.
 */
package dev.cloudhop.failover.drill;
