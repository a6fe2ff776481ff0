package dev.cloudhop.provider.local;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.tck.ComputeServiceContract;

/** The compute contract against the local provider (jclouds stub compute). */
class LocalComputeServiceTest extends ComputeServiceContract {

    @Override
    protected Cloud createCloud() {
        return LocalSites.openOne();
    }

    /** Image 57 (Ubuntu) and hardware "small" are in jclouds' stub catalogue. */
    @Override
    protected NodeSpec nodeSpec(String group) {
        return NodeSpec.of(group, "57", "small");
    }
}
