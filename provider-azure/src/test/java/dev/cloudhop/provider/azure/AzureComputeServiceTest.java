package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.tck.ComputeServiceContract;

/**
 * RECORDED RESPONSES: the ComputeService contract against {@link RecordedArmServer} (network interfaces and
 * virtual machines created and deleted through long-running operations), not against Azure.
 */
class AzureComputeServiceTest extends ComputeServiceContract {

    static final String IMAGE = "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest";
    static final String SIZE = "Standard_B1s";

    @Override
    protected Cloud createCloud() {
        return AzureArmSites.full();
    }

    @Override
    protected NodeSpec nodeSpec(String group) {
        return NodeSpec.of(group, IMAGE, SIZE);
    }
}
