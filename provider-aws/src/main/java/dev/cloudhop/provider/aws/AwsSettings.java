package dev.cloudhop.provider.aws;

import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.spi.Secret;
import dev.cloudhop.api.spi.SiteConfig;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * One AWS site's validated settings (every inconsistency between keys reported at once), and the AWS SDK clients built from them. Immutable; {@link #toString()}
 * shows secret references only.
 */
record AwsSettings(SiteInfo site, Optional<URI> endpoint, Map<String, String> env, Optional<Secret> accessKey,
                   Optional<Secret> secretKey, Optional<String> profile, Duration connectTimeout,
                   Duration readTimeout, int maxAttempts, boolean pathStyle, boolean conditionalWrites,
                   int maxMessageBytes, Duration dedupWindow, String fifoGroup) {

    AwsSettings {
        Objects.requireNonNull(site, "site");
        env = Map.copyOf(env);
    }

    /**
     * The settings of a configured site; {@code env} supplies {@code AWS_ENDPOINT_URL*}.
     *
     * @throws ConfigException naming every inconsistent key
     */
    static AwsSettings from(SiteConfig config, Map<String, String> env) {
        return ConfigProblem.orThrow(validate(config, env));
    }

    /** The settings of a configured site, or every inconsistency between its keys. */
    static Validation<Seq<ConfigProblem>, AwsSettings> validate(SiteConfig config, Map<String, String> env) {
        Optional<Secret> accessKey = config.secret(AwsProvider.ACCESS_KEY);
        Optional<Secret> secretKey = config.secret(AwsProvider.SECRET_KEY);
        int maxAttempts = config.integer(AwsProvider.MAX_ATTEMPTS).orElse(3);
        long maxMessageBytes = config.bytes(AwsProvider.MAX_MESSAGE_SIZE).orElse(256L * 1024);
        return ConfigProblem.flatten(Validation.combine(
                config.check(accessKey.isPresent() == secretKey.isPresent(), accessKey,
                        accessKey.isPresent() ? AwsProvider.SECRET_KEY : AwsProvider.ACCESS_KEY,
                        "missing; set both " + AwsProvider.ACCESS_KEY + " and " + AwsProvider.SECRET_KEY
                                + ", or neither (then the default credential chain is used)"),
                config.check(maxAttempts >= 1, maxAttempts, AwsProvider.MAX_ATTEMPTS,
                        "must be at least 1, was " + maxAttempts),
                config.check(maxMessageBytes >= 1 && maxMessageBytes <= Integer.MAX_VALUE, maxMessageBytes,
                        AwsProvider.MAX_MESSAGE_SIZE, "must be between 1 byte and 2 GiB, was " + maxMessageBytes + " bytes"))
                .ap((access, attempts, messageBytes) -> new AwsSettings(config.info(), config.uri(AwsProvider.ENDPOINT),
                        env, access, secretKey, config.string(AwsProvider.PROFILE),
                        config.duration(AwsProvider.CONNECT_TIMEOUT).orElse(Duration.ofSeconds(5)),
                        config.duration(AwsProvider.READ_TIMEOUT).orElse(Duration.ofSeconds(30)),
                        attempts,
                        config.bool(AwsProvider.PATH_STYLE).orElse(false),
                        config.bool(AwsProvider.CONDITIONAL_WRITES).orElse(true),
                        Math.toIntExact(messageBytes),
                        config.duration(AwsProvider.DEDUP_WINDOW).orElse(Duration.ofMinutes(5)),
                        config.string(AwsProvider.FIFO_GROUP).orElse("cloudhop"))));
    }

    /**
     * The endpoint of one service: the configured {@code endpoint}, else {@code AWS_ENDPOINT_URL_<SERVICE>},
     * else {@code AWS_ENDPOINT_URL}; empty means AWS itself.
     *
     * @param service the SDK's service id in upper case, e.g. {@code S3}, {@code SQS}, {@code ROUTE_53}, {@code EC2}
     */
    Optional<URI> endpointOf(String service) {
        if (endpoint.isPresent()) {
            return endpoint;
        }
        String specific = env.get("AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT));
        String general = env.get("AWS_ENDPOINT_URL");
        String chosen = specific != null && !specific.isBlank() ? specific : general;
        return chosen == null || chosen.isBlank() ? Optional.empty() : Optional.of(URI.create(chosen.trim()));
    }

    Region region() {
        return Region.of(site.region());
    }

    /** Static keys, a profile, or the SDK's default chain, in that order. */
    AwsCredentialsProvider credentials() {
        if (accessKey.isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKey.get().reveal(), secretKey.orElseThrow().reveal()));
        }
        if (profile.isPresent()) {
            return ProfileCredentialsProvider.create(profile.get());
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /**
     * Configures an AWS SDK client builder: region, credentials, endpoint, the JDK's URL connection with
     * this site's timeouts ({@code socketTimeout} for the read timeout), and {@link #maxAttempts()}.
     */
    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C sdkClient(B builder, String service,
                                                                                  Region region, Duration socketTimeout) {
        builder.region(region)
                .credentialsProvider(credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(connectTimeout)
                        .socketTimeout(socketTimeout))
                .overrideConfiguration(c -> c.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build()));
        endpointOf(service).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    @Override
    public String toString() {
        return "AwsSettings[" + site + ", endpoint=" + endpoint.map(URI::toString).orElse("-")
                + ", credentials=" + accessKey.map(Secret::reference).orElse(profile.map(p -> "profile " + p)
                .orElse("default chain")) + ", timeouts=" + connectTimeout + "/" + readTimeout + ", attempts="
                + maxAttempts + "]";
    }
}
