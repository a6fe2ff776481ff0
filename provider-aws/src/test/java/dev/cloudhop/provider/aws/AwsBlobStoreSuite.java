package dev.cloudhop.provider.aws;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.tck.BlobStoreContract;

/** The BlobStore contract against one AWS target; one subclass per emulator. */
abstract class AwsBlobStoreSuite extends BlobStoreContract {

    abstract AwsTarget target();

    @Override
    protected Cloud createCloud() {
        target().reset();
        return target().open();
    }

    @Override
    protected NamingRules namingRules() {
        return new AwsProvider().namingRules();
    }
}
