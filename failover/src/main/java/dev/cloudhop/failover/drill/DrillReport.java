package dev.cloudhop.failover.drill;

import com.fasterxml.jackson.databind.util.RawValue;
import dev.cloudhop.failover.RunbookReport;
import dev.cloudhop.failover.internal.ReportJson;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Drill} measured.
 *
 * @param scenario        the scenario's name
 * @param description     what was done
 * @param siteBefore      the active site when the fault began
 * @param siteAfter       the active site at the end
 * @param detection       from the fault to the first health event marking the site down; null if never
 * @param rto             from the fault to the first successful client call at the new site (a call that hung
 *                        through the failover counts from the fault); without a failover, to the first success
 *                        after calls made during the fault began failing, zero if none failed (failures after
 *                        the fault is cleared, e.g. during failback, are in {@code failedCalls}, not the RTO)
 * @param rpoWrites       writes acknowledged at the failed site and not at the new one when clients moved
 * @param calls           client calls made
 * @param failedCalls     client calls that failed
 * @param sampleErrors    up to five distinct errors clients saw
 * @param runbooks        the failovers and failbacks that ran
 * @param workload        the workload's own findings (lost, duplicated, ...)
 * @param timeline        events with their offset from the drill's start
 * @param took            the drill's duration
 */
public record DrillReport(String scenario, String description, String siteBefore, String siteAfter, Duration detection,
                          Duration rto, int rpoWrites, int calls, int failedCalls, List<String> sampleErrors,
                          List<RunbookReport> runbooks, Map<String, Object> workload, List<TimedEvent> timeline,
                          Duration took) {

    /**
     * An event of the timeline.
     *
     * @param at   offset from the drill's start
     * @param what what happened
     */
    public record TimedEvent(Duration at, String what) {
    }

    /** The first runbook that moved clients away from the struck site, if one ran. */
    public java.util.Optional<RunbookReport> failover() {
        return runbooks.stream().filter(r -> r.from().equals(siteBefore) && !r.to().equals(siteBefore)).findFirst();
    }

    /** How long the failover's {@code provision} step took (redeploy topology); zero without one. */
    public Duration provisioning() {
        return failover().flatMap(r -> r.steps().stream().filter(s -> s.name().equals("provision")).findFirst())
                .map(RunbookReport.Step::took).orElse(Duration.ZERO);
    }

    /** {@link #provisioning()} as a share (0..1) of the RTO; empty when the RTO is zero. */
    public java.util.OptionalDouble provisioningShareOfRto() {
        return rto.isZero() ? java.util.OptionalDouble.empty()
                : java.util.OptionalDouble.of(Math.min(1.0, provisioning().toNanos() / (double) rto.toNanos()));
    }

    /**
     * The report as a JSON object: the fields above by name, durations as {@code ...Ms} (milliseconds with one
     * decimal; {@code detectionMs} null if never detected), {@code provisioningMs} and
     * {@code provisioningShareOfRto} (three decimals, null when the RTO is zero), {@code workload} with numbers
     * and booleans as such and anything else as text, each runbook as {@link RunbookReport#toJson()}, the
     * timeline as {@code {atMs, what}}.
     */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario);
        json.put("description", description);
        json.put("siteBefore", siteBefore);
        json.put("siteAfter", siteAfter);
        json.put("detectionMs", detection == null ? null : ReportJson.millis(detection));
        json.put("rtoMs", ReportJson.millis(rto));
        json.put("rpoWrites", rpoWrites);
        json.put("provisioningMs", ReportJson.millis(provisioning()));
        java.util.OptionalDouble share = provisioningShareOfRto();
        json.put("provisioningShareOfRto", share.isPresent()
                ? BigDecimal.valueOf(share.getAsDouble()).setScale(3, RoundingMode.HALF_UP) : null);
        json.put("calls", calls);
        json.put("failedCalls", failedCalls);
        json.put("sampleErrors", sampleErrors);
        Map<String, Object> work = new LinkedHashMap<>();
        workload.forEach((k, v) -> work.put(k, v instanceof Number || v instanceof Boolean ? v : String.valueOf(v)));
        json.put("workload", work);
        json.put("runbooks", runbooks.stream().map(r -> new RawValue(r.toJson())).toList());
        json.put("timeline", timeline.stream().map(e -> {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("atMs", ReportJson.millis(e.at()));
            event.put("what", e.what());
            return event;
        }).toList());
        json.put("tookMs", ReportJson.millis(took));
        return ReportJson.write(json);
    }


    /** A few lines for humans. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("scenario: ").append(scenario).append(" (").append(description).append(")\n");
        sb.append("active site: ").append(siteBefore).append(" -> ").append(siteAfter).append('\n');
        sb.append("detection: ").append(detection == null ? "none" : detection.toMillis() + " ms").append('\n');
        sb.append("RTO: ").append(rto.toMillis()).append(" ms   RPO: ").append(rpoWrites).append(" writes\n");
        if (!provisioning().isZero()) {
            sb.append("provisioning: ").append(provisioning().toMillis()).append(" ms").append(provisioningShareOfRto().isPresent()
                    ? String.format(java.util.Locale.ROOT, " (%.0f%% of the RTO)", 100 * provisioningShareOfRto().getAsDouble()) : "")
                    .append('\n');
        }
        sb.append("client calls: ").append(calls).append(", failed: ").append(failedCalls).append('\n');
        workload.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        for (RunbookReport r : runbooks) {
            sb.append("runbook ").append(r.from()).append(" -> ").append(r.to()).append(" in ").append(r.took().toMillis())
                    .append(" ms: ");
            r.steps().forEach(s -> sb.append(s.name()).append(' ').append(s.took().toMillis()).append("ms").append(s.ok() ? "" : "(FAILED)").append("  "));
            sb.append('\n');
        }
        return sb.toString();
    }
}
