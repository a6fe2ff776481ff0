package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.failover.runbook.RunbookContext;
import dev.cloudhop.failover.runbook.RunbookStep;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.drill.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
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
                    "promote-db", "redirect", "provision", "switch-dns", "warm-cache", "notify", "release", "replay", "verify");

            RunbookReport report = cloud.failover("aws");

            assertThat(report.ok()).isTrue();
            assertThat(report.steps()).extracting(RunbookReport.Step::name).containsExactly("reconcile", "pre-sync", "drain",
                    "fence", "settle-replication", "prepare", "promote-db", "redirect", "switch-dns", "warm-cache", "notify", "replay", "verify");
            assertThat(report.steps()).filteredOn(s -> s.name().equals("promote-db")).singleElement()
                    .satisfies(s -> {
                        assertThat(s.ok()).isTrue();
                        assertThat(s.detail()).isEqualTo("promote-db done");
                        assertThat(s.took().isNegative()).isFalse();
                    });
            assertThat(log).containsExactly("promote-db azure->aws@2 active=aws", "warm-cache azure->aws@2 active=aws",
                    "notify azure->aws@2 active=aws");
        }
    }

    @Test
    void computeFirstKeepsProvisioningAndTheDnsSwitchBeforeTheRedirect() {
        List<String> log = new ArrayList<>();
        try (Fixture f = new Fixture(Fixture.failoverWith("runbook.order = compute-first"));
             FailoverCloud cloud = FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).clock(f.clock).scheduledProbes(false)
                     .runbookStep(RunbookStep.Position.before("redirect"), new Step("promote-db", true, false, log))
                     .runbookStep(RunbookStep.Position.after("switch-dns"), new Step("warm-cache", false, false, log))
                     .build()) {
            assertThat(cloud.runbookSteps()).containsExactly("reconcile", "pre-sync", "drain", "fence", "settle-replication", "prepare",
                    "provision", "switch-dns", "warm-cache", "promote-db", "redirect", "release", "replay", "verify");

            RunbookReport report = cloud.failover("aws");

            assertThat(report.ok()).isTrue();
            assertThat(log).containsExactly("warm-cache azure->aws@2 active=aws", "promote-db azure->aws@2 active=aws");
            assertThat(report.steps()).extracting(RunbookReport.Step::name).containsSubsequence("switch-dns", "redirect");
        }
    }

    /** Provisioning at aws and the DNS switch at onprem each take at least 200 ms per call (switchboard latency). */
    private static RunbookReport slowFrontDoorFailover(String order) {
        try (Fixture f = new Fixture(Fixture.failoverWith("topology = redeploy\n  redeploy { group = web, image = \"57\", size = small, count = 1 }\n  "
                + "runbook.order = " + order));
             FailoverCloud cloud = FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).clock(f.clock).scheduledProbes(false).build()) {
            cloud.switchboard().inject("aws", Service.COMPUTE, dev.cloudhop.failover.drill.Fault.latency(java.time.Duration.ofMillis(200)));
            cloud.switchboard().inject("onprem", Service.DNS, dev.cloudhop.failover.drill.Fault.latency(java.time.Duration.ofMillis(200)));
            RunbookReport report = cloud.failover("aws");
            assertThat(report.ok()).as(report.toJson()).isTrue();
            assertThat(cloud.rawSite("aws").compute().listNodes("web")).hasSize(1);
            return report;
        }
    }

    private static RunbookReport.Step step(RunbookReport report, String name) {
        return report.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name
                + " did not run: " + report.toJson()));
    }

    @Test
    void dataPlaneFirstRedirectsBeforeTheFrontDoorAndRunsProvisioningBesideTheDnsSwitch() {
        RunbookReport report = slowFrontDoorFailover("data-plane-first");

        RunbookReport.Step redirect = step(report, "redirect");
        RunbookReport.Step provision = step(report, "provision");
        RunbookReport.Step dns = step(report, "switch-dns");
        assertThat(redirect.end()).as("clients moved before the front door started").isLessThanOrEqualTo(provision.at())
                .isLessThanOrEqualTo(dns.at());
        assertThat(dns.at()).as("the DNS switch started while provisioning ran").isLessThan(provision.end());
        assertThat(provision.at()).as("provisioning started while the DNS switch ran").isLessThan(dns.end());
        assertThat(report.redirected()).contains(redirect.end());
        assertThat(report.frontDoorDone()).contains(provision.end().compareTo(dns.end()) > 0 ? provision.end() : dns.end());
    }

    @Test
    void computeFirstRunsTheFrontDoorOneStepAfterTheOtherBeforeTheRedirect() {
        RunbookReport report = slowFrontDoorFailover("compute-first");

        RunbookReport.Step redirect = step(report, "redirect");
        RunbookReport.Step provision = step(report, "provision");
        RunbookReport.Step dns = step(report, "switch-dns");
        assertThat(provision.end()).isLessThanOrEqualTo(dns.at());
        assertThat(dns.end()).isLessThanOrEqualTo(redirect.at());
    }

    @Test
    void settlingWaitsForWritesAlreadyUnderWayAtTheSiteBeingLeftAndCountsThemInTheRpo() {
        // count detection: with phi the write azure holds would be cut and retried at aws (PhiDetectionFailoverTest);
        // this test is about a write the site being left does acknowledge
        try (Fixture f = new Fixture(Fixture.failoverWith("replication.rpo-budget = 5 s\n  detection.kind = count"));
             FailoverCloud cloud = f.facade()) {
            BlobId id = BlobId.of("orders", "o-1.json");
            cloud.blobs().createContainer("orders");
            // azure takes 1.5 s to acknowledge the write: it is under way when azure is found down and the runbook fences
            cloud.switchboard().inject("azure", Service.BLOB, "put", Fault.latency(Duration.ofMillis(1500)));
            CompletableFuture<Void> put = CompletableFuture.runAsync(() -> cloud.blobs().put(id, BlobContent.ofUtf8("order")));
            Awaitility.await("the write under way").pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                    .until(() -> !put.isDone());
            for (int i = 0; i < 3; i++) {
                cloud.health().callFailed("azure", Service.BLOB, "test: azure found down"); // an unplanned failover
            }
            Awaitility.await("the automatic failover").atMost(Duration.ofSeconds(10)).until(() -> cloud.failovers().size() == 1);
            assertThat(cloud.awaitIdle(Duration.ofSeconds(10))).isTrue();
            put.join(); // azure acknowledged it

            RunbookReport report = cloud.failovers().get(0);
            assertThat(report.ok()).isTrue();
            assertThat(step(report, "settle-replication").end()).as("the settle waited for the write's acknowledgement")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1000));
            assertThat(report.unreplicatedWrites()).as("acknowledged at azure, which is down: not at aws when clients moved")
                    .isEqualTo(1);
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
            assertThat(report.steps()).extracting(RunbookReport.Step::name).endsWith("redirect", "warm-cache", "switch-dns", "replay", "verify");
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
