package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.failover.runbook.RunbookContext;
import dev.cloudhop.failover.runbook.RunbookStep;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Application steps added to the runbook. */
class RunbookStepsTest {

    /** A step that records what it saw and fails when told to. */
    private record Step(String name, boolean required, boolean fails, List<String> log) implements RunbookStep {
        @Override
        public String run(RunbookContext context) {
            log.add(name + " " + context.from() + "->" + context.to() + "@" + context.epoch()
                    + " active=" + context.site(context.to()).site().id());
            if (fails) {
                throw new IllegalStateException(name + " broke");
            }
            return name + " done";
        }
    }

    @Test
    void stepsRunWhereTheyArePlacedAndAreReportedLikeBuiltInOnes() {
        List<String> log = new ArrayList<>();
        try (Fixture f = new Fixture();
             FailoverCloud cloud = FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).clock(f.clock).scheduledProbes(false)
                     .runbookStep(RunbookStep.Position.before("redirect"), new Step("promote-db", true, false, log))
                     .runbookStep(RunbookStep.Position.after("switch-dns"), new Step("warm-cache", false, false, log))
                     .runbookStep(RunbookStep.Position.after("switch-dns"), new Step("notify", false, false, log))
                     .build()) {
            assertThat(cloud.runbookSteps()).containsExactly("reconcile", "pre-sync", "drain", "fence", "settle-replication", "prepare",
                    "provision", "switch-dns", "warm-cache", "notify", "promote-db", "redirect", "release", "replay", "verify");

            RunbookReport report = cloud.failover("aws");

            assertThat(report.ok()).isTrue();
            assertThat(report.steps()).extracting(RunbookReport.Step::name).containsExactly("reconcile", "pre-sync", "drain",
                    "fence", "settle-replication", "prepare", "switch-dns", "warm-cache", "notify", "promote-db", "redirect", "replay", "verify");
            assertThat(report.steps()).filteredOn(s -> s.name().equals("promote-db")).singleElement()
                    .satisfies(s -> {
                        assertThat(s.ok()).isTrue();
                        assertThat(s.detail()).isEqualTo("promote-db done");
                        assertThat(s.took().isNegative()).isFalse();
                    });
            assertThat(log).containsExactly("warm-cache azure->aws@2 active=aws", "notify azure->aws@2 active=aws",
                    "promote-db azure->aws@2 active=aws");
        }
    }

    @Test
    void aFailingRequiredStepAbortsTheRunbookBeforeClientsMove() {
        List<String> log = new ArrayList<>();
        try (Fixture f = new Fixture();
             FailoverCloud cloud = FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).clock(f.clock).scheduledProbes(false)
                     .runbookStep(RunbookStep.Position.before("redirect"), new Step("promote-db", true, true, log))
                     .build()) {
            RunbookReport report = cloud.failover("aws");

            assertThat(report.ok()).isFalse();
            assertThat(report.steps()).last().satisfies(s -> {
                assertThat(s.name()).isEqualTo("promote-db");
                assertThat(s.ok()).isFalse();
                assertThat(s.detail()).isEqualTo("IllegalStateException: promote-db broke");
            });
            assertThat(cloud.activeSite()).isEqualTo("azure");
        }
    }

    @Test
    void aFailingOptionalStepIsRecordedAndTheRunbookGoesOn() {
        List<String> log = new ArrayList<>();
        try (Fixture f = new Fixture();
             FailoverCloud cloud = FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).clock(f.clock).scheduledProbes(false)
                     .runbookStep(RunbookStep.Position.after("redirect"), new Step("warm-cache", false, true, log))
                     .build()) {
            RunbookReport report = cloud.failover("aws");

            assertThat(report.ok()).isTrue();
            assertThat(report.steps()).filteredOn(s -> s.name().equals("warm-cache")).singleElement()
                    .satisfies(s -> assertThat(s.ok()).isFalse());
            assertThat(report.steps()).extracting(RunbookReport.Step::name).endsWith("warm-cache", "replay", "verify");
            assertThat(cloud.activeSite()).isEqualTo("aws");
        }
    }

    @Test
    void aPositionMustNameAStepAndNamesAreUnique() {
        try (Fixture f = new Fixture()) {
            assertThatThrownBy(() -> FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).scheduledProbes(false)
                    .runbookStep(RunbookStep.Position.before("no-such-step"), new Step("x", false, false, List.of())).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no runbook step named 'no-such-step'");
            assertThatThrownBy(() -> FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).scheduledProbes(false)
                    .runbookStep(RunbookStep.Position.before("fence"), new Step("verify", false, false, List.of())).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'verify' exists already");
        }
    }
}
