package dev.cloudhop.failover.runbook;

import java.util.Objects;

/**
 * One step of the failover runbook. The built-in steps, in order, are {@code reconcile}, {@code pre-sync},
 * {@code drain} (the three for planned moves only), {@code fence}, {@code settle-replication}, {@code prepare},
 * {@code redirect}, {@code provision}, {@code switch-dns}, {@code release}, {@code replay} and {@code verify}. With
 * {@code runbook.order = data-plane-first} (the default) {@code provision} and {@code switch-dns} run at once when
 * they are adjacent; with {@code compute-first} they come before {@code redirect}, one after the other. Applications
 * add their own steps relative to the built-in ones with
 * {@code FailoverCloudBuilder#runbookStep(Position, RunbookStep)} (e.g. promote a database replica before
 * {@code redirect}, warm a cache after {@code switch-dns}). Each step that runs is timed and recorded in the
 * {@code RunbookReport} and as an event.
 *
 * <p>Steps run one at a time on the orchestrator thread. Between {@code fence} (a planned move: {@code drain}) and
 * {@code redirect} the facade holds writes, so steps placed there should be quick. A step that throws fails; a failing
 * {@link #required()} step aborts the runbook (clients stay where they are if it aborts before
 * {@code redirect}), a failing optional step is recorded and the runbook goes on.
 */
public interface RunbookStep {

    /** The step's name in reports and events; unique within a runbook. */
    String name();

    /** Whether the runbook aborts when this step fails (default false). */
    default boolean required() {
        return false;
    }

    /** Whether the step runs in this runbook (default: always); a step that does not apply is not reported. */
    default boolean appliesTo(RunbookContext context) {
        return true;
    }

    /**
     * Does the step's work.
     *
     * @return a one-line detail for the report (what was done)
     * @throws Exception when it fails; its message goes to the report
     */
    String run(RunbookContext context) throws Exception;

    /**
     * Where an application step goes, relative to a built-in (or earlier added) step.
     *
     * @param before whether before the anchor (else after it)
     * @param anchor the name of the step it is placed next to
     */
    record Position(boolean before, String anchor) {

        /** Validates. */
        public Position {
            Objects.requireNonNull(anchor, "anchor");
        }

        /** Just before the step named {@code anchor}. */
        public static Position before(String anchor) {
            return new Position(true, anchor);
        }

        /** Just after the step named {@code anchor} (after steps already added after it). */
        public static Position after(String anchor) {
            return new Position(false, anchor);
        }
    }
}
