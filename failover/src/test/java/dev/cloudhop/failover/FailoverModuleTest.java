package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.queue.QueueService;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link FailoverModule}: the facade and its services injectable next to the per-site bindings. */
class FailoverModuleTest {

    private static CloudhopConfig config(String failover) {
        return CloudhopConfig.parse(Fixture.SITES + failover, "test.conf", Map.of(), ProviderRegistry.discover());
    }

    @Test
    void theFacadeAndItsServicesAreBoundUnderOneNameBesideTheSites() {
        Injector injector = Guice.createInjector(new FailoverModule(config(Fixture.DEFAULT_FAILOVER)));
        FailoverCloud facade = injector.getInstance(FailoverCloud.class);
        try (facade) {
            assertThat(injector.getInstance(Key.get(Cloud.class, Names.named(FailoverModule.NAME)))).isSameAs(facade);
            assertThat(injector.getInstance(Key.get(QueueService.class, Names.named(FailoverModule.NAME))))
                    .isSameAs(facade.queues());

            BlobStore blobs = injector.getInstance(Key.get(BlobStore.class, Names.named(FailoverModule.NAME)));
            blobs.createContainer("catalog");
            blobs.put(BlobId.of("catalog", "p1"), BlobContent.ofUtf8("shoes"));
            // the write went through the facade to the active site, which stays injectable by its name
            assertThat(facade.activeSite()).isEqualTo("azure");
            BlobStore azure = injector.getInstance(Key.get(BlobStore.class, Names.named("azure")));
            assertThat(azure.get(BlobId.of("catalog", "p1"))).hasValueSatisfying(
                    b -> assertThat(new String(b.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("shoes"));
        }
    }

    @Test
    void aBadFailoverSectionFailsWhenTheModuleIsCreatedNamingTheKey() {
        assertThatThrownBy(() -> new FailoverModule(config(Fixture.failoverWith("replication.parallelism = 0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("replication.parallelism");
    }
}
