package dev.cloudhop.provider.aws;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Enables a test class only where a Docker engine answers: {@code docker info} exits 0 within
 * {@link #TIMEOUT}. JUnit evaluates conditions before any {@code BeforeAllCallback}, so a class disabled
 * here never reaches localstack-utils' {@code LocalstackDockerExtension} (which would otherwise fail trying
 * to start a container, and whose {@code Localstack} class sets JVM-wide properties when it loads).
 *
 * <p>The command is {@code $DOCKER_LOCATION} (the variable localstack-utils honours) or {@code docker}
 * on the {@code PATH}; the system property {@value #COMMAND_PROPERTY} overrides both (the self-test uses it).
 * One probe per command and JVM.
 */
final class DockerEngine implements ExecutionCondition {

    /** System property naming the docker executable, ahead of {@code DOCKER_LOCATION} and the PATH. */
    static final String COMMAND_PROPERTY = "cloudhop.docker.command";

    /** How long {@code docker info} may take before the engine counts as not answering. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static final Map<String, ConditionEvaluationResult> PROBED = new ConcurrentHashMap<>();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String command = command();
        return PROBED.computeIfAbsent(command, c -> probe(List.of(c, "info"), TIMEOUT));
    }

    static String command() {
        String property = System.getProperty(COMMAND_PROPERTY);
        if (property != null && !property.isBlank()) {
            return property.trim();
        }
        String location = System.getenv("DOCKER_LOCATION");
        return location != null && !location.isBlank() ? location.trim() : "docker";
    }

    /** Runs {@code command}; enabled only if it exits 0 within {@code timeout}. The reason says what happened. */
    static ConditionEvaluationResult probe(List<String> command, Duration timeout) {
        String shown = String.join(" ", command);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return ConditionEvaluationResult.disabled("no Docker engine: cannot run `" + shown + "` (" + e.getMessage()
                    + "); the LocalstackDockerExtension path needs one");
        }
        try (InputStream out = process.getInputStream()) {
            // drained on this thread after exit or timeout; docker info prints a few KiB at most
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return ConditionEvaluationResult.disabled("no Docker engine: `" + shown + "` did not answer within "
                        + timeout.toSeconds() + " s; the LocalstackDockerExtension path needs one");
            }
            String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                return ConditionEvaluationResult.disabled("no Docker engine: `" + shown + "` exited "
                        + process.exitValue() + lastLine(output) + "; the LocalstackDockerExtension path needs one");
            }
            return ConditionEvaluationResult.enabled("Docker engine answers `" + shown + "`");
        } catch (IOException e) {
            return ConditionEvaluationResult.disabled("no Docker engine: reading `" + shown + "` failed: " + e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return ConditionEvaluationResult.disabled("interrupted while asking `" + shown + "`");
        }
    }

    private static String lastLine(String output) {
        String trimmed = output.strip();
        if (trimmed.isEmpty()) {
            return "";
        }
        String[] lines = trimmed.split("\\R");
        return " (" + lines[lines.length - 1].strip() + ")";
    }
}
