package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobPage;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.failover.capture.CaptureJournal;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.replication.ReconcileReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverCloudTest {

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Fixture fixture(String failover) {
        Fixture f = new Fixture(failover);
        toClose.add(f);
        return f;
    }

    private FailoverCloud facade(Fixture f) {
        FailoverCloud c = f.facade();
        toClose.add(c);
        return c;
    }

    private static void await(BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(condition::getAsBoolean);
    }

    private static String text(FailoverCloud cloud, String site, BlobId id) {
        return cloud.rawSite(site).blobs().get(id).map(b -> new String(b.readAllBytes(), StandardCharsets.UTF_8)).orElse(null);
    }

    @Nested
    class Runbook {

        @Test
        void aManualFailoverRunsEveryStepInOrderAndSwitchesDns() {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("catalog");
            cloud.queues().createQueue("orders");
            assertThat(cloud.activeSite()).isEqualTo("azure");
            long epoch = cloud.epoch();

            RunbookReport report = cloud.failover("aws");

            assertThat(report.ok()).isTrue();
            assertThat(report.steps()).extracting(RunbookReport.Step::name)
                    .containsExactly("reconcile", "pre-sync", "drain", "fence", "settle-replication", "prepare", "redirect", "switch-dns", "replay",
                            "verify");
            assertThat(report.steps()).allSatisfy(s -> assertThat(s.ok()).as(s.name() + ": " + s.detail()).isTrue());
            assertThat(cloud.activeSite()).isEqualTo("aws");
            assertThat(cloud.epoch()).isEqualTo(epoch + 1).isEqualTo(report.epoch());
            assertThat(f.sites.site("onprem").dns().get("shop.example.com", "www.shop.example.com", RecordType.A))
                    .hasValueSatisfying(r -> assertThat(r.values()).containsExactly("10.1.0.10"));
            assertThat(cloud.rawSite("aws").blobs().containerExists("catalog")).isTrue();
            assertThat(cloud.rawSite("aws").queues().queueExists("orders")).isTrue();
            assertThat(report.toJson()).contains("\"to\":\"aws\"", "\"name\":\"switch-dns\"");
            assertThat(cloud.events().history()).filteredOn(e -> e instanceof FailoverEvent.RunbookStepCompleted).hasSize(10);
            assertThat(cloud.meters().get("cloudhop.site.active").tag("site", "aws").gauge().value()).isEqualTo(1.0);
            assertThat(cloud.meters().get("cloudhop.failovers").counter().count()).isEqualTo(1.0);
        }

        @Test
        void aRegionOutageUnderTrafficIsDetectedPassivelyAndTheWriteIsRetriedAtTheNewSite() {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("orders");

            cloud.switchboard().inject("azure", Fault.unavailable());
            // Each failed attempt counts; the third consecutive one marks azure down and triggers failover,
            // and the write waits for it and lands at aws.
            List<Throwable> failures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try {
                    cloud.blobs().put(BlobId.of("orders", "o" + i), BlobContent.ofUtf8("order " + i));
                } catch (UnavailableException e) {
                    failures.add(e);
                }
            }

            assertThat(cloud.activeSite()).isEqualTo("aws");
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(failures).as("the calls before detection fail fast; the one that trips detection is redirected")
                    .hasSize(2);
            assertThat(text(cloud, "aws", BlobId.of("orders", "o2"))).isEqualTo("order 2");
            assertThat(cloud.failovers()).singleElement().satisfies(r -> {
                assertThat(r.reason()).startsWith("automatic: blob down at azure");
                assertThat(r.from()).isEqualTo("azure");
            });
            assertThat(cloud.health().isUp("azure", Service.BLOB)).isFalse();
        }

        @Test
        void probesDetectAnOutageWithoutTrafficAfterTheToleratedFailures() throws Exception {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud cloud = facade(f);
            cloud.switchboard().inject("azure", Fault.unavailable());

            cloud.probeNow();
            assertThat(cloud.health().isUp("azure", Service.BLOB)).as("one failed probe is tolerated").isTrue();
            cloud.probeNow();
            assertThat(cloud.health().isUp("azure", Service.BLOB)).isFalse();
            await(() -> "aws".equals(cloud.activeSite()), "automatic failover to aws");
        }

        @Test
        void aBlackholedSiteIsDetectedByProbeTimeouts() throws Exception {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER.replace("timeout = 500 ms", "timeout = 150 ms"));
            FailoverCloud cloud = facade(f);
            cloud.switchboard().inject("azure", Fault.blackhole());
            cloud.probeNow();
            cloud.probeNow();
            await(() -> "aws".equals(cloud.activeSite()), "failover away from the blackholed site");
            assertThat(cloud.events().history()).filteredOn(e -> e instanceof FailoverEvent.SiteHealthChanged h && !h.up())
                    .first().satisfies(e -> assertThat(((FailoverEvent.SiteHealthChanged) e).reason()).contains("timed out"));
        }

        @Test
        void whenEveryCloudIsDownTheFacadeMovesToOnPrem() throws Exception {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud cloud = facade(f);
            cloud.switchboard().inject("azure", Fault.unavailable());
            cloud.switchboard().inject("aws", Fault.unavailable());
            cloud.probeNow();
            cloud.probeNow();
            await(() -> "onprem".equals(cloud.activeSite()), "failover to onprem");
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(f.sites.site("onprem").dns().get("shop.example.com", "www.shop.example.com", RecordType.A))
                    .hasValueSatisfying(r -> assertThat(r.values()).containsExactly("192.168.0.10"));
        }

        @Test
        void everyStrandedMessageMovesOnceWithConcurrentMovers() throws Exception {
            Fixture f = fixture(Fixture.failoverWith("replication.parallelism = 6"));
            FailoverCloud cloud = facade(f);
            cloud.queues().createQueue("orders");
            cloud.switchboard().inject("azure", Fault.unavailable());
            cloud.probeNow();
            cloud.probeNow();
            await(() -> "aws".equals(cloud.activeSite()), "failover");
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
            // orders sent to aws while azure was down, then failback: all of them are stranded at aws
            for (int i = 0; i < 250; i++) {
                cloud.queues().send("orders", OutgoingMessage.of("order " + i).withDedupKey("o" + i));
            }
            cloud.switchboard().clear("azure");
            cloud.probeNow();
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();

            RunbookReport back = cloud.failback();
            assertThat(back.steps()).filteredOn(s -> s.name().equals("replay")).singleElement()
                    .satisfies(s -> assertThat(s.detail()).endsWith("250 messages moved from aws"));
            assertThat(cloud.rawSite("aws").queues().approximateDepth("orders")).isZero();
            java.util.Set<String> bodies = new java.util.HashSet<>();
            int received = 0;
            for (int round = 0; round < 100 && received < 250; round++) {
                for (ReceivedMessage m : cloud.queues().receive("orders", ReceiveOptions.DEFAULT.withMaxMessages(10))) {
                    bodies.add(m.bodyAsString());
                    received++;
                    cloud.queues().ack("orders", m.receipt());
                }
            }
            assertThat(received).as("messages delivered at azure").isEqualTo(250);
            assertThat(bodies).hasSize(250).contains("order 0", "order 249");
        }

        @Test
        void failbackReturnsToThePrimaryAndMovesStrandedMessages() throws Exception {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud cloud = facade(f);
            cloud.queues().createQueue("orders");
            cloud.queues().send("orders", OutgoingMessage.of("sent before the outage").withDedupKey("k1"));
            cloud.switchboard().inject("azure", Fault.unavailable());
            cloud.probeNow();
            cloud.probeNow();
            await(() -> "aws".equals(cloud.activeSite()), "failover");
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();

            cloud.switchboard().clear("azure");
            cloud.probeNow();
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
            // Recovery fenced azure at the new epoch and moved its stranded message to the active site.
            assertThat(cloud.rawSite("aws").queues().approximateDepth("orders")).isEqualTo(1);

            RunbookReport back = cloud.failback();
            assertThat(back.ok()).isTrue();
            assertThat(cloud.activeSite()).isEqualTo("azure");
            List<ReceivedMessage> got = cloud.queues().receive("orders", ReceiveOptions.DEFAULT.withMaxMessages(10));
            assertThat(got).extracting(ReceivedMessage::bodyAsString).containsExactly("sent before the outage");
            cloud.queues().ack("orders", got.get(0).receipt());
            assertThat(cloud.queues().approximateDepth("orders")).isZero();
        }

        /** Lets {@code interval} pass on the facade's clock, then a probe round (which sweeps when due). */
        private void sweepAfter(Duration interval, Fixture f, FailoverCloud cloud) {
            f.clock.advance(interval);
            cloud.probeNow();
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
        }

        private record Stranded(Fixture f, FailoverCloud cloud) {
        }

        /** Azure active, and {@code count} messages left in aws' queue (e.g. the rest of a failed move's batch). */
        private Stranded strandedAtAws(String mergeInterval, int count) {
            Fixture f = fixture(Fixture.failoverWith("replication.merge-interval = " + mergeInterval));
            FailoverCloud cloud = facade(f);
            cloud.queues().createQueue("orders");
            for (int i = 0; i < count; i++) {
                cloud.rawSite("aws").queues().send("orders", OutgoingMessage.of("stranded " + i).withDedupKey("s" + i));
            }
            return new Stranded(f, cloud);
        }

        @Test
        void messagesStrandedAtAnotherSiteAreSweptToTheActiveOneEveryMergeInterval() throws Exception {
            Stranded st = strandedAtAws("10 s", 1);
            Fixture f = st.f();
            FailoverCloud cloud = st.cloud();
            cloud.probeNow();
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(cloud.rawSite("aws").queues().approximateDepth("orders")).as("before the interval").isEqualTo(1);

            sweepAfter(Duration.ofSeconds(10), f, cloud);
            assertThat(cloud.rawSite("aws").queues().approximateDepth("orders")).isZero();
            List<ReceivedMessage> got = cloud.queues().receive("orders", ReceiveOptions.DEFAULT.withMaxMessages(10));
            assertThat(got).extracting(ReceivedMessage::bodyAsString).containsExactly("stranded 0");
            assertThat(got.get(0).receipt()).startsWith("azure|");
        }

        @Test
        void aMoveThatFailsReleasesTheRestOfItsBatchForTheNextSweep() throws Exception {
            Stranded st = strandedAtAws("10 s", 3);
            Fixture f = st.f();
            FailoverCloud cloud = st.cloud();
            cloud.switchboard().inject("azure", Service.QUEUE, "send", Fault.unavailable());
            sweepAfter(Duration.ofSeconds(10), f, cloud);
            assertThat(cloud.rawSite("azure").queues().approximateDepth("orders")).as("the move failed").isZero();

            cloud.switchboard().clear("azure");
            sweepAfter(Duration.ofSeconds(10), f, cloud);
            assertThat(cloud.rawSite("azure").queues().approximateDepth("orders"))
                    .as("moved by the next sweep, not 60 s later when the failed batch's visibility ends").isEqualTo(3);
            assertThat(cloud.rawSite("aws").queues().approximateDepth("orders")).isZero();
        }

        @Test
        void aMoveStopsWhenClientsMoveAwayFromItsTargetSoNothingIsStrandedThere() throws Exception {
            Stranded st = strandedAtAws("10 s", 400);
            Fixture f = st.f();
            FailoverCloud cloud = st.cloud();
            // each message the sweep moves to azure takes 20 ms: 400 with 4 movers take about 2 s
            cloud.switchboard().inject("azure", Service.QUEUE, "send", Fault.latency(Duration.ofMillis(20)));
            f.clock.advance(Duration.ofSeconds(10));
            cloud.probeNow(); // the sweep starts moving aws' messages to azure, on the merger's thread
            await(() -> cloud.rawSite("azure").queues().approximateDepth("orders") > 0, "the move has begun");

            assertThat(cloud.failover("onprem").ok()).isTrue();
            assertThat(cloud.awaitIdle(Duration.ofSeconds(30))).isTrue();
            cloud.switchboard().clear("azure");

            long azure = cloud.rawSite("azure").queues().approximateDepth("orders");
            long aws = cloud.rawSite("aws").queues().approximateDepth("orders");
            long onprem = cloud.rawSite("onprem").queues().approximateDepth("orders");
            assertThat(azure + aws + onprem).as("azure %d, aws %d, onprem %d", azure, aws, onprem).isEqualTo(400);
            assertThat(aws).as("the move to azure stopped at the fence, leaving the rest at aws for the next sweep")
                    .isPositive();
            assertThat(azure).as("at most the sends under way when the move stopped (one per mover) reach azure after it")
                    .isLessThanOrEqualTo(4);
            sweepAfter(Duration.ofSeconds(10), f, cloud);
            assertThat(cloud.rawSite("onprem").queues().approximateDepth("orders")).as("the next sweep brings the rest")
                    .isEqualTo(400);
        }

        @Test
        void aMergeIntervalOfZeroTurnsTheSweepOff() throws Exception {
            Stranded st = strandedAtAws("0 s", 1);
            Fixture f = st.f();
            FailoverCloud cloud = st.cloud();
            sweepAfter(Duration.ofHours(1), f, cloud);
            assertThat(cloud.rawSite("aws").queues().approximateDepth("orders")).isEqualTo(1);
        }

        @Test
        void automaticFailbackRunsWhenThePrimaryIsHealthyAgain() throws Exception {
            Fixture f = fixture(Fixture.failoverWith("failback = automatic"));
            FailoverCloud cloud = facade(f);
            cloud.switchboard().inject("azure", Fault.unavailable());
            cloud.probeNow();
            cloud.probeNow();
            await(() -> "aws".equals(cloud.activeSite()), "failover");
            cloud.switchboard().clear("azure");
            cloud.probeNow();
            await(() -> "azure".equals(cloud.activeSite()), "automatic failback");
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue(); // clients move at "redirect"; the report follows
            assertThat(cloud.failovers()).extracting(RunbookReport::reason).last().asString().startsWith("automatic failback");
        }

        @Test
        void theRedeployTopologyProvisionsComputeDuringFailover() {
            Fixture f = fixture(Fixture.failoverWith("topology = redeploy\n  redeploy { group = web, image = \"57\", size = small, count = 2 }"));
            FailoverCloud cloud = facade(f);
            assertThat(cloud.rawSite("aws").compute().listNodes("web")).isEmpty();

            RunbookReport report = cloud.failover("aws");

            assertThat(report.steps()).extracting(RunbookReport.Step::name).contains("provision");
            assertThat(report.stepTook("provision")).isPositive();
            assertThat(cloud.rawSite("aws").compute().listNodes("web")).hasSize(2);
            assertThat(cloud.compute().listNodes("web")).hasSize(2);
            assertThat(cloud.failover("azure").ok()).isTrue();
            assertThat(cloud.rawSite("azure").compute().listNodes("web")).hasSize(2);
            assertThat(cloud.rawSite("aws").compute().listNodes("web")).as("released at the site left").isEmpty();
        }

        @Test
        void aDnsSiteThatIsDownDuringTheSwitchGetsTheRecordWhenItRecovers() {
            // a blackholed call hangs for the call timeout: 5 s, so that "no wait" is far from any slow machine
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER.replace("sites = [onprem]", "sites = [onprem, aws]")
                    .replace("call-timeout = 300 ms", "call-timeout = 5 s"));
            f.sites.site("aws").dns().createZone("shop.example.com");
            FailoverCloud cloud = facade(f);
            cloud.switchboard().inject("aws", Service.DNS, Fault.blackhole());
            cloud.probeNow();
            cloud.probeNow();
            assertThat(cloud.health().isUp("aws", Service.DNS)).isFalse();

            RunbookReport report = cloud.failover("onprem");
            assertThat(report.steps()).filteredOn(s -> s.name().equals("switch-dns")).singleElement()
                    .satisfies(s -> assertThat(s.detail()).contains("at [onprem]").contains("aws (dns down"));
            assertThat(report.stepTook("switch-dns")).as("no wait for the blackholed site").isLessThan(Duration.ofSeconds(2));
            assertThat(cloud.rawSite("aws").dns().get("shop.example.com", "www.shop.example.com", RecordType.A)).isEmpty();

            cloud.switchboard().clear("aws");
            cloud.probeNow();
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(cloud.rawSite("aws").dns().get("shop.example.com", "www.shop.example.com", RecordType.A))
                    .hasValueSatisfying(r -> assertThat(r.values()).containsExactly("192.168.0.10"));
        }

        @Test
        void aSiteKnownToBeDownIsFencedWhenItRecoversWithoutDelayingTheRunbook() {
            FailoverCloud cloud = facade(fixture(Fixture.DEFAULT_FAILOVER.replace("call-timeout = 300 ms", "call-timeout = 5 s")));
            cloud.switchboard().inject("onprem", Service.BLOB, Fault.blackhole());
            cloud.probeNow();
            cloud.probeNow();

            RunbookReport report = cloud.failover("aws");
            assertThat(report.steps()).filteredOn(s -> s.name().equals("fence")).singleElement()
                    .satisfies(s -> assertThat(s.detail()).contains("fenced on recovery: [onprem]"));
            assertThat(report.stepTook("fence")).as("no wait for the blackholed site").isLessThan(Duration.ofSeconds(2));

            cloud.switchboard().clear("onprem");
            cloud.probeNow();
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(cloud.rawSite("onprem").blobs().get(BlobId.of(FailoverCloud.SYSTEM_CONTAINER, "fence")))
                    .hasValueSatisfying(b -> assertThat(new String(b.readAllBytes(), StandardCharsets.UTF_8)).startsWith(cloud.epoch() + " aws"));
        }

        @Test
        void aStandingSiteIsNeitherProvisionedNorReleased() {
            Fixture f = fixture(Fixture.failoverWith("topology = redeploy\n"
                            + "  redeploy { group = web, image = \"57\", size = small, count = 1, standing = [azure] }"));
            FailoverCloud cloud = facade(f);

            RunbookReport away = cloud.failover("aws");
            assertThat(away.steps()).extracting(RunbookReport.Step::name).contains("provision").doesNotContain("release");
            assertThat(cloud.rawSite("aws").compute().listNodes("web")).hasSize(1);

            RunbookReport back = cloud.failover("azure");
            assertThat(back.steps()).filteredOn(s -> s.name().equals("provision")).singleElement()
                    .satisfies(s -> assertThat(s.detail()).contains("standing deployment"));
            assertThat(back.steps()).filteredOn(s -> s.name().equals("release")).singleElement()
                    .satisfies(s -> assertThat(s.detail()).startsWith("released 1 nodes"));
            assertThat(cloud.rawSite("azure").compute().listNodes("web")).isEmpty();
            assertThat(cloud.rawSite("aws").compute().listNodes("web")).isEmpty();
        }

        @Test
        void aRedeployStandingSiteMustBeConfigured() {
            assertThatThrownBy(() -> fixture(Fixture.failoverWith("topology = redeploy\n"
                            + "  redeploy { group = web, image = \"57\", size = small, standing = [azrue] }")).facade())
                    .isInstanceOf(ConfigException.class).hasMessageContaining("failover.redeploy.standing")
                    .hasMessageContaining("azrue");
        }

        @Test
        void callerErrorsNeverCountAgainstASite() {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud cloud = facade(f);
            for (int i = 0; i < 10; i++) {
                assertThatThrownBy(() -> cloud.blobs().put(BlobId.of("no-such-container", "x"), new byte[1]))
                        .isInstanceOf(dev.cloudhop.api.NotFoundException.class);
            }
            assertThat(cloud.health().isUp("azure", Service.BLOB)).isTrue();
            assertThat(cloud.activeSite()).isEqualTo("azure");
        }
    }

    @Nested
    class Fencing {

        @Test
        void aStaleInstancesWriteIsRefusedAndItFollowsTheNewPrimary() {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud stale = facade(f);
            FailoverCloud current = facade(f);
            stale.blobs().createContainer("orders");
            stale.blobs().put(BlobId.of("orders", "before"), new byte[] {1});

            current.failover("aws");
            f.clock.advance(Duration.ofSeconds(2)); // the stale instance's fence cache expires

            assertThatThrownBy(() -> stale.blobs().put(BlobId.of("orders", "stale-write"), new byte[] {2}))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("epoch");
            assertThat(stale.rawSite("azure").blobs().stat(BlobId.of("orders", "stale-write"))).isEmpty();
            assertThat(stale.events().history()).anyMatch(e -> e instanceof FailoverEvent.WriteFenced);
            assertThat(stale.activeSite()).isEqualTo("aws");
            assertThat(stale.epoch()).isEqualTo(current.epoch());

            stale.blobs().put(BlobId.of("orders", "after"), new byte[] {3});
            assertThat(stale.rawSite("aws").blobs().stat(BlobId.of("orders", "after"))).isPresent();
        }

        @Test
        void aStaleInstanceRepairsNothingAtASiteFencedPastItsEpoch() {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud stale = facade(f);
            FailoverCloud current = facade(f);
            current.blobs().createContainer("orders");
            current.failover("aws");
            // written at the new active site while azure (which the stale instance still takes for it) lacks it
            current.blobs().put(BlobId.of("orders", "o-at-aws"), new byte[] {1});
            f.sites.site("azure").blobs().delete(BlobId.of("orders", "o-at-aws"));
            f.clock.advance(Duration.ofSeconds(2)); // the stale instance's fence cache expires

            ReconcileReport report = stale.reconcile(Duration.ofSeconds(5));

            assertThat(report.targets()).filteredOn(t -> t.site().equals("aws")).singleElement().satisfies(t -> {
                assertThat(t.repaired()).isZero();
                assertThat(t.notRun()).hasValueSatisfying(why -> assertThat(why).contains("may not write at aws"));
            });
            assertThat(f.sites.site("aws").blobs().stat(BlobId.of("orders", "o-at-aws"))).as("not deleted by a stale repair")
                    .isPresent();
        }

        @Test
        void aNewInstanceAdoptsTheNewestFence() {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud first = facade(f);
            first.failover("onprem");
            FailoverCloud second = facade(f);
            assertThat(second.activeSite()).isEqualTo("onprem");
            assertThat(second.epoch()).isEqualTo(first.epoch());
        }
    }

    @Nested
    class Replication {

        @Test
        void asyncWritesReachEveryOtherSiteAndTheBacklogIsTheRpo() throws Exception {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("catalog");
            cloud.switchboard().inject("aws", Service.BLOB, Fault.unavailable());
            cloud.probeNow();
            cloud.probeNow();
            for (int i = 0; i < 5; i++) {
                cloud.blobs().put(BlobId.of("catalog", "p" + i), BlobContent.ofUtf8("product " + i));
            }
            f.clock.advance(Duration.ofSeconds(3));
            await(() -> cloud.replicationBacklog("onprem") == 0, "replication to onprem");
            assertThat(cloud.replicationBacklog("aws")).isEqualTo(5);
            assertThat(cloud.replicationLag("aws")).isEqualTo(Duration.ofSeconds(3));
            assertThat(cloud.meters().get("cloudhop.replication.pending").tag("site", "aws").gauge().value()).isEqualTo(5.0);
            assertThat(cloud.meters().get("cloudhop.replication.lag").tag("site", "aws").gauge().value()).isEqualTo(3.0);
            assertThat(cloud.meters().get("cloudhop.site.health").tag("site", "aws").tag("service", "blob").gauge().value())
                    .isZero();
            assertThat(cloud.meters().get("cloudhop.site.health").tag("site", "onprem").tag("service", "blob").gauge().value())
                    .isEqualTo(1.0);

            cloud.switchboard().clear("aws");
            cloud.probeNow();
            await(() -> cloud.replicationBacklog("aws") == 0, "replication to aws after recovery");
            assertThat(text(cloud, "aws", BlobId.of("catalog", "p4"))).isEqualTo("product 4");
            assertThat(cloud.replicationLag("aws")).isZero();
        }

        @Test
        void parallelCopiesKeepTheWritesOfOneBlobInOrder() throws Exception {
            Fixture f = fixture(Fixture.failoverWith("replication.parallelism = 8"));
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("catalog");
            // every copy to aws is slow, so versions of one blob pile up while copies of it are in flight
            cloud.switchboard().inject("aws", Service.BLOB, Fault.latency(Duration.ofMillis(20)));
            for (int v = 1; v <= 40; v++) {
                cloud.blobs().put(BlobId.of("catalog", "hot"), BlobContent.ofUtf8("version " + v));
                cloud.blobs().put(BlobId.of("catalog", "cold-" + v), BlobContent.ofUtf8("cold " + v));
            }
            await(() -> cloud.replicationBacklog("aws") == 0 && cloud.replicationBacklog("onprem") == 0, "replication");
            for (String site : List.of("aws", "onprem")) {
                assertThat(text(cloud, site, BlobId.of("catalog", "hot"))).as("hot at " + site).isEqualTo("version 40");
                for (int v = 1; v <= 40; v++) {
                    assertThat(text(cloud, site, BlobId.of("catalog", "cold-" + v))).isEqualTo("cold " + v);
                }
            }
        }

        @Test
        void writesNotReplicatedWhenThePrimaryFailsAreReportedByTheRunbook() throws Exception {
            Fixture f = fixture(Fixture.failoverWith("automatic = false"));
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("orders");
            // aws cannot receive replication (and is known to be down), then azure goes down: its writes are stranded.
            cloud.switchboard().inject("aws", Service.BLOB, Fault.unavailable());
            cloud.probeNow();
            cloud.probeNow();
            for (int i = 0; i < 4; i++) {
                cloud.blobs().put(BlobId.of("orders", "o" + i), new byte[] {(byte) i});
            }
            cloud.switchboard().inject("azure", Fault.unavailable());
            cloud.switchboard().clear("aws");
            cloud.probeNow();
            cloud.probeNow();
            // a failover away from a failed site is a disaster: no drain, and the report says what was left behind
            RunbookReport report = cloud.failover("aws");
            assertThat(report.steps()).extracting(RunbookReport.Step::name).doesNotContain("reconcile", "pre-sync", "drain");
            assertThat(report.unreplicatedWrites()).isEqualTo(4);
            assertThat(report.steps()).filteredOn(s -> s.name().equals("settle-replication")).singleElement()
                    .satisfies(s -> assertThat(s.detail()).startsWith("4 writes not replicated to aws"));
        }

        @Test
        void syncReplicationAcknowledgesOnlyWhenEveryUpSiteHasTheWrite() {
            Fixture f = fixture(Fixture.failoverWith("replication.mode = sync"));
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("ledger");
            cloud.blobs().put(BlobId.of("ledger", "t1"), BlobContent.ofUtf8("debit 10"));
            assertThat(text(cloud, "aws", BlobId.of("ledger", "t1"))).isEqualTo("debit 10");
            assertThat(text(cloud, "onprem", BlobId.of("ledger", "t1"))).isEqualTo("debit 10");
            cloud.blobs().delete(BlobId.of("ledger", "t1"));
            assertThat(cloud.rawSite("onprem").blobs().stat(BlobId.of("ledger", "t1"))).isEmpty();
        }

        @Test
        void readsFallBackToAReplicaWhileTheActiveSiteIsUnavailable() throws Exception {
            Fixture f = fixture(Fixture.failoverWith("automatic = false"));
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("catalog");
            cloud.blobs().put(BlobId.of("catalog", "p1"), BlobContent.ofUtf8("product 1"));
            await(() -> cloud.replicationBacklog("aws") == 0, "replication");
            cloud.switchboard().inject("azure", Service.BLOB, Fault.unavailable());
            assertThat(cloud.blobs().get(BlobId.of("catalog", "p1"))).hasValueSatisfying(
                    b -> assertThat(new String(b.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("product 1"));
            assertThat(cloud.activeSite()).as("automatic failover is off").isEqualTo("azure");
        }
    }

    @Nested
    class CaptureAndReducedFunctionality {

        @Test
        void aQueueOutageCapturesSendsAndReplaysThemOnceWhenItReturns() throws Exception {
            Fixture f = fixture(Fixture.DEFAULT_FAILOVER);
            FailoverCloud cloud = facade(f);
            cloud.queues().createQueue("orders");
            cloud.blobs().createContainer("catalog");
            cloud.switchboard().inject("azure", Service.QUEUE, Fault.unavailable());

            String id = cloud.queues().send("orders", OutgoingMessage.of("order 1").withDedupKey("order-1"));
            cloud.probeNow();
            cloud.probeNow();
            String second = cloud.queues().send("orders", OutgoingMessage.of("order 2"));

            assertThat(id).isEqualTo("captured:order-1");
            assertThat(second).startsWith("captured:");
            assertThat(cloud.capturedMessages()).isEqualTo(2);
            assertThat(cloud.activeSite()).as("the queue is not critical: no failover").isEqualTo("azure");
            assertThat(cloud.capability("ordering").available()).isFalse();
            assertThat(cloud.capability("ordering").message()).isEqualTo("ordering is temporarily unavailable (queue down at site azure)");
            assertThat(cloud.capability("catalog").available()).isTrue();
            assertThat(cloud.meters().get("cloudhop.queue.captured").gauge().value()).isEqualTo(2.0);

            cloud.switchboard().clear("azure");
            cloud.probeNow();
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(cloud.capturedMessages()).isZero();
            assertThat(cloud.capability("ordering").available()).isTrue();

            Set<String> bodies = new HashSet<>();
            List<ReceivedMessage> got;
            while (!(got = cloud.queues().receive("orders", ReceiveOptions.DEFAULT.withMaxMessages(10))).isEmpty()) {
                for (ReceivedMessage m : got) {
                    assertThat(bodies.add(m.bodyAsString())).as("delivered once: " + m.bodyAsString()).isTrue();
                    assertThat(m.attributes()).containsKey(FailoverCloud.DEDUP_ATTRIBUTE);
                    cloud.queues().ack("orders", m.receipt());
                }
            }
            assertThat(bodies).containsExactlyInAnyOrder("order 1", "order 2");
        }

        @Test
        void capturedMessagesSurviveARestartOfTheFacade(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
            String failover = Fixture.failoverWith("capture.directory = \"" + dir + "\"");
            Fixture f = fixture(failover);
            FailoverCloud first = f.facade();
            first.queues().createQueue("orders");
            first.switchboard().inject("azure", Service.QUEUE, Fault.unavailable());
            first.queues().send("orders", OutgoingMessage.of("kept on disk"));
            assertThat(first.capturedMessages()).isEqualTo(1);
            first.close();
            // durable: the message is on disk while no facade runs
            assertThat(new CaptureJournal(dir).list(java.util.Optional.empty())).extracting(c -> new String(c.message().body(), StandardCharsets.UTF_8))
                    .containsExactly("kept on disk");

            // the new facade's first probe round finds the queue healthy and replays on its own
            FailoverCloud second = facade(f);
            assertThat(second.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(second.capturedMessages()).isZero();
            assertThat(second.queues().receive("orders", ReceiveOptions.DEFAULT)).extracting(ReceivedMessage::bodyAsString)
                    .containsExactly("kept on disk");
        }

        @Test
        void anUnknownCapabilityNamesTheConfiguredOnes() {
            FailoverCloud cloud = facade(fixture(Fixture.DEFAULT_FAILOVER));
            assertThatThrownBy(() -> cloud.capability("shipping")).hasMessageContaining("ordering").hasMessageContaining("catalog");
        }
    }

    @Nested
    class Topologies {

        @Test
        void activeActiveSpreadsKeysAndMovesOnlyTheFailedSitesKeys() throws Exception {
            Fixture f = fixture(Fixture.failoverWith("topology = active-active"));
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("carts");
            Map<String, String> home = new java.util.HashMap<>();
            for (int i = 0; i < 60; i++) {
                String key = "carts/c" + i;
                home.put(key, cloud.writeSite(key).id());
            }
            assertThat(new HashSet<>(home.values())).containsExactlyInAnyOrder("azure", "aws", "onprem");

            cloud.switchboard().inject("aws", Service.BLOB, Fault.unavailable());
            cloud.probeNow();
            cloud.probeNow();
            for (Map.Entry<String, String> e : home.entrySet()) {
                String now = cloud.writeSite(e.getKey()).id();
                if (e.getValue().equals("aws")) {
                    assertThat(now).isNotEqualTo("aws");
                } else {
                    assertThat(now).as("keys of healthy sites stay home").isEqualTo(e.getValue());
                }
            }
            cloud.blobs().put(BlobId.of("carts", "c1"), BlobContent.ofUtf8("cart"));
            assertThat(cloud.blobs().get(BlobId.of("carts", "c1"))).isPresent();
        }

        @Test
        void activeActiveKeysOfAFailedSiteComeHomeWithTheWritesMadeElsewhere() throws Exception {
            Fixture f = fixture(Fixture.failoverWith("topology = active-active"));
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("carts");
            BlobId cart = java.util.stream.IntStream.range(0, 100).mapToObj(i -> BlobId.of("carts", "c" + i))
                    .filter(id -> cloud.writeSite(id.toString()).id().equals("aws")).findFirst().orElseThrow();
            cloud.blobs().put(cart, BlobContent.ofUtf8("v1"));
            assertThat(text(cloud, "aws", cart)).as("written at its home site").isEqualTo("v1");

            cloud.switchboard().inject("aws", Service.BLOB, Fault.unavailable());
            cloud.probeNow();
            cloud.probeNow();
            String stand = cloud.writeSite(cart.toString()).id();
            assertThat(stand).isNotEqualTo("aws");
            cloud.blobs().put(cart, BlobContent.ofUtf8("v2"));
            assertThat(text(cloud, stand, cart)).isEqualTo("v2");

            // aws returns, but every put there takes 3 s: until v2 is there, the key stays where v2 is (asked
            // right after the probe that brings aws back, well within the copy's 3 s)
            cloud.switchboard().clear("aws");
            cloud.switchboard().inject("aws", Service.BLOB, "put", Fault.latency(Duration.ofSeconds(3)));
            cloud.probeNow();
            assertThat(cloud.health().isUp("aws", Service.BLOB)).isTrue();
            assertThat(cloud.writeSite(cart.toString()).id()).as("aws has yet to receive v2").isEqualTo(stand);
            cloud.blobs().put(cart, BlobContent.ofUtf8("v3"));
            assertThat(text(cloud, stand, cart)).isEqualTo("v3");

            cloud.switchboard().clear("aws");
            await(() -> cloud.replicationBacklog("aws") == 0, "replication to aws");
            assertThat(cloud.writeSite(cart.toString()).id()).as("the key is home again").isEqualTo("aws");
            assertThat(text(cloud, "aws", cart)).as("with the newest write made while it was away").isEqualTo("v3");
            assertThat(new String(cloud.blobs().get(cart).orElseThrow().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("v3");
        }

        @Test
        void weightedRoutingSpreadsReadsByWeight() {
            Fixture f = fixture(Fixture.failoverWith("routing = weighted\n  weights { azure = 3, aws = 1, onprem = 0 }"));
            FailoverCloud cloud = facade(f);
            Map<String, Integer> counts = new java.util.HashMap<>();
            for (int i = 0; i < 2000; i++) {
                counts.merge(cloud.readSite("k" + i).id(), 1, Integer::sum);
            }
            assertThat(counts.getOrDefault("onprem", 0)).isZero();
            assertThat(counts.get("azure")).isBetween(1300, 1700);
            assertThat(cloud.writeSite("k").id()).as("writes stay on the active site").isEqualTo("azure");
        }

        @Test
        void weightedRoutingKeepsTheReadsOfOneKeyOnOneSite() {
            Fixture f = fixture(Fixture.failoverWith("routing = weighted\n  weights { azure = 1, aws = 1 }"));
            FailoverCloud cloud = facade(f);
            Set<String> used = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                String first = cloud.readSite("k" + i).id();
                used.add(first);
                for (int again = 0; again < 10; again++) {
                    assertThat(cloud.readSite("k" + i).id()).as("reads of k" + i).isEqualTo(first);
                }
            }
            assertThat(used).containsExactlyInAnyOrder("azure", "aws", "onprem");
        }

        @Test
        void weightedReadsSeeTheirOwnWritesWhileReplicationIsBehind() throws Exception {
            Fixture f = fixture(Fixture.failoverWith("routing = weighted\n  weights { azure = 1, aws = 1000, onprem = 0 }"));
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("carts");
            BlobId id = BlobId.of("carts", "c1");
            assertThat(cloud.readSite(id.toString()).id()).as("aws takes nearly every read").isEqualTo("aws");
            cloud.switchboard().inject("aws", Service.BLOB, "put", Fault.latency(Duration.ofSeconds(2)));
            cloud.blobs().put(id, BlobContent.ofUtf8("v1"));

            assertThat(cloud.blobs().get(id)).as("aws has yet to receive the write").isPresent();
            assertThat(cloud.blobs().stat(id)).isPresent();
            BlobPage page = cloud.blobs().listPage("carts", ListOptions.ALL, Optional.empty());
            assertThat(page.entries()).hasSize(1);
            cloud.switchboard().clear("aws");
            await(() -> cloud.replicationLag("aws").isZero() && !cloud.replicationBehind("aws", id), "replication to aws");
            assertThat(cloud.readSite(id.toString(), site -> cloud.replicationBehind(site, id)).id()).isEqualTo("aws");
        }

        @Test
        void pageTokensNameTheSiteThatIssuedThem() throws Exception {
            Fixture f = fixture(Fixture.failoverWith("routing = weighted\n  weights { azure = 1, aws = 1 }"));
            FailoverCloud cloud = facade(f);
            cloud.blobs().createContainer("catalog");
            for (int i = 0; i < 25; i++) {
                cloud.blobs().put(BlobId.of("catalog", "p" + i), BlobContent.ofUtf8("p" + i));
            }
            await(() -> cloud.replicationLag("aws").isZero() && cloud.replicationLag("onprem").isZero(), "replication");
            BlobPage first = cloud.blobs().listPage("catalog", ListOptions.ALL.withPageSize(10), Optional.empty());
            String site = cloud.readSite("catalog").id();
            assertThat(first.nextToken()).hasValueSatisfying(t -> assertThat(t).startsWith(site + "|"));
            assertThat(cloud.blobs().list("catalog", ListOptions.ALL.withPageSize(10))).hasSize(25);
            assertThatThrownBy(() -> cloud.blobs().listPage("catalog", ListOptions.ALL, Optional.of("p9")))
                    .isInstanceOf(dev.cloudhop.api.InvalidRequestException.class).hasMessageContaining("page token");
        }
    }

    @Nested
    class Switchboards {

        @Test
        void latencyDelaysCallsOfOneOperationOnly() {
            FailoverCloud cloud = facade(fixture(Fixture.DEFAULT_FAILOVER));
            cloud.blobs().createContainer("c-lat");
            cloud.switchboard().inject("azure", Service.BLOB, "put", Fault.latency(Duration.ofSeconds(1)));
            long t = System.nanoTime();
            cloud.blobs().put(BlobId.of("c-lat", "k"), new byte[1]);
            assertThat(Duration.ofNanos(System.nanoTime() - t)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            long s = System.nanoTime();
            cloud.blobs().stat(BlobId.of("c-lat", "k"));
            assertThat(Duration.ofNanos(System.nanoTime() - s)).as("stat is not delayed").isLessThan(Duration.ofSeconds(1));
        }

        @Test
        void throttlingCountsAgainstHealth() {
            Fixture f = fixture(Fixture.failoverWith("automatic = false"));
            FailoverCloud cloud = facade(f);
            cloud.switchboard().inject("azure", Service.QUEUE, Fault.throttle());
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> cloud.queues().queueExists("q")).isInstanceOf(dev.cloudhop.api.ThrottledException.class);
            }
            assertThat(cloud.health().isUp("azure", Service.QUEUE)).isFalse();
        }
    }

    @Nested
    class Configuration {

        @Test
        void problemsNameTheirFailoverKeys() {
            assertThatThrownBy(() -> FailoverConfig.parse(Map.of(
                    "priority", List.of("azure", "gcp"),
                    "topology", "active-standby",
                    "probe", Map.of("interval", "soon"),
                    "dns", Map.of("zone", "z.example.com", "record", "www.z.example.com", "endpoints", Map.of("azure", "10.0.0.1")),
                    "colour", "blue"), List.of("azure", "aws"), "f.conf"))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                            .extracting(p -> p.key())
                            .contains("failover.priority[1]", "failover.topology", "failover.probe.interval",
                                    "failover.dns.endpoints.gcp", "failover.colour"))
                    .hasMessageContaining("unknown site 'gcp'")
                    .hasMessageContaining("[active-passive, active-active, redeploy]");
        }

        @Test
        void replicationParallelismIsBounded() {
            for (int bad : new int[] {0, FailoverConfigRules.MAX_PARALLELISM + 1}) {
                assertThatThrownBy(() -> FailoverConfig.parse(Map.of("priority", List.of("a", "b"),
                        "replication", Map.of("parallelism", bad)), List.of("a", "b"), "p.conf"))
                        .isInstanceOf(ConfigException.class).hasMessageContaining("failover.replication.parallelism")
                        .hasMessageContaining("was " + bad);
            }
        }

        @Test
        void defaultsAreSane() {
            FailoverConfig c = FailoverConfig.parse(Map.of("priority", List.of("a", "b")), List.of("a", "b"), "d.conf");
            assertThat(c.topology()).isEqualTo(FailoverConfig.Topology.ACTIVE_PASSIVE);
            assertThat(c.routing()).isEqualTo(FailoverConfig.Routing.PRIORITY);
            assertThat(c.automatic()).isTrue();
            assertThat(c.automaticFailback()).isFalse();
            assertThat(c.criticalServices()).containsExactly(Service.BLOB);
            assertThat(c.probe().interval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(c.syncReplication()).isFalse();
            assertThat(c.parallelism()).isEqualTo(4);
        }
    }
}
