package dev.cloudhop.cli.tck;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.tck.ErrorMappingContract;
import java.util.Set;

/** The error-mapping contract against the site of {@link TckTarget}. */
public class SiteErrorMappingContract extends ErrorMappingContract {

    @Override
    protected Cloud createCloud() {
        return TckTarget.get().cloud();
    }

    @Override
    protected boolean closeCloudAfterSuite() {
        return false;
    }

    @Override
    protected NodeSpec nodeSpec(String group) {
        return TckTarget.nodeSpec(group);
    }

    @Override
    protected Set<String> credentials() {
        return TckTarget.get().credentials();
    }
}
