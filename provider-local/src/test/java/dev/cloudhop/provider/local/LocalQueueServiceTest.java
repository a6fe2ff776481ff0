package dev.cloudhop.provider.local;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.QueueServiceContract;

/** The QueueService contract against the local provider. */
class LocalQueueServiceTest extends QueueServiceContract {

    @Override
    protected Cloud createCloud() {
        return LocalSites.openOne();
    }
}
