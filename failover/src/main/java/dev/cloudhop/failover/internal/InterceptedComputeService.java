package dev.cloudhop.failover.internal;

import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.compute.ScriptResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One site's compute as the facade sees it: each call passes the interceptors first and reports its
 * outcome to health tracking ({@link SiteCall}).
 */
final class InterceptedComputeService implements ComputeService {

    private final ComputeService target;
    private final SiteCall call;

    InterceptedComputeService(ComputeService target, SiteCall call) {
        this.target = target;
        this.call = call;
    }

    @Override
    public List<Node> listNodes() {
        SiteCall.Started t = call.before("listNodes");
        try {
            return call.succeeded(t, target.listNodes());
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public List<Node> listNodes(String group) {
        SiteCall.Started t = call.before("listNodes");
        try {
            return call.succeeded(t, target.listNodes(group));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public Optional<Node> node(String id) {
        SiteCall.Started t = call.before("node");
        try {
            return call.succeeded(t, target.node(id));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public List<Node> launch(NodeSpec spec, int count) {
        SiteCall.Started t = call.before("launch");
        try {
            return call.succeeded(t, target.launch(spec, count));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public boolean destroy(String id) {
        SiteCall.Started t = call.before("destroy");
        try {
            return call.succeeded(t, target.destroy(id));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public ScriptResult runScript(String id, String script, Duration timeout) {
        SiteCall.Started t = call.before("runScript");
        try {
            return call.succeeded(t, target.runScript(id, script, timeout));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public String toString() {
        return "Intercepted[" + call + "]";
    }
}
