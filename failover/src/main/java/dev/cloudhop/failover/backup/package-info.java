/**
 * Continuous backup and point-in-time restore: {@link dev.cloudhop.failover.backup.Backup} records every acknowledged
 * change of chosen containers (through a local spool, durable before the write returns) at a backup site of any
 * provider, content-addressed by SHA-256 with an append-only history, and restores a container as it was at an
 * instant into any site; {@code verify} re-hashes what is stored and retention prunes what no restore point needs.
 */
package dev.cloudhop.failover.backup;
