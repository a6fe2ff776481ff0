package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DeadLetterQueueContract;

/** The dead-letter queue contract against Azurite's Queue storage, through the Azure SDK. */
class AzureDeadLetterQueueTest extends DeadLetterQueueContract {

    @Override
    protected Cloud createCloud() {
        return AzureSites.azurite();
    }
}
