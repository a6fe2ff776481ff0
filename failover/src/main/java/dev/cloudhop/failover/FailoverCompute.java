package dev.cloudhop.failover;

import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.compute.ScriptResult;
import dev.cloudhop.failover.routing.ActiveSite;
import dev.cloudhop.failover.routing.Router;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Compute through the facade: every call goes to the active site's compute service. */
final class FailoverCompute implements ComputeService {

    private final Router router;
    private final ActiveSite state;

    FailoverCompute(Router router, ActiveSite state) {
        this.router = router;
        this.state = state;
    }

    private ComputeService active() {
        state.checkOpen();
        return router.active().compute();
    }

    @Override
    public List<Node> listNodes() {
        return active().listNodes();
    }

    @Override
    public List<Node> listNodes(String group) {
        return active().listNodes(group);
    }

    @Override
    public Optional<Node> node(String id) {
        return active().node(id);
    }

    @Override
    public List<Node> launch(NodeSpec spec, int count) {
        return active().launch(spec, count);
    }

    @Override
    public boolean destroy(String id) {
        return active().destroy(id);
    }

    @Override
    public ScriptResult runScript(String id, String script, Duration timeout) {
        return active().runScript(id, script, timeout);
    }

    @Override
    public String toString() {
        return "FailoverComputeService";
    }
}
