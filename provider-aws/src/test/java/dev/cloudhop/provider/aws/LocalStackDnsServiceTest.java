package dev.cloudhop.provider.aws;

/** The DnsService contract against LocalStack (or the endpoint in CLOUDHOP_AWS_ENDPOINT). */
class LocalStackDnsServiceTest extends AwsDnsServiceSuite {

    @Override
    AwsTarget target() {
        return AwsTarget.LOCALSTACK;
    }
}
