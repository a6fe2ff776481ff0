package dev.cloudhop.cli.tck;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.tck.BlobStoreContract;

/** The blob contract against the site of {@link TckTarget}. */
public class SiteBlobStoreContract extends BlobStoreContract {

    @Override
    protected Cloud createCloud() {
        return TckTarget.get().cloud();
    }

    @Override
    protected boolean closeCloudAfterSuite() {
        return false;
    }

    @Override
    protected NamingRules namingRules() {
        return TckTarget.get().naming();
    }

    @Override
    protected long largeBlobBytes() {
        return TckTarget.get().largeBlobBytes();
    }
}
