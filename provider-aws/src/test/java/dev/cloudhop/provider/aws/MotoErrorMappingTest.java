package dev.cloudhop.provider.aws;

import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/** The ErrorMapping contract against moto server. */
@DisabledIfEnvironmentVariable(named = AwsTarget.ENDPOINT_VARIABLE, matches = ".+",
        disabledReason = "CLOUDHOP_AWS_ENDPOINT is set: the AWS suite runs against that endpoint instead")
class MotoErrorMappingTest extends AwsErrorMappingSuite {

    @Override
    AwsTarget target() {
        return AwsTarget.MOTO;
    }
}
