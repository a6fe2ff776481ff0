package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.QueueServiceContract;

/** The QueueService contract against an embedded ActiveMQ Artemis broker with a durable journal. */
class OnPremQueueServiceTest extends QueueServiceContract {

    @Override
    protected Cloud createCloud() {
        return OnPremTestEnvironment.open("sites { queues { provider = onprem, region = dc-test, "
                + "queue.journal-directory = \"" + OnPremTestEnvironment.tempDirectory("journal") + "\" } }")
                .site("queues");
    }
}
