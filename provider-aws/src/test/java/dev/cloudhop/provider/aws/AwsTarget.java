package dev.cloudhop.provider.aws;

import static cloud.localstack.Constants.DEFAULT_REGION;
import static cloud.localstack.Constants.TEST_ACCESS_KEY;

import cloud.localstack.Localstack;
import cloud.localstack.ServiceName;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.testing.LocalStackServer;
import dev.cloudhop.testing.MotoServer;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The AWS endpoints the contract suites run against: LocalStack and moto, each started once per test JVM
 * on a free loopback port by the shared harness, or the endpoint a user names in
 * {@value #ENDPOINT_VARIABLE} (then the LocalStack-targeted suites run against it and the moto ones are
 * disabled). Where a Docker engine answers, also a LocalStack container started by localstack-utils
 * ({@link #LOCALSTACK_DOCKER}).
 *
 * <p>Credentials are the access key {@code test} (from localstack-utils' {@code Constants}) and
 * {@link #EMULATOR_SECRET_KEY}, or, for a user's endpoint, {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}
 * when set; the region is {@code AWS_REGION} or {@code us-east-1}.
 */
enum AwsTarget {

    /** LocalStack 4.14.0 in host mode, or the user's endpoint. */
    LOCALSTACK {
        @Override
        URI endpoint() {
            return userEndpoint().orElseGet(() -> {
                LocalStackServer server = LocalStackServer.shared();
                report(this, server.startupTime(), server.endpoint());
                return server.endpoint();
            });
        }


        @Override
        void reset() {
            // community LocalStack has no state reset: suites isolate themselves by unique names
        }
    },

    /**
     * LocalStack {@value LocalStackDockerEnvironment#IMAGE_TAG} in a container started by localstack-utils'
     * {@code LocalstackDockerExtension} (the {@code LocalStackDocker*Test} classes, only where a Docker
     * engine answers). Each service's endpoint is the one localstack-utils reports for the container.
     */
    LOCALSTACK_DOCKER {
        @Override
        URI endpoint() {
            return URI.create(Localstack.INSTANCE.endpointForService(ServiceName.S3));
        }

        @Override
        String endpointSettings(Map<String, String> env) {
            Localstack container = Localstack.INSTANCE;
            env.put("AWS_ENDPOINT_URL_S3", container.endpointForService(ServiceName.S3));
            env.put("AWS_ENDPOINT_URL_SQS", container.endpointForService(ServiceName.SQS));
            env.put("AWS_ENDPOINT_URL_ROUTE_53", container.endpointForService(ServiceName.ROUTE53));
            env.put("AWS_ENDPOINT_URL_EC2", container.endpointForService(ServiceName.EC2));
            return "";
        }


        @Override
        void reset() {
            // one container for all Docker-path classes: suites isolate themselves by unique names
        }
    },

    /** moto server 5.1. */
    MOTO {
        @Override
        URI endpoint() {
            MotoServer server = MotoServer.shared();
            report(this, server.startupTime(), server.endpoint());
            return server.endpoint();
        }


        @Override
        void reset() {
            MotoServer.shared().reset();
        }
    };

    /** Set it to run the AWS suite against your own endpoint (e.g. http://127.0.0.1:4566) instead of the emulators. */
    static final String ENDPOINT_VARIABLE = "CLOUDHOP_AWS_ENDPOINT";

    /**
     * The secret key of emulator sites, unique per test JVM: emulators accept any secret, and a unique one is
     * what the error-mapping suite can search every exception for (LocalStack's well-known {@code test} is
     * too common a word to search for).
     */
    static final String EMULATOR_SECRET_KEY = "test-secret-" + UUID.randomUUID();

    /** A small instance type every EC2 emulator knows. */
    static final String SIZE = "t2.micro";

    abstract URI endpoint();

    /**
     * The site's endpoint line for {@link #open}; a target may instead put {@code AWS_ENDPOINT_URL_<SERVICE>}
     * entries into the site's {@code env}, as a user's environment would.
     */
    String endpointSettings(Map<String, String> env) {
        return "endpoint = \"" + endpoint() + "\"\n";
    }

    private static final java.util.Set<AwsTarget> REPORTED = java.util.EnumSet.noneOf(AwsTarget.class);

    /** Says once per JVM how long the emulator took to start (in the surefire output of the first suite). */
    private static synchronized void report(AwsTarget target, java.time.Duration startup, URI endpoint) {
        if (REPORTED.add(target)) {
            System.err.println("[cloudhop-aws-tests] " + target + " ready in " + startup.toMillis() + " ms at " + endpoint);
        }
    }

    /** Clears the emulator's state between suites where it can. */
    abstract void reset();

    /** The access key {@link #open} configures: the user's {@code AWS_ACCESS_KEY_ID} for their endpoint, else {@code test}. */
    static String accessKey() {
        return userCredentials() ? System.getenv("AWS_ACCESS_KEY_ID") : TEST_ACCESS_KEY;
    }

    /** The secret key {@link #open} configures: the user's {@code AWS_SECRET_ACCESS_KEY}, else {@link #EMULATOR_SECRET_KEY}. */
    static String secretKey() {
        return userCredentials() ? String.valueOf(System.getenv("AWS_SECRET_ACCESS_KEY")) : EMULATOR_SECRET_KEY;
    }

    private static boolean userCredentials() {
        return userEndpoint().isPresent() && System.getenv("AWS_ACCESS_KEY_ID") != null;
    }

    static Optional<URI> userEndpoint() {
        String value = System.getenv(ENDPOINT_VARIABLE);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(URI.create(value.trim()));
    }

    static String region() {
        String region = System.getenv("AWS_REGION");
        return userEndpoint().isPresent() && region != null && !region.isBlank() ? region : DEFAULT_REGION;
    }

    /** A spec the target can launch: the catalogue AMI and {@link #SIZE}. */
    static NodeSpec nodeSpec(String group) {
        return NodeSpec.of(group, region() + "/ami-785db401", SIZE);
    }

    /** Opens site {@code tck} against this target, as an application would, with extra HOCON lines. */
    Cloud open(String... extraSettings) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ACCESS_KEY_ID", accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", secretKey());
        String keys = "credentials.access-key = \"env:AWS_ACCESS_KEY_ID\"\n"
                + "credentials.secret-key = \"env:AWS_SECRET_ACCESS_KEY\"\n";
        String hocon = "sites { tck {\n"
                + "provider = aws\n"
                + "region = " + region() + "\n"
                + endpointSettings(env)
                + keys
                + String.join("\n", extraSettings) + "\n"
                + "} }";
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(hocon, name().toLowerCase() + ".conf", env, providers);
        return Cloudhop.open(config, providers).site("tck");
    }
}
