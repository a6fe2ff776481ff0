package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.tck.ComputeServiceContract;

/** The ComputeService contract against an inventory of machines reached over SSH (a real sshd). */
class OnPremComputeServiceTest extends ComputeServiceContract {

    @Override
    protected Cloud createCloud() {
        return OnPremTestEnvironment.openFullSite("compute");
    }

    @Override
    protected NodeSpec nodeSpec(String group) {
        return NodeSpec.of(group, OnPremTestEnvironment.IMAGE, OnPremTestEnvironment.SIZE);
    }
}
