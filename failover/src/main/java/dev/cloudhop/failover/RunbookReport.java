package dev.cloudhop.failover;

import dev.cloudhop.failover.internal.ReportJson;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one failover (or failback) did: each step timed, with its outcome.
 *
 * @param from               the site clients left
 * @param to                 the site clients now use
 * @param reason             why it ran
 * @param epoch              the fencing epoch it established
 * @param started            when it began
 * @param took               how long it took in all
 * @param ok                 whether every required step succeeded (clients were redirected)
 * @param unreplicatedWrites blob writes acknowledged at other sites that had not reached {@code to} when
 *                           clients were redirected (the RPO in writes)
 * @param steps              the steps in order
 */
public record RunbookReport(String from, String to, String reason, long epoch, Instant started, Duration took, boolean ok,
                            int unreplicatedWrites, List<Step> steps) {

    /** Copies. */
    public RunbookReport {
        steps = List.copyOf(steps);
    }

    /**
     * One step.
     *
     * @param name   reconcile, pre-sync, drain, fence, settle-replication, prepare, provision, switch-dns, redirect,
     *               release, replay, verify, or an application step's name
     * @param took   its duration
     * @param ok     whether it succeeded
     * @param detail what it did or why it failed
     * @param at     when it began, from the start of its runbook (by the monotonic clock, so steps can be laid on a
     *               timeline; steps that ran at once overlap); null where it was not recorded
     */
    public record Step(String name, Duration took, boolean ok, String detail, Duration at) {

        /** A step whose start was not recorded ({@code at} null). */
        public Step(String name, Duration took, boolean ok, String detail) {
            this(name, took, ok, detail, null);
        }

        /** When it ended, from the runbook's start; its duration alone where its start was not recorded. */
        public Duration end() {
            return at == null ? took : at.plus(took);
        }
    }

    /**
     * When the front door was done, from the runbook's start: the end of the last {@code provision} or
     * {@code switch-dns} step that ran; empty when neither ran.
     */
    public java.util.Optional<Duration> frontDoorDone() {
        return steps.stream().filter(s -> s.name().equals("provision") || s.name().equals("switch-dns")).map(Step::end)
                .max(Duration::compareTo);
    }

    /** When clients were redirected, from the runbook's start: the end of its {@code redirect} step, if it ran. */
    public java.util.Optional<Duration> redirected() {
        return steps.stream().filter(s -> s.name().equals("redirect")).map(Step::end).findFirst();
    }

    /** The duration of a step, zero if it did not run. */
    public Duration stepTook(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).map(Step::took).findFirst().orElse(Duration.ZERO);
    }

    /**
     * A JSON object: the fields above by name, durations as {@code tookMs} (milliseconds with one decimal),
     * {@code started} as ISO-8601 text, steps as an array of {@code {name, atMs, tookMs, ok, detail}} ({@code atMs}: from
     * the runbook's start, null where not recorded).
     */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("from", from);
        json.put("to", to);
        json.put("reason", reason);
        json.put("epoch", epoch);
        json.put("started", started.toString());
        json.put("tookMs", ReportJson.millis(took));
        json.put("ok", ok);
        json.put("unreplicatedWrites", unreplicatedWrites);
        json.put("steps", steps.stream().map(s -> {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", s.name());
            step.put("atMs", s.at() == null ? null : ReportJson.millis(s.at()));
            step.put("tookMs", ReportJson.millis(s.took()));
            step.put("ok", s.ok());
            step.put("detail", s.detail());
            return step;
        }).toList());
        return ReportJson.write(json);
    }

}
