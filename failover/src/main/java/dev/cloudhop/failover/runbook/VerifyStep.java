package dev.cloudhop.failover.runbook;

import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.health.Prober;

/** Probes the critical services at the target. */
final class VerifyStep extends BuiltInStep {

    static final String NAME = "verify";

    VerifyStep() {
        super(NAME, false);
    }

    @Override
    public String run(RunbookContext c) {
        for (Service s : c.services().config().criticalServices()) {
            if (Prober.supports(c.target(), s)) {
                Prober.probe(c.target(), s);
            }
        }
        return "critical services answer at " + c.to();
    }
}
