package dev.cloudhop.failover.runbook;

/** Moves clients to the target at the new epoch. Closes the switch window. */
final class RedirectStep implements RunbookStep {

    static final String NAME = "redirect";

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
        c.services().active().redirect(c.to(), c.epoch());
        return "clients now use " + c.to();
    }
}
