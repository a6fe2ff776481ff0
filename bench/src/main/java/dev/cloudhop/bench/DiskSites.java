package dev.cloudhop.bench;

import java.nio.file.Path;

/** The configuration the replication benchmarks share: two on-prem disk sites under one directory, async replication. */
final class DiskSites {

    private DiskSites() {
    }

    /**
     * Sites {@code primary} and {@code replica} (blob directories under {@code dir}, fsync off), priority in that
     * order, manual failover, async replication without the reconciliation at start, plus {@code replicationKeys}.
     */
    static String config(Path dir, String replicationKeys) {
        return """
                sites {
                  primary { provider = onprem, region = dc1, blob.directory = "%s", blob.fsync = false }
                  replica { provider = onprem, region = dc2, blob.directory = "%s", blob.fsync = false }
                }
                failover {
                  priority = [primary, replica]
                  automatic = false
                  replication { mode = async, reconcile-at-start = false, %s }
                }
                """.formatted(dir.resolve("primary"), dir.resolve("replica"), replicationKeys);
    }
}
