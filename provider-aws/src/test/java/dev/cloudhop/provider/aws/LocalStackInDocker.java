package dev.cloudhop.provider.aws;

import cloud.localstack.docker.LocalstackDockerExtension;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a contract suite that runs against LocalStack in a container started by localstack-utils'
 * {@link LocalstackDockerExtension}, only where a Docker engine answers: {@link DockerEngine} is a JUnit
 * condition, evaluated before any {@code beforeAll} callback, so without an engine the class is reported
 * as skipped with the reason and the extension starts nothing. Tagged {@value LocalStackDockerEnvironment#TAG}:
 * surefire runs these classes in their own JVM (execution {@code localstack-docker}), because
 * localstack-utils' {@code Localstack} class sets JVM-wide properties when it loads.
 *
 * <p>The class itself must carry {@code @LocalstackDockerProperties}: localstack-utils reads it from the
 * test class only, not through meta-annotations.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(LocalStackDockerEnvironment.TAG)
@ExtendWith(DockerEngine.class)
@ExtendWith(LocalstackDockerExtension.class)
@interface LocalStackInDocker {
}
