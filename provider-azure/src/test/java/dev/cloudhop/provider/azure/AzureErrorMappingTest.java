package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.testing.AzuriteServer;
import dev.cloudhop.tck.ErrorMappingContract;
import java.util.Set;

/**
 * The error-mapping contract on a full Azure site: blobs and queues on Azurite, DNS and compute against
 * RECORDED Resource Manager responses ({@link RecordedArmServer}).
 */
class AzureErrorMappingTest extends ErrorMappingContract {

    @Override
    protected Cloud createCloud() {
        return AzureArmSites.full();
    }

    @Override
    protected NodeSpec nodeSpec(String group) {
        return NodeSpec.of(group, AzureComputeServiceTest.IMAGE, AzureComputeServiceTest.SIZE);
    }

    @Override
    protected Set<String> credentials() {
        return Set.of(AzuriteServer.ACCOUNT_KEY, AzureArmSites.server().clientSecret());
    }
}
