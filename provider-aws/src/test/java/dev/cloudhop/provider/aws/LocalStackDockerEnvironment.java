package dev.cloudhop.provider.aws;

import cloud.localstack.docker.annotation.IEnvironmentVariableProvider;
import java.util.Map;

/**
 * The environment of the LocalStack container the {@code LocalStackDocker*Test} classes start through
 * localstack-utils: what the host-mode harness ({@code LocalStackServer}) sets too, where it applies in a
 * container. Public with a public constructor because localstack-utils instantiates it reflectively.
 */
public final class LocalStackDockerEnvironment implements IEnvironmentVariableProvider {

    /** The LocalStack image tag the Docker path runs, the release the host-mode path installs. */
    static final String IMAGE_TAG = "4.14.0";

    /** JUnit tag of the Docker path: surefire runs it in its own JVM (execution {@code localstack-docker}). */
    static final String TAG = "localstack-docker";

    /** Needed by localstack-utils' reflective instantiation. */
    public LocalStackDockerEnvironment() {
    }

    @Override
    public Map<String, String> getEnvironmentVariables() {
        // path-style queue URLs (the default names hosts under localhost.localstack.cloud, which needs DNS)
        return Map.of("EAGER_SERVICE_LOADING", "1",
                "SQS_ENDPOINT_STRATEGY", "path",
                "DISABLE_EVENTS", "1");
    }
}
