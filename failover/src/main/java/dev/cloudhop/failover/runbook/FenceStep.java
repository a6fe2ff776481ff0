package dev.cloudhop.failover.runbook;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.coordination.Register;
import dev.cloudhop.failover.fencing.Fence;
import dev.cloudhop.failover.internal.InterceptedSite;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Raises the epoch: writes the new fence at the target, then at every other reachable site; sites known to be down are fenced when they recover. Opens the switch window (writes wait). */
final class FenceStep extends BuiltInStep {

    static final String NAME = "fence";
    private static final Logger LOG = LoggerFactory.getLogger(FenceStep.class);

    FenceStep() {
        super(NAME, true);
    }

    @Override
    public String run(RunbookContext c) {
        RunbookServices s = c.services();
        raiseRegister(s, c);
        Fence fence = new Fence(c.epoch(), c.to());
        InterceptedSite target = c.target();
        List<String> unreachable = new ArrayList<>();
        try {
            lostTo(s, s.fences().write(target, fence), fence);
        } catch (CloudException e) {
            if (!s.coordinated()) {
                throw e; // alone, the target's fence is what decides the epoch
            }
            LOG.warn("fence of target {} at epoch {} failed (blob.put): {}; the fleet's register decided; fenced on recovery",
                    target.id(), c.epoch(), e.toString());
            unreachable.add(target.id());
        }
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
     * Raises the fleet's register from this instance's epoch to the run's, the only way an epoch changes; stops the
     * runbook (this instance follows the winner) when another instance moved the fleet first.
     */
    private static void raiseRegister(RunbookServices s, RunbookContext c) {
        Register mine = new Register(s.active().epoch(), s.active().site());
        Register held = s.fleet().current();
        if (held.epoch() > mine.epoch()) {
            s.follow().accept(held, "register read before the fence");
            throw new FleetMovedException(held.epoch(), held.activeSite());
        }
        Register next = mine.next(c.to());
        if (next.epoch() != c.epoch()) {
            throw new IllegalStateException("the run's epoch " + c.epoch() + " is not the register's next " + next.epoch());
        }
        if (!s.fleet().compareAndSet(mine, next)) {
            Register winner = s.fleet().current();
            s.follow().accept(winner, "lost compare-and-set of epoch " + next.epoch());
            throw new FleetMovedException(winner.epoch(), winner.activeSite());
        }
        c.registerRaised();
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
