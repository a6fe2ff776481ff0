package dev.cloudhop.failover.runbook;

import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.KnownResources;

/**
 * Ensures the containers and queues the application uses exist at the target, each queue with the dead-letter
 * policy it was created with through the facade (its dead-letter queue first).
 */
final class PrepareStep extends BuiltInStep {

    static final String NAME = "prepare";

    PrepareStep() {
        super(NAME, false);
    }

    @Override
    public String run(RunbookContext c) {
        KnownResources known = c.services().known();
        InterceptedSite target = c.target();
        for (String container : known.containers()) {
            target.blobs().createContainer(container);
        }
        for (String q : known.queues()) {
            known.ensureQueue(target.queues(), q);
        }
        return known.containers().size() + " containers, " + known.queues().size() + " queues ensured at " + c.to();
    }
}
