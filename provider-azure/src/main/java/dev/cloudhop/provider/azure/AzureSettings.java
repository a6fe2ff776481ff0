package dev.cloudhop.provider.azure;

import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.spi.Secret;
import dev.cloudhop.api.spi.SiteConfig;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One Azure site's settings, read from its {@link SiteConfig} with defaults applied. Immutable;
 * {@link #toString()} shows secrets only by reference.
 */
record AzureSettings(SiteInfo site, String account, Optional<Secret> accountKey, Optional<Secret> sas,
                     URI blobEndpoint, URI queueEndpoint, long multipartThreshold, Duration dedupWindow,
                     String dedupContainer, Optional<String> subscription, Optional<String> tenant,
                     Optional<String> clientId, Optional<Secret> clientSecret, Optional<String> resourceGroup,
                     URI armEndpoint, URI authorityHost, Optional<Path> trustedCertificates,
                     Optional<String> subnetId, String adminUser, Optional<String> sshPublicKey, Duration timeout,
                     int retries) {

    AzureSettings {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(account, "account");
    }

    /**
     * The settings of a configured site.
     *
     * @throws ConfigException naming every invalid key
     */
    static AzureSettings from(SiteConfig c) {
        return ConfigProblem.orThrow(validate(c));
    }

    /** The settings of a configured site, or every problem with its keys. */
    static Validation<Seq<ConfigProblem>, AzureSettings> validate(SiteConfig c) {
        Duration timeout = c.duration(AzureKeys.TIMEOUT).orElse(Duration.ofSeconds(30));
        int retries = c.integer(AzureKeys.RETRIES).orElse(3);
        return ConfigProblem.flatten(Validation.combine(
                c.string(AzureKeys.ACCOUNT).<Validation<Seq<ConfigProblem>, String>>map(Validation::valid)
                        .orElseGet(() -> c.invalid(AzureKeys.ACCOUNT, "missing; the storage account name")),
                c.check(!timeout.isNegative() && !timeout.isZero(), timeout, AzureKeys.TIMEOUT, "must be positive, was " + timeout),
                c.check(retries >= 0, retries, AzureKeys.RETRIES, "must not be negative, was " + retries))
                .ap((account, t, r) -> new AzureSettings(c.info(), account, c.secret(AzureKeys.ACCOUNT_KEY),
                        c.secret(AzureKeys.SAS),
                        c.uri(AzureKeys.BLOB_ENDPOINT).orElse(URI.create("https://" + account + ".blob.core.windows.net")),
                        c.uri(AzureKeys.QUEUE_ENDPOINT).orElse(URI.create("https://" + account + ".queue.core.windows.net")),
                        c.bytes(AzureKeys.MULTIPART_THRESHOLD).orElse(32L << 20),
                        c.duration(AzureKeys.DEDUP_WINDOW).orElse(Duration.ofMinutes(10)),
                        c.string(AzureKeys.DEDUP_CONTAINER).orElse("cloudhop-dedup"),
                        c.string(AzureKeys.SUBSCRIPTION), c.string(AzureKeys.TENANT), c.string(AzureKeys.CLIENT_ID),
                        c.secret(AzureKeys.CLIENT_SECRET), c.string(AzureKeys.RESOURCE_GROUP),
                        c.uri(AzureKeys.ARM_ENDPOINT).orElse(URI.create("https://management.azure.com/")),
                        c.uri(AzureKeys.AUTHORITY_HOST).orElse(URI.create("https://login.microsoftonline.com/")),
                        c.path(AzureKeys.TRUSTED_CERTIFICATES), c.string(AzureKeys.SUBNET_ID),
                        c.string(AzureKeys.ADMIN_USER).orElse("cloudhop"), c.string(AzureKeys.SSH_PUBLIC_KEY), t, r)));
    }

    /** Whether Resource Manager (DNS, Traffic Manager, compute) is configured. */
    boolean hasResourceManager() {
        return subscription.isPresent() && tenant.isPresent() && clientId.isPresent() && clientSecret.isPresent()
                && resourceGroup.isPresent();
    }

    @Override
    public String toString() {
        return "AzureSettings[" + site + ", account " + account + ", key " + accountKey.map(Secret::toString).orElse("-")
                + ", sas " + sas.map(Secret::toString).orElse("-") + ", blob " + blobEndpoint + ", queue " + queueEndpoint
                + ", subscription " + subscription.orElse("-") + ", resource group " + resourceGroup.orElse("-")
                + ", arm " + armEndpoint + "]";
    }
}
