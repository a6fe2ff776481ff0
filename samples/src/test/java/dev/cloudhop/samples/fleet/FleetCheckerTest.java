package dev.cloudhop.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.samples.fleet.FleetLog.Ack;
import dev.cloudhop.samples.fleet.FleetLog.Event;
import dev.cloudhop.samples.fleet.FleetReport.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker on hand-made logs and site directories: each rule catches what it names, and a clean run passes. */
class FleetCheckerTest {

    @TempDir
    Path run;
    private Map<String, Path> sites;
    private final FleetChecker checker = new FleetChecker();

    @BeforeEach
    void sites() throws IOException {
        sites = Map.of("s1", Files.createDirectories(run.resolve("s1").resolve(FleetLog.CONTAINER)).getParent(),
                "s2", Files.createDirectories(run.resolve("s2").resolve(FleetLog.CONTAINER)).getParent());
    }

    private void store(String site, String key, String value) throws IOException {
        Files.writeString(sites.get(site).resolve(FleetLog.CONTAINER).resolve(key), value);
    }

    private static Ack ack(long at, String instance, String key, long seq, long epoch, String site) {
        return new Ack(at, instance, key, FleetLog.value(instance, seq), epoch, site);
    }

    private static Event step(long at, String instance, String step, long epoch, String detail) {
        return new Event(at, instance, "RunbookStepCompleted", epoch, step, true, "", detail);
    }

    @Test
    void aCleanFailoverPasses() throws IOException {
        List<Ack> acks = List.of(ack(100, "i1", "own-i1-0", 1, 1, "s1"), ack(200, "i2", "shared-0", 1, 1, "s1"),
                ack(300, "i1", "own-i1-0", 2, 2, "s2"), ack(400, "i2", "shared-0", 2, 2, "s2"));
        store("s2", "own-i1-0", "i1:2");
        store("s2", "shared-0", "i2:2");
        FleetReport report = checker.check(acks, List.of(step(250, "i1", "redirect", 2, "epoch 2")), sites, 1);
        assertThat(report.violations()).isEmpty();
        assertThat(report.finalSite()).isEqualTo("s2");
        assertThat(report.writesAcked()).isEqualTo(4);
        assertThat(report.switchGapsMillis()).as("silence from the last epoch-1 ack to the first epoch-2 one").containsExactly(100L);
    }

    @Test
    void aRunbookLastsFromItsStartToItsCompletion() throws IOException {
        List<Event> events = List.of(new Event(1000, "i1", "FailoverStarted", 2, "", false, "s2", ""),
                step(1100, "i1", "redirect", 2, "epoch 2"),
                new Event(1450, "i1", "FailoverCompleted", 2, "", true, "s2", ""),
                new Event(2000, "i2", "FailoverStarted", 3, "", false, "s3", ""),
                new Event(2300, "i2", "FailoverCompleted", 3, "", false, "s3", ""));
        FleetReport report = checker.check(List.of(), events, sites, 0);
        assertThat(report.runbookMillis()).as("a failed runbook is not a failover").containsExactly(450L);
    }

    @Test
    void twoSitesInOneEpochIsASplitBrain() throws IOException {
        List<Ack> acks = List.of(ack(100, "i1", "own-i1-0", 1, 2, "s1"), ack(110, "i2", "own-i2-0", 1, 2, "s2"));
        store("s2", "own-i1-0", "i1:1");
        store("s2", "own-i2-0", "i2:1");
        FleetReport report = checker.check(acks, List.of(), sites, 0);
        assertThat(report.violations()).extracting(FleetReport.Violation::rule).containsExactly(Rule.EPOCH_WITH_TWO_SITES);
        assertThat(report.violations().get(0).detail()).isEqualTo("epoch 2 acknowledged at s1 by [i1], s2 by [i2]");
    }

