package dev.cloudhop.provider.aws;

/** The BlobStore contract against LocalStack (or the endpoint in CLOUDHOP_AWS_ENDPOINT). */
class LocalStackBlobStoreTest extends AwsBlobStoreSuite {

    @Override
    AwsTarget target() {
        return AwsTarget.LOCALSTACK;
    }
}
