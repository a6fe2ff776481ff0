package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.tck.ErrorMappingContract;
import java.util.Set;

/** The error-mapping contract against a fully configured on-prem site on real servers. */
class OnPremErrorMappingTest extends ErrorMappingContract {

    @Override
    protected Cloud createCloud() {
        return OnPremTestEnvironment.openFullSite("errors");
    }

    @Override
    protected NodeSpec nodeSpec(String group) {
        return NodeSpec.of(group, OnPremTestEnvironment.IMAGE, OnPremTestEnvironment.SIZE);
    }

    @Override
    protected Set<String> credentials() {
        return OnPremTestEnvironment.credentials();
    }
}
