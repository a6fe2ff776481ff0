package dev.cloudhop.provider.local;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DeadLetterQueueContract;

/** The dead-letter queue contract against the local provider. */
class LocalDeadLetterQueueTest extends DeadLetterQueueContract {

    @Override
    protected Cloud createCloud() {
        return LocalSites.openOne();
    }
}
