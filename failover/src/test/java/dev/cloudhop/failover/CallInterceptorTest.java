package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.drill.Fault;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Interceptors see every call to a site, including those made by the services' default methods. */
class CallInterceptorTest {

    private final Fixture fixture = new Fixture(Fixture.failoverWith("automatic = false"));
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final FailoverCloud cloud = FailoverCloud.builder(fixture.sites, FailoverConfig.of(fixture.config))
            .clock(fixture.clock).scheduledProbes(false)
            .interceptor((site, service, operation) -> seen.add(site.id() + " " + service.key() + "." + operation))
            .build();

    @AfterEach
    void close() {
        cloud.close();
        fixture.close();
    }

    @Test
    void lazyListingPassesTheInterceptorsAndTheSwitchboard() {
        cloud.blobs().createContainer("calls");
        cloud.blobs().put(BlobId.of("calls", "k"), new byte[1]);
        seen.clear();
        assertThat(cloud.blobs().list("calls").count()).isEqualTo(1);
        assertThat(seen).contains("azure blob.listPage");

        cloud.siteIds().forEach(id -> cloud.switchboard().inject(id, Service.BLOB, "listPage", Fault.unavailable()));
        assertThat(cloud.rawSite("azure").blobs().list("calls").count()).as("the raw site is not intercepted").isEqualTo(1);
        assertThatThrownBy(() -> cloud.blobs().list("calls").count()).isInstanceOf(UnavailableException.class);
    }

    @Test
    void injectedOutagesCountAgainstHealth() {
        cloud.switchboard().inject("azure", Service.QUEUE, Fault.unavailable());
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> cloud.queues().queueExists("calls")).isInstanceOf(UnavailableException.class);
        }
        assertThat(cloud.health().isUp("azure", Service.QUEUE)).isFalse();
        cloud.switchboard().clear("azure");
        cloud.probeNow();
        assertThat(cloud.health().isUp("azure", Service.QUEUE)).isTrue();
    }
}
