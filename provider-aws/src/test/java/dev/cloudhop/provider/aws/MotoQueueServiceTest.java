package dev.cloudhop.provider.aws;

import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/** The QueueService contract against moto server. */
@DisabledIfEnvironmentVariable(named = AwsTarget.ENDPOINT_VARIABLE, matches = ".+",
        disabledReason = "CLOUDHOP_AWS_ENDPOINT is set: the AWS suite runs against that endpoint instead")
class MotoQueueServiceTest extends AwsQueueServiceSuite {

    @Override
    AwsTarget target() {
        return AwsTarget.MOTO;
    }
}