    @Test
    void anOlderEpochAcceptingWritesAfterANewerOneElsewhereOverlaps() throws IOException {
        List<Ack> acks = List.of(ack(1_000, "i2", "own-i2-0", 1, 2, "s2"), ack(2_000, "i1", "own-i1-0", 5, 1, "s1"),
                ack(3_000, "i2", "own-i2-0", 2, 2, "s2"));
        store("s2", "own-i1-0", "i1:5");
        store("s2", "own-i2-0", "i2:2");
        FleetReport report = checker.check(acks, List.of(), sites, 0);
        assertThat(report.violations()).extracting(FleetReport.Violation::rule).containsExactly(Rule.OVERLAPPING_EPOCHS);
    }

    @Test
    void anAcknowledgedWriteMissingOrOlderAtTheFinalSiteIsLost() throws IOException {
        List<Ack> acks = new ArrayList<>(List.of(ack(100, "i1", "own-i1-0", 1, 1, "s1"), ack(200, "i1", "own-i1-0", 3, 1, "s1"),
                ack(300, "i1", "own-i1-1", 4, 1, "s1"), ack(400, "i2", "shared-0", 1, 1, "s1"),
                ack(500, "i1", "own-i1-2", 5, 1, "s1")));
        store("s1", "own-i1-0", "i1:1");        // older than the last acknowledged i1:3
        store("s1", "shared-0", "i1:9");        // another writer's value: fine for a shared key
        store("s1", "own-i1-2", "i1:6");        // a later, unacknowledged write landed: fine
        FleetReport report = checker.check(acks, List.of(), sites, 0);
        assertThat(report.violations()).extracting(FleetReport.Violation::rule).containsExactly(Rule.LOST_WRITE, Rule.LOST_WRITE);
        assertThat(report.violations()).extracting(FleetReport.Violation::detail)
                .anySatisfy(d -> assertThat(d).startsWith("own-i1-0 = 'i1:3'").endsWith("holds 'i1:1'"))
                .anySatisfy(d -> assertThat(d).startsWith("own-i1-1 = 'i1:4'").endsWith("holds nothing"));
    }

    @Test
    void twoProvisioningsOrDnsSwitchesInOneEpochAreReportedButANoOpDnsStepIsNot() throws IOException {
        List<Event> events = List.of(step(100, "i1", "provision", 2, "launched 1"), step(120, "i2", "provision", 2, "launched 1"),
                step(130, "i1", "switch-dns", 2, "www -> 10.0.0.2"), step(140, "i2", "switch-dns", 2, "www -> 10.0.0.3"),
                step(150, "i1", "switch-dns", 3, FleetChecker.NO_DNS), step(160, "i2", "switch-dns", 3, FleetChecker.NO_DNS),
                step(170, "i1", "provision", 3, "launched 1"));
        FleetReport report = checker.check(List.of(), events, sites, 0);
        assertThat(report.violations()).extracting(FleetReport.Violation::rule)
                .containsExactlyInAnyOrder(Rule.DOUBLE_PROVISIONING, Rule.DOUBLE_DNS_SWITCH);
        assertThat(report.violations()).extracting(FleetReport.Violation::detail)
                .contains("2 'provision' steps at epoch 2 by [i1, i2]");
    }

    @Test
    void logsAreReadFromTheRunDirectoryAndATornLastLineIsSkipped() throws IOException {
        Files.writeString(FleetLog.ackLog(run, "i1"), ack(100, "i1", "own-i1-0", 1, 1, "s1").line() + "\n"
                + ack(200, "i1", "own-i1-0", 2, 1, "s2").line() + "\n" + "300\ti1\town-i1-0\ti1:");
        Files.writeString(FleetLog.eventLog(run, "i1"), new Event(150, "i1", "FailoverCompleted", 1, "", true, "s2", "x").line() + "\n");
        store("s2", "own-i1-0", "i1:2");
        FleetReport report = checker.check(run, sites, 0);
        assertThat(report.writesAcked()).isEqualTo(2);
        assertThat(report.failovers()).isEqualTo(1);
        assertThat(report.violations()).extracting(FleetReport.Violation::rule).containsExactly(Rule.EPOCH_WITH_TWO_SITES);
    }
}
