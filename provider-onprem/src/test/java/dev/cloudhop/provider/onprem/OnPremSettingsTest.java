package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.UnsupportedCapabilityException;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.dns.RecordType;
import org.junit.jupiter.api.Test;

/** Configuration: keys checked across each other, capabilities following what a site configures. */
class OnPremSettingsTest {

    @Test
    void theProviderIsDiscoveredByItsId() {
        assertThat(ProviderRegistry.discover().find("onprem")).isPresent();
    }

    @Test
    void everyInconsistencyIsReportedAtOnceNamingItsKey() {
        assertThatThrownBy(() -> OnPremTestEnvironment.open("""
                sites { dc { provider = onprem, region = dc1
                  blob { kind = s3 }
                  queue { url = "tcp://mq1:61616", journal-directory = "/var/lib/cloudhop/journal", send-mode = sometimes }
                  dns { zone-admin = rndc, tsig.name = k1 }
                } }
                """).site("dc"))
                // Cloudhop.open unwraps Guice's CreationException: the ConfigException itself reaches the caller
                .isInstanceOf(ConfigException.class)
                .satisfies(t -> assertThat(configException(t).problems()).extracting(ConfigProblem::key)
                        .contains("sites.dc.blob.endpoint", "sites.dc.blob.access-key", "sites.dc.blob.secret-key",
                                "sites.dc.queue.journal-directory", "sites.dc.queue.send-mode", "sites.dc.dns.tsig.secret",
                                "sites.dc.dns.rndc.server", "sites.dc.dns.rndc.zone-directory", "sites.dc.dns.server"));
    }

    @Test
    void inconsistenciesOfSeveralServicesNameTheFileAndKey() {
        var config = dev.cloudhop.api.config.CloudhopConfig.parse("""
                sites { dc { provider = onprem, region = dc1
                  blob { kind = s3, endpoint = "http://minio:9000" }
                  queue { send-mode = sometimes }
                  dns { server = "ns1:99999" }
                } }
                """, "dc.conf", java.util.Map.of(), ProviderRegistry.discover());
        assertThat(OnPremSettings.validate(config.site("dc").orElseThrow()).getError())
                .extracting(ConfigProblem::toString)
                .containsExactlyInAnyOrder(
                        "dc.conf: sites.dc.blob.access-key: missing; blob.kind = s3 needs an access key id",
                        "dc.conf: sites.dc.blob.secret-key: missing; blob.kind = s3 needs a secret access key",
                        "dc.conf: sites.dc.queue.send-mode: must be 'durable' or 'async', was 'sometimes'",
                        "dc.conf: sites.dc.dns.server: must be host or host:port with a port from 1 to 65535, was 'ns1:99999'");
    }

    private static ConfigException configException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException e) {
                return e;
            }
        }
        throw new AssertionError("no ConfigException in " + t);
    }

    @Test
    void aSiteDeclaresOnlyTheServicesItConfiguresAndTheOthersSayWhatToSet() {
        try (Cloud blobsOnly = OnPremTestEnvironment.open("sites { b { provider = onprem, region = dc1, blob.directory = \""
                + OnPremTestEnvironment.tempDirectory("blobs") + "\" } }").site("b")) {
            assertThat(blobsOnly.capabilities()).containsExactlyInAnyOrder(Capability.BLOB, Capability.BLOB_CONDITIONAL_WRITE);
            assertThatThrownBy(() -> blobsOnly.dns().get("example.com", "www.example.com", RecordType.A))
                    .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("dns.server");
            assertThatThrownBy(() -> blobsOnly.queues().createQueue("q"))
                    .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("queue.journal-directory");
            assertThatThrownBy(() -> blobsOnly.compute().listNodes())
                    .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("compute.inventory");
        }
    }

    @Test
    void aFullyConfiguredSiteHasEveryCapabilityButUserData() {
        try (Cloud full = OnPremTestEnvironment.openFullSite("full")) {
            assertThat(full.capabilities()).containsExactlyInAnyOrderElementsOf(OnPremProvider.CAPABILITIES)
                    .doesNotContain(Capability.COMPUTE_USER_DATA);
        }
    }

    @Test
    void secretsAreNeverShownInTheSiteConfiguration() {
        String site = OnPremTestEnvironment.fullSite(OnPremTestEnvironment.tempDirectory("blobs"),
                OnPremTestEnvironment.tempDirectory("journal"));
        var config = dev.cloudhop.api.config.CloudhopConfig.parse("sites { s {\n" + site + "} }", "t.conf",
                java.util.Map.of(), ProviderRegistry.discover());
        String text = config.toString() + config.sites();
        for (String secret : OnPremTestEnvironment.credentials()) {
            assertThat(text).doesNotContain(secret);
        }
    }
}
