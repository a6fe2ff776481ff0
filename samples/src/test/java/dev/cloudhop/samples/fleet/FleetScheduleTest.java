package dev.cloudhop.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A schedule is a function of its seed: a failing run is replayed from the seed it printed. */
class FleetScheduleTest {

    private static final List<String> SITES = List.of("s1", "s2", "s3");

    @Test
    void theSameSeedGivesAnEqualSchedule() {
        assertThat(FleetSchedule.random(42, 3, SITES, 4)).isEqualTo(FleetSchedule.random(42, 3, SITES, 4));
        assertThat(FleetSchedule.random(7, 3, SITES, 6, Duration.ofSeconds(9), 3))
                .isEqualTo(FleetSchedule.random(7, 3, SITES, 6, Duration.ofSeconds(9), 3));
    }

    @Test
    void differentSeedsGiveDifferentSchedules() {
        assertThat(FleetSchedule.random(1, 3, SITES, 4)).isNotEqualTo(FleetSchedule.random(2, 3, SITES, 4));
    }

    @Test
    void faultsStayInsideTheSpanWithoutOverlappingAndTouchZooKeeperOnlyWhenAsked() {
        for (long seed = 0; seed < 50; seed++) {
            FleetSchedule s = FleetSchedule.random(seed, 3, SITES, 4);
            assertThat(s.steps()).hasSize(4).noneMatch(step -> step instanceof FleetSchedule.KillZooKeeper);
            long previousEnd = -1;
            for (FleetSchedule.Step step : s.steps()) {
                assertThat(step.atMillis()).isGreaterThan(previousEnd);
                previousEnd = step.atMillis() + step.durationMillis();
            }
            assertThat(previousEnd).isLessThanOrEqualTo(s.span().toMillis());
        }
        boolean zooKeeperKilled = false;
        for (long seed = 0; seed < 50 && !zooKeeperKilled; seed++) {
            zooKeeperKilled = FleetSchedule.random(seed, 3, SITES, 4, FleetSchedule.DEFAULT_SPAN, 3).steps().stream()
                    .anyMatch(step -> step instanceof FleetSchedule.KillZooKeeper k && k.server() < 3);
        }
        assertThat(zooKeeperKilled).isTrue();
    }
}
