package dev.cloudhop.failover.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ZooKeeperCoordinatorSettingsTest {

    private static ZooKeeperSettings share(double share) {
        return new ZooKeeperSettings("127.0.0.1:2181", "shop", Duration.ofSeconds(4), share, "app-1");
    }

    @Test
    void majorityIsStrictlyMoreThanHalfOfTheLiveViews() {
        ZooKeeperSettings majority = ZooKeeperSettings.of("127.0.0.1:2181", "shop", "app-1");
        assertThat(majority.downShare()).isEqualTo(ZooKeeperSettings.MAJORITY);
        assertThat(majority.sessionTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(majority.needed(0)).isZero();
        assertThat(majority.needed(1)).isEqualTo(1);
        assertThat(majority.needed(2)).isEqualTo(2);
        assertThat(majority.needed(3)).isEqualTo(2);
        assertThat(majority.needed(4)).isEqualTo(3);
        assertThat(majority.needed(5)).isEqualTo(3);
    }

    @Test
    void aShareOfOneNeedsEveryLiveViewAndASmallShareOne() {
        assertThat(share(1.0).needed(3)).isEqualTo(3);
        assertThat(share(0.01).needed(5)).isEqualTo(1);
        assertThat(share(0.6).needed(5)).isEqualTo(4);
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatThrownBy(() -> share(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("downShare");
        assertThatThrownBy(() -> share(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> share(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZooKeeperSettings(" ", "shop", Duration.ofSeconds(4), 0.5, "a"))
                .hasMessageContaining("connect");
        assertThatThrownBy(() -> new ZooKeeperSettings("h:1", "/shop", Duration.ofSeconds(4), 0.5, "a"))
                .hasMessageContaining("namespace");
        assertThatThrownBy(() -> new ZooKeeperSettings("h:1", "shop", Duration.ofSeconds(4), 0.5, "a/b"))
                .hasMessageContaining("instanceId");
        assertThatThrownBy(() -> new ZooKeeperSettings("h:1", "shop", Duration.ZERO, 0.5, "a"))
                .hasMessageContaining("sessionTimeout");
    }

    @Test
    void refusesAnEpochThatDoesNotMoveByOneAndAnythingBeforeJoin() {
        try (ZooKeeperCoordinator coordinator = new ZooKeeperCoordinator(share(0.5))) {
            assertThatThrownBy(() -> coordinator.compareAndSet(new Register(1, "s1"), new Register(3, "s2")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(coordinator::current).isInstanceOf(IllegalStateException.class);
            assertThat(coordinator.mayAcknowledge()).isFalse();
            assertThat(coordinator.isLeader()).isFalse();
            assertThat(coordinator.fleetDown()).isEmpty();
            assertThatThrownBy(() -> coordinator.compareAndSet(new Register(1, "s1"), new Register(2, "s2")))
                    .isInstanceOf(CoordinationException.class);
            coordinator.close();
        }
    }
}
