package dev.cloudhop.failover.runbook;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.fencing.Fence;
import dev.cloudhop.failover.internal.InterceptedSite;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Raises the epoch: writes the new fence at the target, then at every other reachable site; sites known to be down are fenced when they recover. Opens the switch window (writes wait). */
final class FenceStep implements RunbookStep {

    static final String NAME = "fence";
    private static final Logger LOG = LoggerFactory.getLogger(FenceStep.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public String run(RunbookContext c) {
        RunbookServices s = c.services();
        Fence fence = new Fence(c.epoch(), c.to());
        InterceptedSite target = c.target();
        lostTo(s, s.fences().write(target, fence), fence);
        List<String> unreachable = new ArrayList<>();
        for (InterceptedSite other : s.router().sites()) {
            if (other == target) {
                continue;
            }
            if (!s.health().isUp(other.id(), Service.BLOB)) {
                unreachable.add(other.id()); // known down: do not wait for its timeouts; recovery fences it
                continue;
            }
            try {
                lostTo(s, s.fences().write(other, fence), fence);
            } catch (CloudException e) {
                LOG.warn("fence of site {} at epoch {} failed (blob.put): {}; fenced on recovery", other.id(), c.epoch(),
                        e.toString());
                unreachable.add(other.id());
            }
        }
        return "epoch " + c.epoch() + (unreachable.isEmpty() ? "" : "; fenced on recovery: " + unreachable);
    }

    /**
     * Stops the runbook when a site already holds this epoch for another site, or a newer epoch: another instance
     * moved the fleet first. A newer epoch is adopted; the same epoch is left to the fence check of the next write.
     */
    private static void lostTo(RunbookServices s, Fence held, Fence mine) {
        if (held.equals(mine)) {
            return;
        }
        s.active().adopt(held.epoch(), held.activeSite());
        throw new FleetMovedException(held.epoch(), held.activeSite());
    }
}
