package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.QueueServiceContract;

/** The QueueService contract against an embedded Artemis broker with {@code queue.send-mode = async}. */
class AsyncSendQueueServiceTest extends QueueServiceContract {

    @Override
    protected Cloud createCloud() {
        return OnPremTestEnvironment.open("sites { queues { provider = onprem, region = dc-test, "
                + "queue.journal-directory = \"" + OnPremTestEnvironment.tempDirectory("journal") + "\", "
                + "queue.send-mode = async } }").site("queues");
    }
}
