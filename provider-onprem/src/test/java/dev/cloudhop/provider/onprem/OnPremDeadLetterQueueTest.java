package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DeadLetterQueueContract;

/** The dead-letter queue contract against an embedded ActiveMQ Artemis broker with a durable journal. */
class OnPremDeadLetterQueueTest extends DeadLetterQueueContract {

    @Override
    protected Cloud createCloud() {
        return OnPremTestEnvironment.open("sites { queues { provider = onprem, region = dc-test, "
                + "queue.journal-directory = \"" + OnPremTestEnvironment.tempDirectory("journal") + "\" } }")
                .site("queues");
    }
}
