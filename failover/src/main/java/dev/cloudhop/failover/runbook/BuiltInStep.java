package dev.cloudhop.failover.runbook;

/** What every built-in step shares: its name and whether its failure aborts the runbook. */
abstract class BuiltInStep implements RunbookStep {

    private final String name;
    private final boolean required;

    BuiltInStep(String name, boolean required) {
        this.name = name;
        this.required = required;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean required() {
        return required;
    }
}
