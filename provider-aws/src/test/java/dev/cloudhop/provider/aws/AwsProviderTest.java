package dev.cloudhop.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.spi.ConfigKey;
import dev.cloudhop.api.spi.Secret;
import dev.cloudhop.api.spi.SiteConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The provider as data: SPI discovery, config keys, endpoint and credential resolution, value encodings. */
class AwsProviderTest {

    private static final SiteInfo SITE = new SiteInfo("s", "aws", "eu-west-1");

    private static SiteConfig config(Map<String, Object> values) {
        return new SiteConfig(SITE, values);
    }

    @Test
    void theProviderIsDiscoveredById() {
        assertThat(ProviderRegistry.discover().find("aws")).get().isInstanceOf(AwsProvider.class);
        AwsProvider provider = new AwsProvider();
        assertThat(provider.capabilities()).contains(Capability.BLOB, Capability.BLOB_CONDITIONAL_WRITE,
                Capability.QUEUE_DEDUP, Capability.DNS, Capability.COMPUTE_LAUNCH, Capability.COMPUTE_USER_DATA)
                .doesNotContain(Capability.COMPUTE_RUN_SCRIPT);
        assertThat(provider.configKeys()).extracting(ConfigKey::name).contains("endpoint", "credentials.access-key",
                "credentials.secret-key", "profile", "timeouts.connect", "timeouts.read", "s3.path-style");
        assertThat(provider.configKeys()).filteredOn(k -> k.name().startsWith("credentials."))
                .allSatisfy(k -> assertThat(k.type()).isEqualTo(ConfigKey.Type.SECRET));
    }

    @Test
    void aSiteLoadsFromHoconWithDefaults() {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse("sites { a { provider = aws, region = eu-west-1 } }", "t.conf",
                Map.of(), providers);
        AwsSettings settings = AwsSettings.from(config.site("a").orElseThrow(), Map.of());
        assertThat(settings.endpoint()).isEmpty();
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.maxAttempts()).isEqualTo(3);
        assertThat(settings.maxMessageBytes()).isEqualTo(256 * 1024);
        assertThat(settings.conditionalWrites()).isTrue();
        assertThat(settings.endpointOf("S3")).isEmpty();
    }

    @Test
    void unknownKeysAreReportedWithTheKnownOnes() {
        ProviderRegistry providers = ProviderRegistry.discover();
        assertThatThrownBy(() -> CloudhopConfig.parse("sites { a { provider = aws, region = x, endpont = \"http://h\" } }",
                "t.conf", Map.of(), providers))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("endpont").hasMessageContaining("endpoint");
    }

    @Test
    void theEndpointComesFromConfigElseFromAwsEndpointUrlVariables() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
        env.put("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324");
        AwsSettings fromEnv = AwsSettings.from(config(Map.of()), env);
        assertThat(fromEnv.endpointOf("S3")).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(fromEnv.endpointOf("SQS")).contains(URI.create("http://127.0.0.1:9324"));

        AwsSettings configured = AwsSettings.from(config(Map.of("endpoint", URI.create("http://127.0.0.1:5000"))), env);
        assertThat(configured.endpointOf("SQS")).contains(URI.create("http://127.0.0.1:5000"));
        assertThat(AwsSettings.from(config(Map.of()), Map.of()).endpointOf("EC2")).isEmpty();
    }

    @Test
    void inconsistentKeysAreReportedTogether() {
        assertThatThrownBy(() -> AwsSettings.from(config(Map.of("credentials.secret-key", new Secret("env:S", "s"),
                "max-attempts", 0)), Map.of()))
                .isInstanceOfSatisfying(dev.cloudhop.api.config.ConfigException.class, e -> assertThat(e.problems())
                        .extracting(dev.cloudhop.api.config.ConfigProblem::key)
                        .containsExactly("sites.s.credentials.access-key", "sites.s.max-attempts"));
    }

    @Test
    void credentialsComeInPairsAndNeverShow() {
        Secret key = new Secret("literal:AKIDEXAMPLE", "AKIDEXAMPLE");
        Secret secret = new Secret("env:MY_SECRET", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assertThatThrownBy(() -> AwsSettings.from(config(Map.of("credentials.access-key", key)), Map.of()))
                .isInstanceOf(dev.cloudhop.api.config.ConfigException.class)
                .hasMessageContaining("credentials.access-key").hasMessageContaining("credentials.secret-key")
                .hasMessageNotContaining("AKIDEXAMPLE");

        AwsSettings settings = AwsSettings.from(config(Map.of("credentials.access-key", key,
                "credentials.secret-key", secret)), Map.of());
        assertThat(settings.toString()).doesNotContain(secret.reveal()).doesNotContain("AKIDEXAMPLE");
        assertThat(settings.credentials().resolveCredentials().secretAccessKey()).isEqualTo(secret.reveal());
    }

    @Test
    void aSiteWithoutAtomicConditionalWritesDoesNotClaimThem() {
        AwsSettings off = AwsSettings.from(config(Map.of("s3.conditional-writes", false)), Map.of());
        assertThat(AwsModule.capabilities(off)).doesNotContain(Capability.BLOB_CONDITIONAL_WRITE).contains(Capability.BLOB);
        assertThat(AwsModule.capabilities(AwsSettings.from(config(Map.of()), Map.of())))
                .contains(Capability.BLOB_CONDITIONAL_WRITE);
    }

    @Test
    void sqsBodiesAreSentAsTextOnlyWhenSqsAcceptsThem() {
        assertThat(SqsQueueService.sqsText("héllo\n\tworld 😀".getBytes(StandardCharsets.UTF_8))).isEqualTo("héllo\n\tworld 😀");
        assertThat(SqsQueueService.sqsText(new byte[] {0, 1, 2})).isNull();
        assertThat(SqsQueueService.sqsText(new byte[] {(byte) 0xff, (byte) 0xfe})).isNull();
    }

    @Test
    void deduplicationIdsFitSqs() {
        assertThat(SqsQueueService.deduplicationId("order-42")).isEqualTo("order-42");
        String hashed = SqsQueueService.deduplicationId("with space and ü " + "x".repeat(200));
        assertThat(hashed).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void txtValuesAreQuotedAndUnquoted() {
        String value = "she said \"hi\" \\ left";
        String wire = Route53DnsService.toRoute53Value(RecordType.TXT, value);
        assertThat(wire).isEqualTo("\"she said \\\"hi\\\" \\\\ left\"");
        assertThat(Route53DnsService.fromRoute53Value(RecordType.TXT, wire)).isEqualTo(value);
        assertThat(Route53DnsService.fromRoute53Value(RecordType.TXT, "\"abc\" \"def\"")).isEqualTo("abcdef");
        assertThat(Route53DnsService.fromRoute53Name("\\052.Example.com")).isEqualTo("*.example.com.");
    }

    @Test
    void settingsWithoutOptionalKeysAreEmpty() {
        AwsSettings settings = AwsSettings.from(config(Map.of()), Map.of());
        assertThat(settings.profile()).isEqualTo(Optional.empty());
        assertThat(settings.accessKey()).isEmpty();
    }
}
