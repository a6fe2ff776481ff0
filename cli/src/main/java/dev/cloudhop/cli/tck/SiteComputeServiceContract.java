package dev.cloudhop.cli.tck;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.tck.ComputeServiceContract;

/** The compute contract against the site of {@link TckTarget}. */
public class SiteComputeServiceContract extends ComputeServiceContract {

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
}
