package dev.cloudhop.failover.runbook;

/** Points the configured DNS record at the target. */
final class SwitchDnsStep implements RunbookStep {

    static final String NAME = "switch-dns";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String run(RunbookContext c) {
        return c.services().dns().switchTo(c.to());
    }
}
