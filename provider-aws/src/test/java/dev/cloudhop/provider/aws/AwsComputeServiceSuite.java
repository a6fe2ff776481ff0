package dev.cloudhop.provider.aws;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.tck.ComputeServiceContract;

/** The ComputeService contract against one AWS target (fake EC2 instances); one subclass per emulator. */
abstract class AwsComputeServiceSuite extends ComputeServiceContract {

    abstract AwsTarget target();

    @Override
    protected Cloud createCloud() {
        target().reset();
        return target().open();
    }

    @Override
    protected NodeSpec nodeSpec(String group) {
        return AwsTarget.nodeSpec(group);
    }
}
