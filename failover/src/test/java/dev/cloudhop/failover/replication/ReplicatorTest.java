package dev.cloudhop.failover.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.capture.CaptureJournal;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.metrics.FailoverMeters;
import dev.cloudhop.failover.routing.ActiveSite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replicator alone, over two local sites; site b rejects blobs named {@code bad*} for good. */
class ReplicatorTest {

    private static final InterceptedSite.Hooks NO_HOOKS = new InterceptedSite.Hooks() {
        @Override
        public void beforeCall(SiteInfo site, Service service, String operation) {
        }

        @Override
        public void succeeded(String site, Service service) {
        }

        @Override
        public void failed(String site, Service service, String reason) {
        }
    };

    private final ProviderRegistry providers = ProviderRegistry.discover();
    private final Sites sites = Cloudhop.open(CloudhopConfig.parse("sites { a { provider = local, region = r1 }, "
            + "b { provider = local, region = r2 } }", "test.conf", Map.of(), providers), providers);
    private final InterceptedSite a = new InterceptedSite(sites.site("a"), NO_HOOKS);
    private final InterceptedSite b = new InterceptedSite(rejectingBad(sites.site("b")), NO_HOOKS);
    private final EventBus events = new EventBus();
    private final Replicator replicator = new Replicator(List.of(a, b), id -> true, Clock.systemUTC(), 2, false, events);

    @AfterEach
    void close() {
        replicator.close();
        sites.close();
    }

    @Test
    void aWriteReachesTheOtherSiteAndLeavesTheBacklog() {
        a.blobs().createContainer("ctr");
        BlobId id = BlobId.of("ctr", "good");
        a.blobs().put(id, BlobContent.ofUtf8("v1"));
        replicator.acknowledged("a", id, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> replicator.pending("b") == 0);
        assertThat(b.blobs().get(id)).isPresent();
        assertThat(replicator.behind("b", id)).isFalse();
        assertThat(replicator.replicated()).isEqualTo(1);
        assertThat(replicator.dropped()).isZero();
    }

    @Test
    void systemRecordsAreNeverReplicated() {
        replicator.acknowledged("a", BlobId.of("cloudhop-system", "fence"), false);
        assertThat(replicator.pendingTotal()).isZero();
    }

    @Test
    void aWriteTheTargetRejectsForGoodIsDroppedCountedAndPublished(@TempDir Path dir) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        HealthMonitor health = new HealthMonitor(List.of("a", "b"), 1, 1, Clock.systemUTC(), events, (s, x) -> { });
        new FailoverMeters(List.of("a", "b"), health, new ActiveSite(Set.of("a", "b"), events, Clock.systemUTC()), replicator,
                new CaptureJournal(dir)).bindTo(meters);
        a.blobs().createContainer("ctr");
        BlobId id = BlobId.of("ctr", "bad-name");
        a.blobs().put(id, BlobContent.ofUtf8("v1"));

        replicator.acknowledged("a", id, false);

        await().atMost(Duration.ofSeconds(10)).until(() -> replicator.dropped("b") == 1);
        assertThat(replicator.pending("b")).as("a dropped write leaves the backlog").isZero();
        assertThat(meters.get("cloudhop.replication.dropped").tag("site", "b").functionCounter().count()).isEqualTo(1.0);
        assertThat(meters.get("cloudhop.replication.dropped").tag("site", "a").functionCounter().count()).isZero();
        assertThat(events.history()).filteredOn(FailoverEvent.ReplicationDropped.class::isInstance).singleElement()
                .satisfies(e -> {
                    FailoverEvent.ReplicationDropped d = (FailoverEvent.ReplicationDropped) e;
                    assertThat(d.source()).isEqualTo("a");
                    assertThat(d.target()).isEqualTo("b");
                    assertThat(d.blob()).isEqualTo(id.toString());
                    assertThat(d.reason()).contains("InvalidRequestException");
                });
    }

    /** The site, with a blob store that refuses puts of names starting with "bad" as invalid. */
    private static Cloud rejectingBad(Cloud site) {
        BlobStore real = site.blobs();
        BlobStore rejecting = (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("put") && args[0] instanceof BlobId id && id.name().startsWith("bad")) {
                        throw new InvalidRequestException(ErrorContext.of(site.site(), "blob.put"), "name rejected");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new Cloud() {
            @Override
            public SiteInfo site() {
                return site.site();
            }

            @Override
            public Set<Capability> capabilities() {
                return site.capabilities();
            }

            @Override
            public BlobStore blobs() {
                return rejecting;
            }

            @Override
            public QueueService queues() {
                return site.queues();
            }

            @Override
            public DnsService dns() {
                return site.dns();
            }

            @Override
            public ComputeService compute() {
                return site.compute();
            }

            @Override
            public void close() {
                site.close();
            }
        };
    }
}
