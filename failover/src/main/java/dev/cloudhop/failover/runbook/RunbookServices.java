package dev.cloudhop.failover.runbook;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.coordination.Coordinator;
import dev.cloudhop.failover.coordination.CoordinationKind;
import dev.cloudhop.failover.coordination.Register;
import java.util.function.BiConsumer;
import dev.cloudhop.failover.internal.InterceptedSite;
import org.slf4j.LoggerFactory;
import dev.cloudhop.failover.capture.CaptureReplay;
import dev.cloudhop.failover.capture.QueueMerger;
import dev.cloudhop.failover.fencing.FenceRegister;
import dev.cloudhop.failover.health.HealthMonitor;
import dev.cloudhop.failover.internal.KnownResources;
import dev.cloudhop.failover.replication.Reconciler;
import dev.cloudhop.failover.replication.Replicator;
import dev.cloudhop.failover.routing.ActiveSite;
import dev.cloudhop.failover.routing.Router;

/**
 * What the built-in steps work with: the facade's parts, shared by every run.
 *
 * @param config     the failover configuration
 * @param router     sites and routing
 * @param active     the active site and epoch
 * @param fences     the epoch register
 * @param health     health of every site
 * @param replicator blob replication
 * @param known      containers and queues the application uses
 * @param replay     captured sends
 * @param merger     stranded messages
 * @param dns        the DNS record of the active site
 * @param fleet      who decides for the fleet: the register's compare-and-set, leadership and the fleet's view
 * @param follow     makes this instance follow a register another instance set (adopt, with an event), and says how it learnt it
 */
public record RunbookServices(FailoverConfig config, Router router, ActiveSite active, FenceRegister fences,
                              HealthMonitor health, Replicator replicator, Reconciler reconciler, KnownResources known,
                              CaptureReplay replay,
                              QueueMerger merger, DnsSwitch dns, Coordinator fleet, BiConsumer<Register, String> follow) {

    /** Whether several instances coordinate (any kind but {@code single}). */
    public boolean coordinated() {
        return config.coordination().kind() != CoordinationKind.SINGLE;
    }

    /**
     * Replays captured sends to {@code target} once the fence lets this instance write there (a replayed send
     * is acknowledged at that site like any other); otherwise leaves them captured for the next replay.
     *
     * @return how many were delivered
     */
    public int replayChecked(InterceptedSite target) {
        if (!replay.pending()) {
            return 0;
        }
        try {
            fences.check(target);
        } catch (CloudException e) {
            LoggerFactory.getLogger(RunbookServices.class).info(
                    "captured sends not replayed to site {}: {}; they wait for the next replay", target.id(), e.getMessage());
            return 0;
        }
        return replay.replayTo(target);
    }
}
