package dev.cloudhop.provider.aws;

import com.google.inject.Module;
import dev.cloudhop.api.Capability;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.spi.CloudProvider;
import dev.cloudhop.api.spi.ConfigKey;
import dev.cloudhop.api.spi.SiteConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Amazon Web Services, id {@code aws}: S3 blobs through jclouds ({@code aws-s3} against AWS itself, the
 * generic {@code s3} API against an endpoint override such as LocalStack, moto or another S3-compatible
 * store), SQS queues and Route 53 DNS through the AWS SDK v2, and EC2 compute.
 *
 * <p>Config keys of a site (all optional; {@code region} is the site's region):
 * <ul>
 *   <li>{@code endpoint}: one endpoint for every service (LocalStack, moto); when unset, the environment
 *       variables {@code AWS_ENDPOINT_URL_<SERVICE>} and {@code AWS_ENDPOINT_URL} are honoured, and
 *       otherwise AWS itself is used;</li>
 *   <li>{@code credentials.access-key} / {@code credentials.secret-key}: secret references, both or
 *       neither; without them, {@code profile} or else the AWS SDK's default chain (environment, profile
 *       files, container and instance roles) supplies credentials;</li>
 *   <li>{@code timeouts.connect}, {@code timeouts.read}, {@code max-attempts}: per request;</li>
 *   <li>{@code s3.path-style}, {@code s3.conditional-writes}, {@code queue.max-message-size},
 *       {@code queue.dedup-window}, {@code queue.fifo-group}: see {@link #configKeys()}.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless; one instance serves every AWS site.
 */
public final class AwsProvider implements CloudProvider {

    /** The provider id. */
    public static final String ID = "aws";

    /** Everything an AWS site can do; a site may narrow it by configuration ({@code s3.conditional-writes}). */
    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.BLOB,
            Capability.BLOB_CONDITIONAL_WRITE, Capability.QUEUE, Capability.QUEUE_DEDUP, Capability.QUEUE_DELAY,
            Capability.QUEUE_DEAD_LETTER, Capability.DNS, Capability.COMPUTE, Capability.COMPUTE_LAUNCH, Capability.COMPUTE_USER_DATA));

    static final String ENDPOINT = "endpoint";
    static final String ACCESS_KEY = "credentials.access-key";
    static final String SECRET_KEY = "credentials.secret-key";
    static final String PROFILE = "profile";
    static final String CONNECT_TIMEOUT = "timeouts.connect";
    static final String READ_TIMEOUT = "timeouts.read";
    static final String MAX_ATTEMPTS = "max-attempts";
    static final String PATH_STYLE = "s3.path-style";
    static final String CONDITIONAL_WRITES = "s3.conditional-writes";
    static final String MAX_MESSAGE_SIZE = "queue.max-message-size";
    static final String DEDUP_WINDOW = "queue.dedup-window";
    static final String FIFO_GROUP = "queue.fifo-group";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Amazon Web Services: S3 (jclouds), SQS and Route 53 (AWS SDK v2), EC2";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(
                ConfigKey.optional(ENDPOINT, ConfigKey.Type.URI,
                        "one endpoint for every AWS service, e.g. http://127.0.0.1:4566 for LocalStack; "
                                + "default AWS_ENDPOINT_URL, else AWS itself"),
                ConfigKey.optional(ACCESS_KEY, ConfigKey.Type.SECRET,
                        "access key id (env:, file: or literal:); with credentials.secret-key, else the default chain"),
                ConfigKey.optional(SECRET_KEY, ConfigKey.Type.SECRET,
                        "secret access key (env:, file: or literal:); with credentials.access-key"),
                ConfigKey.optional(PROFILE, ConfigKey.Type.STRING,
                        "a profile of ~/.aws/config and ~/.aws/credentials to take credentials from"),
                ConfigKey.withDefault(CONNECT_TIMEOUT, ConfigKey.Type.DURATION, "5 s",
                        "how long to wait for a connection"),
                ConfigKey.withDefault(READ_TIMEOUT, ConfigKey.Type.DURATION, "30 s",
                        "how long to wait for data on a connection (SQS long polls add their wait)"),
                ConfigKey.withDefault(MAX_ATTEMPTS, ConfigKey.Type.INT, "3",
                        "attempts per request, the first included (1 disables retries)"),
                ConfigKey.withDefault(PATH_STYLE, ConfigKey.Type.BOOLEAN, "false",
                        "address S3 buckets by path instead of by host name; always on with an endpoint override"),
                ConfigKey.withDefault(CONDITIONAL_WRITES, ConfigKey.Type.BOOLEAN, "true",
                        "the S3 endpoint honours If-None-Match/If-Match on PutObject atomically (AWS and LocalStack "
                                + "do; set false for stores that do not, such as moto)"),
                ConfigKey.withDefault(MAX_MESSAGE_SIZE, ConfigKey.Type.BYTES, "256 KiB",
                        "largest queue message, body plus attribute names and values (SQS accepts up to 1 MiB)"),
                ConfigKey.withDefault(DEDUP_WINDOW, ConfigKey.Type.DURATION, "5 minutes",
                        "how long this process remembers dedup keys sent to standard (non-FIFO) queues"),
                ConfigKey.withDefault(FIFO_GROUP, ConfigKey.Type.STRING, "cloudhop",
                        "the MessageGroupId of messages sent to FIFO queues"));
    }

    @Override
    public NamingRules namingRules() {
        return NamingRules.AWS;
    }

    /**
     * The site's Guice module.
     *
     * @throws IllegalArgumentException if only one of {@code credentials.access-key} and
     *                                  {@code credentials.secret-key} is set, naming both
     */
    @Override
    public Module module(SiteConfig site) {
        return new AwsModule(AwsSettings.from(site, System.getenv()));
    }

    @Override
    public String toString() {
        return "AwsProvider";
    }
}
