package dev.cloudhop.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.spi.SiteConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudhopConfigTest {

    private static final String KEY_VALUE = "c2VjcmV0LWtleS12YWx1ZQ==";
    private final ProviderRegistry providers = ProviderRegistry.of(List.of(new TestProvider()));

    @Test
    void parsesTypedValuesAndAppliesDefaults() {
        CloudhopConfig config = CloudhopConfig.parse("""
                sites { s3 { provider = remote, region = us-east-1, endpoint = "http://127.0.0.1:4566",
                             credentials.key = "env:KEY", multipart-threshold = 8 MiB } }
                """, "t.conf", Map.of("KEY", KEY_VALUE), providers);
        SiteConfig site = config.site("s3").orElseThrow();
        assertThat(site.uri("endpoint")).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(site.secret("credentials.key").orElseThrow().reveal()).isEqualTo(KEY_VALUE);
        assertThat(site.duration("timeout")).contains(Duration.ofSeconds(5));
        assertThat(site.integer("retries")).contains(3);
        assertThat(site.bytes("multipart-threshold")).contains(8L << 20);
    }

    @Test
    void secretsNeverAppearInToStringOrErrors() {
        CloudhopConfig config = CloudhopConfig.parse("""
                sites { a { provider = remote, region = r, endpoint = "http://h:1", credentials.key = "literal:%s" } }
                """.formatted(KEY_VALUE), "t.conf", Map.of(), providers);
        assertThat(config.toString()).doesNotContain(KEY_VALUE).contains("literal:***");
        assertThat(config.site("a").orElseThrow().secret("credentials.key").orElseThrow().toString())
                .isEqualTo("Secret[literal:***]");

        assertThatThrownBy(() -> CloudhopConfig.parse("""
                sites { a { provider = remote, region = r, endpoint = "http://h:1", credentials.key = "%s" } }
                """.formatted(KEY_VALUE), "t.conf", Map.of(), providers))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sites.a.credentials.key: must be a reference env:NAME, file:PATH or literal:VALUE")
                .hasMessageNotContaining(KEY_VALUE);
    }

    @Test
    void passwordsInEndpointsNeverAppearInToStringOrErrors() {
        CloudhopConfig config = CloudhopConfig.parse("""
                sites { a { provider = remote, region = r, endpoint = "http://admin:%s@h:1/x", credentials.key = "env:K" } }
                """.formatted(KEY_VALUE), "t.conf", Map.of("K", "k"), providers);
        assertThat(config.toString()).doesNotContain(KEY_VALUE).contains("http://***@h:1/x");
        assertThat(config.site("a").orElseThrow().uri("endpoint")).hasValueSatisfying(u -> assertThat(u.getUserInfo())
                .as("the value itself is intact").isEqualTo("admin:" + KEY_VALUE));

        assertThatThrownBy(() -> CloudhopConfig.parse("""
                sites { a { provider = remote, region = r, endpoint = "admin:%s@h", credentials.key = "env:K" } }
                """.formatted(KEY_VALUE), "t.conf", Map.of("K", "k"), providers))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sites.a.endpoint: must be an absolute URI with a host")
                .hasMessageNotContaining(KEY_VALUE);
        assertThatThrownBy(() -> CloudhopConfig.parse("""
                sites { a { provider = remote, region = r, endpoint = "http://admin:%s@h:1", credentials.key = "env:K", timeout = soon } }
                """.formatted(KEY_VALUE), "t.conf", Map.of("K", "k"), providers))
                .isInstanceOf(ConfigException.class).hasMessageNotContaining(KEY_VALUE);
    }

    @Test
    void namesAreCheckedAgainstTheProvidersTheConfigNames() {
        CloudhopConfig config = CloudhopConfig.parse("""
                sites { a { provider = remote, region = r, endpoint = "http://h:1", credentials.key = "env:K" } }
                """, "t.conf", Map.of("K", "k"), providers);
        dev.cloudhop.api.naming.PortableNames names = dev.cloudhop.api.naming.PortableNames.of(config, providers);
        assertThat(names.providers()).containsExactly("aws"); // the test provider declares the AWS rules
        assertThat(names.check(dev.cloudhop.api.naming.NameKind.CONTAINER, "My_Bucket").message())
                .contains("aws: S3 bucket names hold only").doesNotContain("azure");
    }

    @Test
    void secretsAreReadFromFiles(@TempDir Path dir) throws IOException {
        Path keyFile = Files.writeString(dir.resolve("key"), KEY_VALUE + "\n");
        CloudhopConfig config = CloudhopConfig.parse("""
                sites { a { provider = remote, region = r, endpoint = "http://h:1", credentials.key = "file:%s" } }
                """.formatted(keyFile), "t.conf", Map.of(), providers);
        assertThat(config.site("a").orElseThrow().secret("credentials.key").orElseThrow().reveal()).isEqualTo(KEY_VALUE);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> CloudhopConfig.parse("""
                sites {
                  a { provider = remote, region = r, endpoint = "not a uri", credentials.key = "env:MISSING", timeout = soon }
                  B { provider = remote }
                  c { provider = remtoe, region = r }
                }
                """, "many.conf", Map.of(), providers))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.key())
                        .containsExactlyInAnyOrder("sites.a.endpoint", "sites.a.credentials.key", "sites.a.timeout",
                                "sites.B", "sites.c.provider"))
                .hasMessageContaining("environment variable MISSING is not set")
                .hasMessageContaining("unknown provider 'remtoe'; available providers: remote (did you mean 'remote'?)");
    }

    @Test
    void problemsOfDifferentSectionsAreReportedTogether() {
        assertThatThrownBy(() -> CloudhopConfig.parse("""
                sites { a { provider = remote, region = r, endpoint = "http://h:1", credentials.key = "env:K", retries = many } }
                failover = [a]
                colour = blue
                """, "sections.conf", Map.of("K", "k"), providers))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString)
                        .containsExactly("sections.conf: colour: unknown key; expected failover or sites",
                                "sections.conf: sites.a.retries: must be a whole number (retries)",
                                "sections.conf: failover: must be an object"));
    }

    @Test
    void missingRequiredKeysNameTheProviderAndPurpose() {
        assertThatThrownBy(() -> CloudhopConfig.parse("sites { a { provider = remote, region = r } }", "m.conf", Map.of(), providers))
                .hasMessageContaining("m.conf: sites.a.endpoint: missing; required by provider remote: the service endpoint")
                .hasMessageContaining("m.conf: sites.a.credentials.key: missing");
    }

    @Test
    void missingAndEmptySitesAreErrors() {
        assertThatThrownBy(() -> CloudhopConfig.parse("failover {}", "e.conf", Map.of(), providers))
                .hasMessageContaining("e.conf: sites: missing");
        assertThatThrownBy(() -> CloudhopConfig.parse("sites {}", "e.conf", Map.of(), providers))
                .hasMessageContaining("sites: is empty");
    }

    @Test
    void syntaxErrorsNameTheFileAndLine() {
        assertThatThrownBy(() -> CloudhopConfig.parse("sites { a { provider = ", "bad.conf", Map.of(), providers))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.conf");
    }

    @Test
    void aMissingFileIsReported(@TempDir Path dir) {
        assertThatThrownBy(() -> CloudhopConfig.load(dir.resolve("nope.conf"), Map.of(), providers))
                .hasMessageContaining("nope.conf: : configuration file not found");
    }

    @Test
    void hoconSubstitutionsReadTheGivenEnvironment() {
        CloudhopConfig config = CloudhopConfig.parse("""
                sites { a { provider = remote, region = ${?REGION}, endpoint = "http://h:1", credentials.key = "env:K" } }
                """, "s.conf", Map.of("REGION", "eu-west-1", "K", "x"), providers);
        assertThat(config.site("a").orElseThrow().info().region()).isEqualTo("eu-west-1");
    }

    @Test
    void environmentVariableNamesMapToPaths() {
        assertThat(CloudhopConfig.envNameToPath("SITES_PRIMARY_REGION")).isEqualTo("sites.primary.region");
        assertThat(CloudhopConfig.envNameToPath("SITES_US__EAST_QUEUE_DEDUP__WINDOW")).isEqualTo("sites.us-east.queue.dedup-window");
        assertThat(CloudhopConfig.envNameToPath("SITES_A_SNAKE___KEY")).isEqualTo("sites.a.snake_key");
    }

    @Test
    void theFailoverSectionIsKeptForTheFacade() {
        CloudhopConfig config = CloudhopConfig.parse("""
                sites { a { provider = remote, region = r, endpoint = "http://h:1", credentials.key = "literal:x" } }
                failover { priority = [a], probe.interval = 100ms }
                """, "f.conf", Map.of(), providers);
        assertThat(config.failover()).containsKey("priority").containsKey("probe");
    }

    @Test
    void duplicateProviderIdsFailFastNamingBothClasses() {
        class Other extends ProviderStub {
        }
        assertThatThrownBy(() -> ProviderRegistry.of(List.of(new TestProvider(), new Other())))
                .hasMessageContaining("two providers claim the id 'remote'")
                .hasMessageContaining(TestProvider.class.getName());
    }

    /** A second provider claiming the test provider's id. */
    abstract static class ProviderStub implements dev.cloudhop.api.spi.CloudProvider {
        private final TestProvider delegate = new TestProvider();

        @Override
        public String id() {
            return delegate.id();
        }

        @Override
        public String description() {
            return "duplicate";
        }

        @Override
        public java.util.Set<dev.cloudhop.api.Capability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public List<dev.cloudhop.api.spi.ConfigKey> configKeys() {
            return delegate.configKeys();
        }

        @Override
        public dev.cloudhop.api.naming.NamingRules namingRules() {
            return delegate.namingRules();
        }

        @Override
        public com.google.inject.Module module(SiteConfig site) {
            return delegate.module(site);
        }
    }
}
