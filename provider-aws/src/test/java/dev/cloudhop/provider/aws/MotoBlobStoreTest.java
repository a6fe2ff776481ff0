package dev.cloudhop.provider.aws;

import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/** The BlobStore contract against moto server. */
@DisabledIfEnvironmentVariable(named = AwsTarget.ENDPOINT_VARIABLE, matches = ".+",
        disabledReason = "CLOUDHOP_AWS_ENDPOINT is set: the AWS suite runs against that endpoint instead")
@org.junit.jupiter.api.extension.ExtendWith(MotoDefects.class)
class MotoBlobStoreTest extends AwsBlobStoreSuite {

    @Override
    AwsTarget target() {
        return AwsTarget.MOTO;
    }
}
