package dev.cloudhop.provider.aws;

import cloud.localstack.ServiceName;
import cloud.localstack.docker.annotation.LocalstackDockerProperties;

/** The QueueService contract against LocalStack in Docker, started by localstack-utils ({@link LocalStackInDocker}). */
@LocalStackInDocker
@LocalstackDockerProperties(imageTag = LocalStackDockerEnvironment.IMAGE_TAG, useSingleDockerContainer = true,
        services = {ServiceName.S3, ServiceName.SQS, ServiceName.ROUTE53, ServiceName.EC2},
        environmentVariableProvider = LocalStackDockerEnvironment.class)
class LocalStackDockerQueueServiceTest extends AwsQueueServiceSuite {

    @Override
    AwsTarget target() {
        return AwsTarget.LOCALSTACK_DOCKER;
    }
}
