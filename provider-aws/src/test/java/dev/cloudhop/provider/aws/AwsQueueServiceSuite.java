package dev.cloudhop.provider.aws;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.tck.QueueServiceContract;

/** The QueueService contract against one AWS target; one subclass per emulator. */
abstract class AwsQueueServiceSuite extends QueueServiceContract {

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
