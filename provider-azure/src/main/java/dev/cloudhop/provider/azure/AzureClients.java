package dev.cloudhop.provider.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.UnauthorizedException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds one site's Azure SDK clients from its settings: a shared Netty HTTP client with the site's
 * timeouts (and extra trusted CAs), storage clients with the account key or SAS, and the service-principal
 * credential and profile for Resource Manager. Building does no I/O.
 */
final class AzureClients {

    private final AzureSettings settings;
    private final HttpClient httpClient;

    AzureClients(AzureSettings settings) {
        this.settings = settings;
        this.httpClient = httpClient(settings);
    }

    AzureSettings settings() {
        return settings;
    }

    HttpClient httpClient() {
        return httpClient;
    }

    private static HttpClient httpClient(AzureSettings s) {
        reactor.netty.http.client.HttpClient netty = reactor.netty.http.client.HttpClient.create();
        if (s.trustedCertificates().isPresent()) {
            SslContext ssl = sslContext(s);
            netty = netty.secure(spec -> spec.sslContext(ssl));
        }
        return new NettyAsyncHttpClientBuilder(netty)
                .connectTimeout(s.timeout())
                .responseTimeout(s.timeout())
                .readTimeout(s.timeout())
                .writeTimeout(s.timeout())
                .build();
    }

    private static SslContext sslContext(AzureSettings s) {
        try {
            return SslContextBuilder.forClient().trustManager(trustManager(s)).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for site " + s.site().id(), e);
        }
    }

    /** The JVM's default trust plus the certificates of {@code arm.trusted-certificates}. */
    private static X509TrustManager trustManager(AzureSettings s) {
        try {
            KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
            extra.load(null, null);
            try (InputStream in = Files.newInputStream(s.trustedCertificates().orElseThrow())) {
                int i = 0;
                for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    extra.setCertificateEntry("extra-" + i++, c);
                }
            }
            X509TrustManager system = x509(null);
            X509TrustManager added = x509(extra);
            return new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    system.checkClientTrusted(chain, authType);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    try {
                        system.checkServerTrusted(chain, authType);
                    } catch (CertificateException notBySystem) {
                        added.checkServerTrusted(chain, authType);
                    }
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    List<X509Certificate> all = new ArrayList<>(List.of(system.getAcceptedIssuers()));
                    all.addAll(List.of(added.getAcceptedIssuers()));
                    return all.toArray(X509Certificate[]::new);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + AzureKeys.TRUSTED_CERTIFICATES + " of site "
                    + s.site().id() + ": " + s.trustedCertificates().orElseThrow(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + AzureKeys.TRUSTED_CERTIFICATES + " of site "
                    + s.site().id(), e);
        }
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager");
    }

    private RequestRetryOptions storageRetries() {
        return new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, settings.retries() + 1, settings.timeout(),
                Duration.ofMillis(100), Duration.ofSeconds(5), null);
    }

    private void requireStorageCredential(ErrorContext ctx) {
        if (settings.accountKey().isEmpty() && settings.sas().isEmpty()) {
            throw new UnauthorizedException(ctx, "site " + settings.site().id() + " has no storage credential: set "
                    + AzureKeys.ACCOUNT_KEY + " or " + AzureKeys.SAS);
        }
    }

    /** The Blob service client (for conditional writes and queue dedup markers). */
    BlobServiceClient blobService(ErrorContext ctx) {
        requireStorageCredential(ctx);
        BlobServiceClientBuilder b = new BlobServiceClientBuilder().endpoint(settings.blobEndpoint().toString())
                .httpClient(httpClient).retryOptions(storageRetries());
        if (settings.accountKey().isPresent()) {
            b.credential(new StorageSharedKeyCredential(settings.account(), settings.accountKey().get().reveal()));
        } else {
            b.sasToken(settings.sas().orElseThrow().reveal());
        }
        return b.buildClient();
    }

    /** The Queue service client; message text is passed through unencoded (Cloudhop encodes it itself). */
    QueueServiceClient queueService(ErrorContext ctx) {
        requireStorageCredential(ctx);
        QueueServiceClientBuilder b = new QueueServiceClientBuilder().endpoint(settings.queueEndpoint().toString())
                .httpClient(httpClient).retryOptions(storageRetries()).messageEncoding(QueueMessageEncoding.NONE);
        if (settings.accountKey().isPresent()) {
            b.credential(new StorageSharedKeyCredential(settings.account(), settings.accountKey().get().reveal()));
        } else {
            b.sasToken(settings.sas().orElseThrow().reveal());
        }
        return b.buildClient();
    }

    /** Fails with {@link UnauthorizedException} naming the missing keys unless Resource Manager is configured. */
    void requireResourceManager(ErrorContext ctx) {
        if (!settings.hasResourceManager()) {
            throw new UnauthorizedException(ctx, "site " + settings.site().id() + " is not configured for Azure "
                    + "Resource Manager: set " + AzureKeys.SUBSCRIPTION + ", " + AzureKeys.TENANT + ", "
                    + AzureKeys.CLIENT_ID + ", its client credential and " + AzureKeys.RESOURCE_GROUP);
        }
    }

    /** The service principal's credential, through the site's HTTP client (and so its trusted CAs). */
    TokenCredential credential() {
        return new ClientSecretCredentialBuilder()
                .authorityHost(settings.authorityHost().toString())
                .tenantId(settings.tenant().orElseThrow())
                .clientId(settings.clientId().orElseThrow())
                .clientSecret(settings.clientSecret().orElseThrow().reveal())
                .httpClient(httpClient)
                .disableInstanceDiscovery()
                .build();
    }

    /** The Resource Manager profile: tenant, subscription and the (possibly overridden) endpoints. */
    AzureProfile profile() {
        String arm = withSlash(settings.armEndpoint().toString());
        AzureEnvironment environment = new AzureEnvironment(Map.of(
                "resourceManagerEndpointUrl", arm,
                "managementEndpointUrl", arm,
                "activeDirectoryEndpointUrl", withSlash(settings.authorityHost().toString())));
        return new AzureProfile(settings.tenant().orElseThrow(), settings.subscription().orElseThrow(), environment);
    }

    /** Retries of Resource Manager calls: the site's count, exponential from 200 ms. */
    RetryOptions armRetries() {
        return new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(settings.retries())
                .setBaseDelay(Duration.ofMillis(200)).setMaxDelay(Duration.ofSeconds(10)));
    }

    private static String withSlash(String s) {
        return s.endsWith("/") ? s : s + "/";
    }
}
