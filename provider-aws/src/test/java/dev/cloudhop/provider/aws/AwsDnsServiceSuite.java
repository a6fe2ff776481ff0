package dev.cloudhop.provider.aws;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DnsServiceContract;

/** The DnsService contract against one AWS target; one subclass per emulator. */
abstract class AwsDnsServiceSuite extends DnsServiceContract {

    abstract AwsTarget target();

    @Override
    protected Cloud createCloud() {
        target().reset();
        return target().open();
    }
}
