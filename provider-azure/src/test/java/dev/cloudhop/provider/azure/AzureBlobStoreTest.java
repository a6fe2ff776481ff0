package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.tck.BlobStoreContract;

/**
 * The BlobStore contract against Azurite, through jclouds azureblob with Cloudhop's signer and listing
 * fixes. The large blob (64 MiB) crosses the 32 MiB multipart threshold, so it goes up as Put Block /
 * Put Block List.
 */
class AzureBlobStoreTest extends BlobStoreContract {

    @Override
    protected Cloud createCloud() {
        return AzureSites.azurite();
    }

    @Override
    protected long largeBlobBytes() {
        return 64L << 20;
    }

    @Override
    protected NamingRules namingRules() {
        return NamingRules.AZURE;
    }
}
