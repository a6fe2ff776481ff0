package dev.cloudhop.failover.runbook;

/** Moves clients to the target at the new epoch. Closes the switch window. */
final class RedirectStep extends BuiltInStep {

    static final String NAME = "redirect";

    RedirectStep() {
        super(NAME, true);
    }

    @Override
    public String run(RunbookContext c) throws InterruptedException {
        // an instance that has not seen the raised register may still acknowledge at the old site for the
        // coordinator's stale-writer bound: writes stay held until it has passed (nothing to wait for alone)
        java.time.Duration wait = c.untilStaleWritersStop();
        if (!wait.isZero()) {
            Thread.sleep(wait.toMillis(), (int) (wait.toNanosPart() % 1_000_000));
        }
        c.services().active().redirect(c.to(), c.epoch());
        return "clients now use " + c.to() + (wait.isZero() ? "" : " (after " + wait.toMillis() + " ms for stale writers to stop)");
    }
}
