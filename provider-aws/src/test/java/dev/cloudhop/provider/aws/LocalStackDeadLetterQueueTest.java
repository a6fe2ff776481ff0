package dev.cloudhop.provider.aws;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DeadLetterQueueContract;

/** The dead-letter queue contract against LocalStack. */
class LocalStackDeadLetterQueueTest extends DeadLetterQueueContract {

    @Override
    protected Cloud createCloud() {
        AwsTarget.LOCALSTACK.reset();
        return AwsTarget.LOCALSTACK.open();
    }
}
