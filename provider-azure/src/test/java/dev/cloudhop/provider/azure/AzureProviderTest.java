package dev.cloudhop.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.spi.ConfigKey;
import org.junit.jupiter.api.Test;

/** Discovery, configuration and the bound types; no I/O. */
class AzureProviderTest {

    @Test
    void isDiscoveredAsAzureWithItsCapabilitiesAndKeys() {
        AzureProvider p = (AzureProvider) ProviderRegistry.discover().find("azure").orElseThrow();

        assertThat(p.capabilities()).contains(Capability.BLOB, Capability.BLOB_CONDITIONAL_WRITE, Capability.QUEUE,
                Capability.QUEUE_DEDUP, Capability.QUEUE_DELAY, Capability.DNS, Capability.COMPUTE, Capability.COMPUTE_LAUNCH)
                .doesNotContain(Capability.COMPUTE_RUN_SCRIPT);
        assertThat(p.configKeys()).extracting(ConfigKey::name).contains(AzureKeys.ACCOUNT, AzureKeys.ACCOUNT_KEY,
                AzureKeys.SAS, AzureKeys.BLOB_ENDPOINT, AzureKeys.QUEUE_ENDPOINT, AzureKeys.SUBSCRIPTION, AzureKeys.TENANT,
                AzureKeys.CLIENT_ID, AzureKeys.CLIENT_SECRET, AzureKeys.RESOURCE_GROUP, AzureKeys.ARM_ENDPOINT,
                AzureKeys.AUTHORITY_HOST);
        assertThat(p.configKeys()).filteredOn(k -> k.type() == ConfigKey.Type.SECRET).extracting(ConfigKey::name)
                .containsExactlyInAnyOrder(AzureKeys.ACCOUNT_KEY, AzureKeys.SAS, AzureKeys.CLIENT_SECRET);
    }

    @Test
    void openingASiteDoesNoIoAndSecretsNeverShow() {
        // endpoints on which nothing listens: opening must not connect
        try (Sites sites = AzureSites.open("sites { p { provider = azure, region = westeurope, storage { account = acct, "
                + "key = \"literal:c2VjcmV0LWtleQ==\", blob-endpoint = \"http://127.0.0.1:9/acct\" }, arm { client-secret = "
                + "\"literal:very-hidden\" } } }")) {
            Cloud cloud = sites.site("p");
            assertThat(cloud).isInstanceOf(AzureCloud.class);
            assertThat(cloud.site().provider()).isEqualTo("azure");
            assertThat(cloud.toString()).doesNotContain("c2VjcmV0LWtleQ==");
            AzureSettings settings = AzureSettings.from(new dev.cloudhop.api.spi.SiteConfig(cloud.site(), java.util.Map.of(
                    AzureKeys.ACCOUNT, "acct", AzureKeys.ACCOUNT_KEY, new dev.cloudhop.api.spi.Secret("literal:c2VjcmV0LWtleQ==",
                            "c2VjcmV0LWtleQ=="))));
            assertThat(settings.toString()).doesNotContain("c2VjcmV0LWtleQ==").contains("literal:***");
            assertThat(settings.blobEndpoint().toString()).isEqualTo("https://acct.blob.core.windows.net");
        }
    }

    @Test
    void invalidKeysAreReportedTogether() {
        assertThatThrownBy(() -> AzureSettings.from(new dev.cloudhop.api.spi.SiteConfig(
                new dev.cloudhop.api.SiteInfo("p", "azure", "westeurope"),
                java.util.Map.of(AzureKeys.RETRIES, -1, AzureKeys.TIMEOUT, java.time.Duration.ZERO), "p.conf")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(Object::toString)
                        .containsExactly("p.conf: sites.p." + AzureKeys.ACCOUNT + ": missing; the storage account name",
                                "p.conf: sites.p." + AzureKeys.TIMEOUT + ": must be positive, was PT0S",
                                "p.conf: sites.p." + AzureKeys.RETRIES + ": must not be negative, was -1"));
    }

    @Test
    void aSiteWithoutAnAccountIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> AzureSites.open("sites { p { provider = azure, region = westeurope } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AzureKeys.ACCOUNT);
    }
}
