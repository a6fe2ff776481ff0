package dev.cloudhop.provider.aws;

import cloud.localstack.ServiceName;
import cloud.localstack.docker.annotation.LocalstackDockerProperties;

/** The ErrorMapping contract against LocalStack in Docker, started by localstack-utils ({@link LocalStackInDocker}). */
@LocalStackInDocker
@LocalstackDockerProperties(imageTag = LocalStackDockerEnvironment.IMAGE_TAG, useSingleDockerContainer = true,
        services = {ServiceName.S3, ServiceName.SQS, ServiceName.ROUTE53, ServiceName.EC2},
        environmentVariableProvider = LocalStackDockerEnvironment.class)
class LocalStackDockerErrorMappingTest extends AwsErrorMappingSuite {

    @Override
    AwsTarget target() {
        return AwsTarget.LOCALSTACK_DOCKER;
    }
}
