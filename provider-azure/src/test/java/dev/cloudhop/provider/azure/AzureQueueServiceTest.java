package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.QueueServiceContract;

/** The QueueService contract against Azurite's Queue storage, through the Azure SDK. */
class AzureQueueServiceTest extends QueueServiceContract {

    @Override
    protected Cloud createCloud() {
        return AzureSites.azurite();
    }
}
