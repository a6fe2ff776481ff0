/**
 * The failover facade: {@link dev.cloudhop.failover.FailoverCloud} runs one application over several sites
 * and keeps it running when the active site fails.
 */
package dev.cloudhop.failover;
