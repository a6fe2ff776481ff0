package dev.cloudhop.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ten randomized fleet schedules with fixed seeds, five per coordinated mode: the same faults as
 * {@code bin/bench fleet} (which runs hundreds), judged by the independent {@link FleetChecker}. A failing seed is
 * replayed with {@code bin/bench fleet 1 MODE SEED}.
 */
class FleetRandomSchedulesTest {

    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource({"sites,1", "sites,2", "sites,3", "sites,4", "sites,5",
            "zookeeper,1", "zookeeper,2", "zookeeper,3", "zookeeper,4", "zookeeper,5"})
    void aRandomScheduleBreaksNoInvariant(String mode, long seed) throws Exception {
        StringBuilder drawn = new StringBuilder();
        FleetReport report = FleetRun.random(seed, FleetMode.of(mode), s -> drawn.append(s.steps()));
        System.out.println("[fleet] " + mode + " seed " + seed + " " + drawn + ": " + report);
        assertThat(report.writesAcked()).as("the workload ran").isPositive();
        assertThat(report.violations()).as("invariant violations (replay: bin/bench fleet 1 %s %d)", mode, seed).isEmpty();
    }
}
