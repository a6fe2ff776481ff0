package dev.cloudhop.provider.aws;

/** The ErrorMapping contract against LocalStack (or the endpoint in CLOUDHOP_AWS_ENDPOINT). */
class LocalStackErrorMappingTest extends AwsErrorMappingSuite {

    @Override
    AwsTarget target() {
        return AwsTarget.LOCALSTACK;
    }
}
