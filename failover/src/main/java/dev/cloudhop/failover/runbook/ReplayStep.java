package dev.cloudhop.failover.runbook;

import dev.cloudhop.failover.Service;

/** Delivers captured sends to the target and moves the messages stranded at the site clients left. */
final class ReplayStep extends BuiltInStep {

    static final String NAME = "replay";

    ReplayStep() {
        super(NAME, false);
    }

    @Override
    public String run(RunbookContext c) {
        RunbookServices s = c.services();
        int replayed = s.replayChecked(c.target());
        int merged = s.health().isUp(c.from(), Service.QUEUE) ? s.merger().merge(s.router().site(c.from()), c.target()) : 0;
        return replayed + " captured sends replayed, " + merged + " messages moved from " + c.from();
    }
}
