package dev.cloudhop.failover.runbook;

import dev.cloudhop.api.compute.Node;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.internal.InterceptedSite;

/** Redeploy topology: destroys the redeploy group's nodes at the site clients left; what is unreachable stays for later. */
final class ReleaseStep extends BuiltInStep {

    static final String NAME = "release";

    ReleaseStep() {
        super(NAME, false);
    }

    @Override
    public boolean appliesTo(RunbookContext c) {
        FailoverConfig config = c.services().config();
        return config.topology() == FailoverConfig.Topology.REDEPLOY && config.redeploy().orElseThrow().release()
                && config.redeploy().orElseThrow().provisions(c.from()) && c.services().health().isUp(c.from(), Service.COMPUTE);
    }

    @Override
    public String run(RunbookContext c) {
        FailoverConfig.Redeploy r = c.services().config().redeploy().orElseThrow();
        InterceptedSite left = c.services().router().site(c.from());
        int destroyed = 0;
        for (Node n : left.compute().listNodes(r.group())) {
            if (left.compute().destroy(n.id())) {
                destroyed++;
            }
        }
        return "released " + destroyed + " nodes of group " + r.group() + " at " + left.id();
    }
}
