package dev.cloudhop.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.CloudhopModule;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration-driven bootstrap with the real local provider: files, errors, Guice, isolation. */
class BootstrapTest {

    private static final String TWO_SITES = """
            sites {
              primary   { provider = local, region = westeurope }
              secondary { provider = local, region = us-east-1 }
            }
            """;

    @Test
    void opensSitesFromAFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("cloudhop.conf"), TWO_SITES);
        try (Sites sites = Cloudhop.open(file, Map.of())) {
            assertThat(sites.ids()).containsExactly("primary", "secondary");
            Cloud primary = sites.site("primary");
            assertThat(primary.site().provider()).isEqualTo("local");
            assertThat(primary.site().region()).isEqualTo("westeurope");
            primary.blobs().createContainer("catalog");
            primary.blobs().put(BlobId.of("catalog", "p1.json"), "{}".getBytes());
            assertThat(primary.blobs().stat(BlobId.of("catalog", "p1.json"))).isPresent();
        }
    }

    @Test
    void typoInProviderAndTwoMissingKeysAreReportedTogether(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("broken.conf"), """
                sites {
                  primary   { provider = lcoal, region = westeurope }
                  secondary { provider = local }
                  onprem    { region = dc1 }
                }
                """);
        assertThatThrownBy(() -> CloudhopConfig.load(file, Map.of(), ProviderRegistry.discover()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(ConfigProblem::key)
                            .containsExactlyInAnyOrder("sites.primary.provider", "sites.secondary.region",
                                    "sites.onprem.provider");
                    assertThat(e.problems()).allSatisfy(p -> assertThat(p.source()).isEqualTo(file.toString()));
                    assertThat(e.getMessage())
                            .contains("3 problems")
                            .contains("unknown provider 'lcoal'", "available providers: local", "did you mean 'local'?")
                            .contains("sites.secondary.region: missing")
                            .contains("sites.onprem.provider: missing");
                });
    }

    @Test
    void unknownAndInvalidProviderKeysAreNamed() {
        var result = CloudhopConfig.validate("""
                sites { a { provider = local, region = r, queue.dedup-window = banana, queue.max-mesage-size = 1 } }
                extra = 1
                """, "x.conf", Map.of(), ProviderRegistry.discover());
        assertThat(result.isInvalid()).isTrue();
        assertThat(result.getError().map(ConfigProblem::toString).asJava())
                .anySatisfy(p -> assertThat(p).startsWith("x.conf: sites.a.queue.dedup-window: must be a duration"))
                .anySatisfy(p -> assertThat(p).startsWith("x.conf: sites.a.queue.max-mesage-size: unknown key for provider local")
                        .contains("did you mean 'queue.max-message-size'?"))
                .anySatisfy(p -> assertThat(p).startsWith("x.conf: extra: unknown key"));
    }

    @Test
    void environmentOverridesTheFile() {
        CloudhopConfig config = CloudhopConfig.validate(TWO_SITES, "env.conf",
                Map.of("CLOUDHOP_SITES_PRIMARY_REGION", "northeurope",
                        "CLOUDHOP_SITES_SECONDARY_QUEUE_DEDUP__WINDOW", "2 minutes",
                        "CLOUDHOP_TOOLS", "/opt/tools"),
                ProviderRegistry.discover()).get();
        assertThat(config.site("primary").orElseThrow().info().region()).isEqualTo("northeurope");
        assertThat(config.site("secondary").orElseThrow().duration("queue.dedup-window")).contains(Duration.ofMinutes(2));
        assertThat(config.site("primary").orElseThrow().duration("queue.dedup-window")).contains(Duration.ofMinutes(5));
    }

    @Test
    void twoSitesOfOneProviderAreIsolated() {
        try (Sites sites = LocalSites.open(TWO_SITES)) {
            Cloud a = sites.site("primary");
            Cloud b = sites.site("secondary");
            a.blobs().createContainer("shared-name");
            a.blobs().put(BlobId.of("shared-name", "k"), new byte[] {1});
            assertThat(b.blobs().containerExists("shared-name")).isFalse();

            a.queues().createQueue("orders");
            a.queues().send("orders", OutgoingMessage.of("x"));
            assertThat(b.queues().queueExists("orders")).isFalse();

            a.dns().createZone("shop.example.com");
            a.dns().upsert("shop.example.com", RecordSet.of("www.shop.example.com", RecordType.A, Duration.ofSeconds(30), "10.0.0.1"));
            assertThat(b.dns().zone("shop.example.com")).isEmpty();

            a.compute().launch(NodeSpec.of("web", "57", "small"), 1);
            assertThat(a.compute().listNodes("web")).hasSize(1);
            assertThat(b.compute().listNodes("web")).isEmpty();
        }
    }

    @Test
    void twoOpeningsOfOneConfigDoNotShareState() {
        try (Sites first = LocalSites.open(TWO_SITES); Sites second = LocalSites.open(TWO_SITES)) {
            first.site("primary").compute().launch(NodeSpec.of("web", "57", "small"), 1);
            assertThat(second.site("primary").compute().listNodes()).isEmpty();
        }
    }

    @Test
    void applicationsInjectNamedSitesThroughTheModule() {
        CloudhopConfig config = CloudhopConfig.validate(TWO_SITES, "guice.conf", Map.of(), ProviderRegistry.discover()).get();
        Injector injector = Guice.createInjector(new CloudhopModule(config));
        BlobStore primaryBlobs = injector.getInstance(Key.get(BlobStore.class, Names.named("primary")));
        Cloud primary = injector.getInstance(Key.get(Cloud.class, Names.named("primary")));
        QueueService secondaryQueues = injector.getInstance(Key.get(QueueService.class, Names.named("secondary")));
        assertThat(primary.blobs()).isSameAs(primaryBlobs);
        assertThat(injector.getInstance(Key.get(Cloud.class, Names.named("secondary"))).queues()).isSameAs(secondaryQueues);
        assertThat(injector.getInstance(Key.get(Cloud.class, Names.named("primary")))).isSameAs(primary);
        secondaryQueues.createQueue("jobs");
        secondaryQueues.send("jobs", OutgoingMessage.of("hello"));
        assertThat(secondaryQueues.receive("jobs", ReceiveOptions.DEFAULT)).singleElement()
                .satisfies(m -> assertThat(m.bodyAsString()).isEqualTo("hello"));
        injector.getInstance(Sites.class).close();
    }

    @Test
    void unknownSiteNamesTheConfiguredOnes() {
        try (Sites sites = LocalSites.open(TWO_SITES)) {
            assertThatThrownBy(() -> sites.site("tertiary"))
                    .hasMessageContaining("no site 'tertiary'")
                    .hasMessageContaining("primary, secondary");
        }
    }

    @Test
    void aClosedSiteRefusesUse() {
        Sites sites = LocalSites.open(TWO_SITES);
        Cloud primary = sites.site("primary");
        sites.close();
        assertThatThrownBy(primary::blobs).isInstanceOf(IllegalStateException.class).hasMessageContaining("primary");
    }
}
