package dev.cloudhop.provider.aws;

/** The QueueService contract against LocalStack (or the endpoint in CLOUDHOP_AWS_ENDPOINT). */
class LocalStackQueueServiceTest extends AwsQueueServiceSuite {

    @Override
    AwsTarget target() {
        return AwsTarget.LOCALSTACK;
    }
}
