package dev.cloudhop.provider.aws;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.jclouds.JcloudsComputeService;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.jclouds.Constants;
import org.jclouds.ContextBuilder;
import org.jclouds.aws.domain.SessionCredentials;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.compute.ComputeServiceContext;
import org.jclouds.domain.Credentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds the SDK clients and jclouds contexts of one site from its {@link AwsSettings}. */
final class AwsClients {

    /** The naming rules every AWS service of Cloudhop enforces. */
    static final NamingRules NAMING = NamingRules.AWS;

    /**
     * Uploads up to S3's single-PUT limit of 5 GiB go in one streamed, V4-signed PutObject; only larger ones
     * use multipart, whose parts jclouds reads twice (to hash, then to send).
     */
    static final long SINGLE_PUT_LIMIT = 5L << 30;

    /** SQS's longest long poll: a long-polling client's read timeout is this much longer. */
    static final Duration MAX_LONG_POLL = Duration.ofSeconds(20);

    private AwsClients() {
    }

    static SqsClient sqs(AwsSettings settings, boolean longPoll) {
        Duration socket = longPoll ? settings.readTimeout().plus(MAX_LONG_POLL) : settings.readTimeout();
        return settings.sdkClient(SqsClient.builder(), "SQS", settings.region(), socket);
    }

    static Route53Client route53(AwsSettings settings) {
        // Route 53 is global: AWS signs it for us-east-1 ("aws-global"); emulators take any region.
        Region region = settings.endpointOf("ROUTE_53").isPresent() ? settings.region() : Region.AWS_GLOBAL;
        return settings.sdkClient(Route53Client.builder(), "ROUTE_53", region, settings.readTimeout());
    }

    /** The SDK's S3 client, for what jclouds cannot express (conditional writes). */
    static S3Client s3(AwsSettings settings) {
        boolean endpointOverride = settings.endpointOf("S3").isPresent();
        return settings.sdkClient(S3Client.builder()
                        .forcePathStyle(settings.pathStyle() || endpointOverride)
                        // S3-compatible stores differ in the flexible checksums they accept: only when required
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED),
                "S3", settings.region(), settings.readTimeout());
    }

    /** Timeouts and retries of a jclouds context. */
    private static Properties jcloudsProperties(AwsSettings settings) {
        Properties p = new Properties();
        p.setProperty(Constants.PROPERTY_CONNECTION_TIMEOUT, Long.toString(settings.connectTimeout().toMillis()));
        p.setProperty(Constants.PROPERTY_SO_TIMEOUT, Long.toString(settings.readTimeout().toMillis()));
        p.setProperty(Constants.PROPERTY_MAX_RETRIES, Integer.toString(settings.maxAttempts() - 1));
        p.setProperty(Constants.PROPERTY_RETRY_DELAY_START, "100");
        p.setProperty(Constants.PROPERTY_LOGGER_WIRE_LOG_SENSITIVE_INFO, "false");
        // streamed (aws-chunked) uploads sign every chunk: 1 MiB chunks instead of jclouds' 64 KiB cut that cost
        p.setProperty("jclouds.s3.chunked.size", Integer.toString(1 << 20));
        return p;
    }

    /** The site's credentials, resolved now (on first use of a jclouds context), as jclouds wants them. */
    private static ContextBuilder withCredentials(ContextBuilder builder, AwsSettings settings) {
        return builder.credentialsSupplier(() -> {
            AwsCredentials c = settings.credentials().resolveCredentials();
            if (c instanceof AwsSessionCredentials session) {
                return SessionCredentials.builder().accessKeyId(session.accessKeyId())
                        .secretAccessKey(session.secretAccessKey()).sessionToken(session.sessionToken()).build();
            }
            return new Credentials(c.accessKeyId(), c.secretAccessKey());
        });
    }

    /**
     * jclouds' blob store context: {@code aws-s3} against AWS, the generic {@code s3} API (path style) against
     * an endpoint override. Both sign with AWS signature V4 (moto cannot route some V2-signed requests: it
     * reads a V2 signature with four '/' as a V4 credential scope). jclouds streams a V4-signed PutObject
     * ({@code aws-chunked}) but must hash a multipart part before sending it, which needs a markable stream:
     * see {@link #SINGLE_PUT_LIMIT}.
     */
    static BlobStoreContext s3Context(AwsSettings settings) {
        Properties p = jcloudsProperties(settings);
        Optional<URI> endpoint = settings.endpointOf("S3");
        ContextBuilder builder;
        if (endpoint.isPresent()) {
            p.setProperty("jclouds.s3.virtual-host-buckets", "false");
            p.setProperty("jclouds.s3.signer-version", "4");
            p.setProperty("jclouds.regions", settings.site().region());
            builder = ContextBuilder.newBuilder("s3").endpoint(endpoint.get().toString());
        } else {
            p.setProperty("jclouds.s3.virtual-host-buckets", Boolean.toString(!settings.pathStyle()));
            builder = ContextBuilder.newBuilder("aws-s3");
        }
        return withCredentials(builder, settings).overrides(p).name(settings.site().id())
                .buildView(BlobStoreContext.class);
    }

    /** jclouds' {@code aws-ec2} compute context, limited to the site's region. */
    static ComputeServiceContext ec2Context(AwsSettings settings) {
        Properties p = jcloudsProperties(settings);
        String region = settings.site().region();
        p.setProperty("jclouds.regions", region);
        // do not page through every public image at start: images are looked up by id when launching
        p.setProperty("jclouds.ec2.ami-query", "");
        p.setProperty("jclouds.ec2.cc-ami-query", "");
        // Cloudhop launches no cluster-compute instances: no placement groups to create or clean up
        p.setProperty("jclouds.ec2.cc-regions", "");
        p.setProperty("jclouds.compute.timeout.node-running", "120000");
        ContextBuilder builder = ContextBuilder.newBuilder("aws-ec2");
        settings.endpointOf("EC2").ifPresent(ep -> {
            builder.endpoint(ep.toString())
                    .modules(java.util.List.of(new Ec2EndpointOverride(), new Ec2SigningScope(region)));
            p.setProperty("jclouds.region." + region + ".endpoint", ep.toString());
        });
        return withCredentials(builder, settings).overrides(p).name(settings.site().id())
                .buildView(ComputeServiceContext.class);
    }

    static ComputeService compute(AwsSettings settings, Set<Capability> capabilities) {
        return new JcloudsComputeService(settings.site(), NAMING, capabilities, () -> ec2Context(settings));
    }
}
