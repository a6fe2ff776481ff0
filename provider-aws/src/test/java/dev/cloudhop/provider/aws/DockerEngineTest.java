package dev.cloudhop.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The Docker engine condition, and that without an engine the {@code LocalStackDocker*Test} classes are
 * skipped with the reason before localstack-utils' extension does anything.
 */
class DockerEngineTest {

    @Test
    void aCommandThatCannotRunDisablesWithTheReason() {
        ConditionEvaluationResult result = DockerEngine.probe(List.of("/nonexistent/cloudhop/docker", "info"),
                Duration.ofSeconds(5));
        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("no Docker engine", "cannot run `/nonexistent/cloudhop/docker info`"));
    }

    @Test
    void aNonZeroExitDisablesWithTheExitCodeAndLastLine() {
        ConditionEvaluationResult result = DockerEngine.probe(
                List.of("sh", "-c", "echo Server:; echo Cannot connect to the Docker daemon; exit 1"), Duration.ofSeconds(5));
        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("exited 1", "(Cannot connect to the Docker daemon)"));
    }

    @Test
    void anEngineThatDoesNotAnswerInTimeDisables() {
        ConditionEvaluationResult result = DockerEngine.probe(List.of("sleep", "30"), Duration.ofMillis(200));
        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).hasValueSatisfying(reason -> assertThat(reason).contains("did not answer"));
    }

    @Test
    void aZeroExitEnables() {
        assertThat(DockerEngine.probe(List.of("true"), Duration.ofSeconds(5)).isDisabled()).isFalse();
    }

    /**
     * Runs the Docker-path classes with a docker command that cannot run: each class is skipped with the
     * condition's reason, nothing fails, and localstack-utils' {@code Localstack} class never loaded (it sets
     * {@code com.amazonaws.sdk.disableCertChecking} JVM-wide when it does).
     */
    @Test
    void withoutAnEngineTheDockerPathIsSkippedBeforeTheExtensionStartsAnything() {
        List<Class<?>> dockerPath = List.of(LocalStackDockerBlobStoreTest.class, LocalStackDockerQueueServiceTest.class,
                LocalStackDockerDnsServiceTest.class, LocalStackDockerComputeServiceTest.class,
                LocalStackDockerErrorMappingTest.class);
        Map<String, String> skipped = new ConcurrentHashMap<>();
        Map<String, TestExecutionResult> finished = new ConcurrentHashMap<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                skipped.put(id.getDisplayName(), reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    finished.put(id.getUniqueId(), result);
                }
            }
        };
        String previous = System.setProperty(DockerEngine.COMMAND_PROPERTY, "/nonexistent/cloudhop/docker");
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(dockerPath.stream().map(c -> selectClass(c)).toList())
                    .build(), listener);
        } finally {
            if (previous == null) {
                System.clearProperty(DockerEngine.COMMAND_PROPERTY);
            } else {
                System.setProperty(DockerEngine.COMMAND_PROPERTY, previous);
            }
        }

        assertThat(skipped.keySet()).containsExactlyInAnyOrderElementsOf(
                dockerPath.stream().map(Class::getSimpleName).toList());
        assertThat(skipped.values()).allSatisfy(reason -> assertThat(reason)
                .contains("no Docker engine", "LocalstackDockerExtension path needs one"));
        assertThat(finished).as("nothing ran, nothing failed").isEmpty();
        assertThat(System.getProperty("com.amazonaws.sdk.disableCertChecking"))
                .as("localstack-utils' Localstack class was not loaded").isNull();
    }
}
