package dev.cloudhop.provider.aws;

/** The ComputeService contract against LocalStack (or the endpoint in CLOUDHOP_AWS_ENDPOINT). */
class LocalStackComputeServiceTest extends AwsComputeServiceSuite {

    @Override
    AwsTarget target() {
        return AwsTarget.LOCALSTACK;
    }
}
