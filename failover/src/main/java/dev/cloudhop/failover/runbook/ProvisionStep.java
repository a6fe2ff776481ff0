package dev.cloudhop.failover.runbook;

import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.internal.InterceptedSite;
import java.util.List;

/** Redeploy topology: launches the missing nodes of the redeploy group at the target. */
final class ProvisionStep extends BuiltInStep {

    static final String NAME = "provision";

    ProvisionStep() {
        super(NAME, true);
    }

    @Override
    public boolean appliesTo(RunbookContext c) {
        return c.services().config().topology() == FailoverConfig.Topology.REDEPLOY;
    }

    @Override
    public String run(RunbookContext c) {
        FailoverConfig.Redeploy r = c.services().config().redeploy().orElseThrow();
        InterceptedSite target = c.target();
        if (!r.provisions(target.id())) {
            return target.id() + " runs a standing deployment: nothing to provision";
        }
        List<Node> existing = target.compute().listNodes(r.group());
        int missing = r.count() - existing.size();
        if (missing <= 0) {
            return existing.size() + " nodes already running in group " + r.group();
        }
        List<String> imageAndSize = r.imageAndSize(target.id());
        List<Node> launched = target.compute().launch(NodeSpec.of(r.group(), imageAndSize.get(0), imageAndSize.get(1)), missing);
        return "launched " + launched.size() + " nodes in group " + r.group() + " at " + target.id();
    }
}
