package dev.cloudhop.failover.runbook;

/** Points the configured DNS record at the target. */
final class SwitchDnsStep extends BuiltInStep {

    static final String NAME = "switch-dns";

    SwitchDnsStep() {
        super(NAME, false);
    }

    @Override
    public String run(RunbookContext c) {
        return c.services().dns().switchTo(c.to());
    }
}
