package dev.cloudhop.provider.local;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.BlobStoreContract;

/** The BlobStore contract against the local provider. */
class LocalBlobStoreTest extends BlobStoreContract {

    @Override
    protected Cloud createCloud() {
        return LocalSites.openOne();
    }
}
