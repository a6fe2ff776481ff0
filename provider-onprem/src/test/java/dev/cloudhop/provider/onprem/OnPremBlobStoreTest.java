package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.tck.BlobStoreContract;

/** The BlobStore contract against a directory on this machine's disk (jclouds filesystem, atomic writes). */
class OnPremBlobStoreTest extends BlobStoreContract {

    @Override
    protected Cloud createCloud() {
        return OnPremTestEnvironment.open("sites { blobs { provider = onprem, region = dc-test, blob.directory = \""
                + OnPremTestEnvironment.tempDirectory("blobs") + "\" } }").site("blobs");
    }

    @Override
    protected NamingRules namingRules() {
        return new OnPremProvider().namingRules();
    }
}
