package dev.cloudhop.provider.aws;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DeadLetterQueueContract;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/** The dead-letter queue contract against moto server. */
@DisabledIfEnvironmentVariable(named = AwsTarget.ENDPOINT_VARIABLE, matches = ".+",
        disabledReason = "CLOUDHOP_AWS_ENDPOINT is set: the AWS suite runs against that endpoint instead")
class MotoDeadLetterQueueTest extends DeadLetterQueueContract {

    @Override
    protected Cloud createCloud() {
        AwsTarget.MOTO.reset();
        return AwsTarget.MOTO.open();
    }

    /**
     * moto 5.x moves a message to the dead-letter queue without the {@code DeadLetterQueueSourceArn} system
     * attribute (moto/sqs/models.py, receive_message: {@code queue.dead_letter_queue.add_message(message)}), so the
     * provider cannot tell which queue it came from, nor why. SQS and LocalStack set it.
     */
    @Override
    protected boolean reportsTheReason() {
        return false;
    }
}
