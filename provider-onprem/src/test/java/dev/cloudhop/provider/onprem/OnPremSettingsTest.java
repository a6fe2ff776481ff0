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

    @Test
    void hostKeyKeysAreCheckedAndDefaultToStrictWithTheUsersKnownHosts() {
        var config = dev.cloudhop.api.config.CloudhopConfig.parse("""
                sites {
                  bad { provider = onprem, region = dc1
                    compute { inventory = "/etc/cloudhop/inventory.yaml", ssh { known-hosts = "known_hosts", host-key-policy = yes } }
                  }
                  stray { provider = onprem, region = dc1, compute.ssh.known-hosts = "/etc/ssh/ssh_known_hosts" }
                  defaults { provider = onprem, region = dc1, compute.inventory = "/etc/cloudhop/inventory.yaml" }
                  home { provider = onprem, region = dc1
                    compute { inventory = "/etc/cloudhop/inventory.yaml", ssh { known-hosts = "~/hosts", host-key-policy = accept-new } }
                  }
                }
                """, "dc.conf", java.util.Map.of(), ProviderRegistry.discover());
        assertThat(OnPremSettings.validate(config.site("bad").orElseThrow()).getError())
                .extracting(ConfigProblem::toString)
                .containsExactlyInAnyOrder(
                        "dc.conf: sites.bad.compute.ssh.host-key-policy: must be one of [strict, accept-new], was 'yes'",
                        "dc.conf: sites.bad.compute.ssh.known-hosts: must be an absolute path (or start with ~/), was 'known_hosts'");
        assertThat(OnPremSettings.validate(config.site("stray").orElseThrow()).getError())
                .extracting(ConfigProblem::toString)
                .containsExactly("dc.conf: sites.stray.compute.ssh.known-hosts: is only used with compute.inventory");

        java.nio.file.Path home = java.nio.file.Path.of(System.getProperty("user.home"));
        OnPremSettings.Compute defaults = OnPremSettings.from(config.site("defaults").orElseThrow()).compute().orElseThrow();
        assertThat(defaults.knownHosts()).isEqualTo(home.resolve(".ssh/known_hosts"));
        assertThat(defaults.hostKeyPolicy()).isEqualTo(OnPremSettings.HostKeyPolicy.STRICT);
        OnPremSettings.Compute expanded = OnPremSettings.from(config.site("home").orElseThrow()).compute().orElseThrow();
        assertThat(expanded.knownHosts()).isEqualTo(home.resolve("hosts"));
        assertThat(expanded.hostKeyPolicy()).isEqualTo(OnPremSettings.HostKeyPolicy.ACCEPT_NEW);
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
