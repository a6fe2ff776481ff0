package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.testing.FreePorts;
import dev.cloudhop.tck.QueueServiceContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The QueueService contract against a remote Artemis broker, reached by {@code queue.url} over TCP: the
 * broker is another site's embedded broker, listening on a free loopback port ({@code queue.listen}).
 */
class RemoteArtemisQueueServiceTest extends QueueServiceContract {

    private Cloud hub;

    @Override
    protected Cloud createCloud() {
        int port = FreePorts.find();
        hub = OnPremTestEnvironment.open("sites { hub { provider = onprem, region = dc-test, queue.journal-directory = \""
                + OnPremTestEnvironment.tempDirectory("journal") + "\", queue.listen = \"tcp://127.0.0.1:" + port + "\" } }")
                .site("hub");
        hub.queues().listQueues(); // starts the hub's broker
        return OnPremTestEnvironment.open("sites { remote { provider = onprem, region = dc-test, "
                + "queue.url = \"tcp://127.0.0.1:" + port + "\" } }").site("remote");
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }
}
