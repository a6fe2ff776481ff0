package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.failover.metrics.CallTimers;
import dev.cloudhop.failover.metrics.FailoverMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The facade's meters in a registry of the application's, after real calls, captures and a manual failover. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverMetersTest {

    /** A facade whose reconciliation at start is done, so that its repairs do not count among the test's copies. */
    private static FailoverCloud facade(Fixture f, MeterRegistry registry) {
        FailoverCloud cloud = FailoverCloud.builder(f.sites, FailoverConfig.of(f.config)).clock(f.clock).scheduledProbes(false)
                .meterRegistry(registry).build();
        cloud.awaitIdle(Duration.ofSeconds(10));
        return cloud;
    }

    private static double calls(MeterRegistry registry, String site, String service, String operation, String outcome) {
        return registry.find(CallTimers.NAME).tag("site", site).tag("service", service).tag("operation", operation)
                .tag("outcome", outcome).timers().stream().mapToLong(Timer::count).sum();
    }

    @Test
    void callsRunbookStepsTheFailoverAndReplicationAreMeteredWithTheirTags() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Fixture f = new Fixture(); FailoverCloud cloud = facade(f, registry)) {
            assertThat(cloud.meters()).isSameAs(registry);
            cloud.blobs().createContainer("orders");
            // the facade's own calls (fences written at open) are calls too: count from here
            double azurePuts = calls(registry, "azure", "blob", "put", "ok");
            double awsPuts = calls(registry, "aws", "blob", "put", "ok");
            double onpremPuts = calls(registry, "onprem", "blob", "put", "ok");
            for (int i = 0; i < 5; i++) {
                cloud.blobs().put(BlobId.of("orders", "o" + i), BlobContent.ofUtf8("order " + i));
            }
            assertThatThrownBy(() -> cloud.blobs().put(BlobId.of("orders", "o0"), BlobContent.ofUtf8("again"),
                    PutOptions.DEFAULT.withIfNoneMatch())).isInstanceOf(ConflictException.class);

            assertThat(calls(registry, "azure", "blob", "put", "ok")).isEqualTo(azurePuts + 5);
            assertThat(calls(registry, "azure", "blob", "put", "ConflictException")).isEqualTo(1);
            Timer put = registry.get(CallTimers.NAME).tags("site", "azure", "service", "blob", "operation", "put",
                    "outcome", "ok").timer();
            assertThat(put.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(put.takeSnapshot().histogramCounts()).as("fixed buckets, for quantiles across instances")
                    .isNotEmpty();
            // replication's copies are calls to the other sites too
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(registry.get("cloudhop.replication.copied").functionCounter().count()).isEqualTo(10.0);
                assertThat(calls(registry, "aws", "blob", "put", "ok")).isEqualTo(awsPuts + 5);
                assertThat(calls(registry, "onprem", "blob", "put", "ok")).isEqualTo(onpremPuts + 5);
            });

            RunbookReport report = cloud.failover("aws");

            assertThat(report.ok()).isTrue();
            for (RunbookReport.Step step : report.steps()) {
                Timer t = registry.get("cloudhop.runbook.step").tags("step", step.name(), "ok", "true").timer();
                assertThat(t.count()).as(step.name()).isEqualTo(1);
                assertThat(t.totalTime(TimeUnit.NANOSECONDS)).as(step.name()).isEqualTo(step.took().toNanos());
            }
            Timer failover = registry.get("cloudhop.failover.duration").tags("from", "azure", "to", "aws", "ok", "true")
                    .timer();
            assertThat(failover.count()).isEqualTo(1);
            assertThat(failover.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(report.took().toNanos());
            assertThat(registry.get("cloudhop.failovers").counter().count()).isEqualTo(1.0);

            double atAws = calls(registry, "aws", "blob", "put", "ok");
            cloud.blobs().put(BlobId.of("orders", "after"), BlobContent.ofUtf8("at aws"));
            assertThat(calls(registry, "aws", "blob", "put", "ok")).isEqualTo(atAws + 1);
        }
    }

    @Test
    void aCallAnInterceptorFailsIsTimedWithTheExceptionAsOutcome() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Fixture f = new Fixture(); FailoverCloud cloud = facade(f, registry)) {
            cloud.switchboard().inject("onprem", Service.DNS, Fault.unavailable());
            cloud.probeNow();

            assertThat(registry.find(CallTimers.NAME).tags("site", "onprem", "service", "dns", "outcome",
                    "UnavailableException").timers()).as("the probe's calls").isNotEmpty()
                    .allSatisfy(t -> assertThat(t.count()).isPositive());
        }
    }

    @Test
    void timersAreMadeOncePerSiteServiceOperationAndOutcome() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CallTimers timers = new CallTimers(registry);
        assertThat(timers.of("a", Service.BLOB)).isSameAs(timers.of("a", Service.BLOB));
        for (int i = 0; i < 100; i++) {
            timers.of("a", Service.BLOB).record("get", null, 1_000_000);
            timers.of("a", Service.BLOB).record("get", new IllegalStateException("x"), 2_000_000);
        }
        assertThat(registry.find(CallTimers.NAME).timers()).hasSize(2);
        assertThat(registry.get(CallTimers.NAME).tag("outcome", "ok").timer().count()).isEqualTo(100);
        assertThat(registry.get(CallTimers.NAME).tag("outcome", "IllegalStateException").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(200.0);
    }

    @Test
    void capturedAndReplayedMessagesAreCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Fixture f = new Fixture(); FailoverCloud cloud = facade(f, registry)) {
            cloud.queues().createQueue("orders");
            cloud.switchboard().inject("azure", Service.QUEUE, Fault.unavailable());
            cloud.queues().send("orders", OutgoingMessage.of("order 1").withDedupKey("order-1"));
            cloud.probeNow();
            cloud.probeNow();
            cloud.queues().send("orders", OutgoingMessage.of("order 2").withDedupKey("order-2"));
            assertThat(registry.get("cloudhop.queue.captures").tags("site", "azure", "queue", "orders").counter()
                    .count()).isEqualTo(2.0);

            cloud.switchboard().clear("azure");
            cloud.probeNow();
            assertThat(cloud.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(registry.get("cloudhop.queue.replayed").tags("site", "azure", "queue", "orders", "source", "capture")
                    .counter().count()).isEqualTo(2.0);
        }
    }

    @Test
    void aDrillsDetectionAndRtoAreRecordedWithPercentileHistograms() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DrillReport report = new DrillReport("region-outage", "all services of azure unavailable", "azure", "aws",
                Duration.ofMillis(40), Duration.ofMillis(300), 0, 10, 1, List.of(), List.of(), Map.of(), List.of(),
                Duration.ofSeconds(2));

        FailoverMeters.drillFinished(registry, report);
        FailoverMeters.drillFinished(registry, new DrillReport("region-outage", "again", "azure", "aws", null,
                Duration.ofMillis(500), 0, 10, 0, List.of(), List.of(), Map.of(), List.of(), Duration.ofSeconds(2)));

        Timer detection = registry.get("cloudhop.drill.detection").tags("scenario", "region-outage", "site", "azure").timer();
        Timer rto = registry.get("cloudhop.drill.rto").tags("scenario", "region-outage", "site", "azure").timer();
        assertThat(detection.count()).as("a drill that never detected records no detection").isEqualTo(1);
        assertThat(detection.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40.0);
        assertThat(rto.count()).isEqualTo(2);
        assertThat(rto.max(TimeUnit.MILLISECONDS)).isEqualTo(500.0);
        // the buckets of a percentile histogram are published by registries that aggregate them (Prometheus: see the
        // samples' CommerceMetricsTest), not by the simple registry
    }
}
