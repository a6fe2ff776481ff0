package dev.cloudhop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** Three real ZooKeeper server processes: data written through one survives that server's SIGKILL. */
class ZooKeeperEnsembleTest {

    @Test
    void aZnodeWrittenThroughOneServerIsReadThroughTheOthersAfterThatServerIsKilled() throws Exception {
        try (ZooKeeperEnsemble ensemble = ZooKeeperEnsemble.start(3)) {
            assertThat(ensemble.connectString().split(",")).hasSize(3);
            ZooKeeper first = connect(ensemble.connectString(0));
            try {
                first.create("/fleet", "epoch-2".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
            } finally {
                first.close(1000);
            }

            ensemble.kill(0);
            assertThat(ensemble.isAlive(0)).isFalse();

            for (int i = 1; i < 3; i++) {
                ZooKeeper other = connect(ensemble.connectString(i));
                try {
                    other.sync("/fleet", null, null);
                    assertThat(new String(other.getData("/fleet", false, null), StandardCharsets.UTF_8))
                            .as("through server %d", i + 1).isEqualTo("epoch-2");
                } finally {
                    other.close(1000);
                }
            }

            ensemble.restart(0);
            assertThat(ensemble.isAlive(0)).isTrue();
        }
    }

    private static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertThat(connected.await(30, TimeUnit.SECONDS)).as("connected to %s", connectString).isTrue();
        return zk;
    }
}
