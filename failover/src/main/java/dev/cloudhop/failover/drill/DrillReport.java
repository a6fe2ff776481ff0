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
import java.util.Objects;

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
 * @param faultAt         when the fault was injected, from the drill's start
 * @param redirect        from the fault to the moment clients were redirected away from the struck site; null if they
 *                        never were
 * @param runbookStarts   when each of {@code runbooks} began, from the drill's start, in the same order (placed from
 *                        the runbook's completion event, so late by the microseconds between the runbook's end and
 *                        that event); empty where not recorded
 * @param callsPer100ms   client calls per {@link #BUCKET} of the drill (bucket {@code i} holds the calls that ended
 *                        between {@code i * 100 ms} and {@code (i + 1) * 100 ms} after the drill's start, when the
 *                        client saw the outcome); empty where not recorded
 * @param failedCallsPer100ms the failed ones among them, bucket by bucket (the same length as {@code callsPer100ms})
 */
public record DrillReport(String scenario, String description, String siteBefore, String siteAfter, Duration detection,
                          Duration rto, int rpoWrites, int calls, int failedCalls, List<String> sampleErrors,
                          List<RunbookReport> runbooks, Map<String, Object> workload, List<TimedEvent> timeline,
                          Duration took, Duration faultAt, Duration redirect, List<Duration> runbookStarts,
                          List<Integer> callsPer100ms, List<Integer> failedCallsPer100ms) {

    /** The width of one bucket of {@link #callsPer100ms()}. */
    public static final Duration BUCKET = Duration.ofMillis(100);

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException when {@code runbookStarts} is neither empty nor one per runbook, or the two
     *                                  bucket lists differ in length or hold more failures than calls
     */
    public DrillReport {
        sampleErrors = List.copyOf(sampleErrors);
        runbooks = List.copyOf(runbooks);
        timeline = List.copyOf(timeline);
        runbookStarts = List.copyOf(runbookStarts);
        callsPer100ms = List.copyOf(callsPer100ms);
        failedCallsPer100ms = List.copyOf(failedCallsPer100ms);
        Objects.requireNonNull(faultAt, "faultAt");
        if (!runbookStarts.isEmpty() && runbookStarts.size() != runbooks.size()) {
            throw new IllegalArgumentException("runbookStarts holds " + runbookStarts.size() + " offsets for "
                    + runbooks.size() + " runbooks: give one per runbook, or none");
        }
        if (callsPer100ms.size() != failedCallsPer100ms.size()) {
            throw new IllegalArgumentException("callsPer100ms has " + callsPer100ms.size() + " buckets but failedCallsPer100ms "
                    + failedCallsPer100ms.size());
        }
        for (int i = 0; i < callsPer100ms.size(); i++) {
            if (failedCallsPer100ms.get(i) < 0 || failedCallsPer100ms.get(i) > callsPer100ms.get(i)) {
                throw new IllegalArgumentException("bucket " + i + " has " + failedCallsPer100ms.get(i) + " failed of "
                        + callsPer100ms.get(i) + " calls");
            }
        }
    }

    /**
     * A report without the timing detail of a drill's page: the fault's offset is taken from the timeline's first
     * {@code FAULT} event (zero if none), and the redirect, runbook starts and per-100 ms call counts are not recorded.
     */
    public DrillReport(String scenario, String description, String siteBefore, String siteAfter, Duration detection,
                       Duration rto, int rpoWrites, int calls, int failedCalls, List<String> sampleErrors,
                       List<RunbookReport> runbooks, Map<String, Object> workload, List<TimedEvent> timeline,
                       Duration took) {
        this(scenario, description, siteBefore, siteAfter, detection, rto, rpoWrites, calls, failedCalls, sampleErrors,
                runbooks, workload, timeline, took, timeline.stream().filter(e -> e.what().startsWith("FAULT "))
                        .map(TimedEvent::at).findFirst().orElse(Duration.ZERO), null, List.of(), List.of(), List.of());
    }

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

    /**
     * The front door's recovery: from the fault to the end of the failover's last {@code provision} or
     * {@code switch-dns} step (compute up and DNS answering the new address). The {@link #rto() RTO} is the data
     * plane's: SDK clients served at the new site. Empty without a failover, without either step, or where the
     * runbook's start was not recorded.
     */
    public java.util.Optional<Duration> frontDoorRto() {
        java.util.Optional<RunbookReport> f = failover();
        if (f.isEmpty() || runbookStarts.isEmpty()) {
            return java.util.Optional.empty();
        }
        Duration start = runbookStarts.get(runbooks.indexOf(f.get()));
        return f.get().frontDoorDone().map(done -> start.plus(done).minus(faultAt));
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
     * timeline as {@code {atMs, what}}, then {@code faultAtMs}, {@code redirectMs} (null if clients were never
     * redirected), {@code runbookStartsMs} (one per runbook, or empty), and the client calls per 100 ms as two arrays
     * of counts, {@code callsPer100ms} and {@code failedCallsPer100ms}.
     */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario);
        json.put("description", description);
        json.put("siteBefore", siteBefore);
        json.put("siteAfter", siteAfter);
        json.put("detectionMs", detection == null ? null : ReportJson.millis(detection));
        json.put("rtoMs", ReportJson.millis(rto));
        json.put("frontDoorRtoMs", frontDoorRto().map(ReportJson::millis).orElse(null));
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
        json.put("faultAtMs", ReportJson.millis(faultAt));
        json.put("redirectMs", redirect == null ? null : ReportJson.millis(redirect));
        json.put("runbookStartsMs", runbookStarts.stream().map(ReportJson::millis).toList());
        json.put("callsPer100ms", callsPer100ms);
        json.put("failedCallsPer100ms", failedCallsPer100ms);
        return ReportJson.write(json);
    }


    /** A few lines for humans. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("scenario: ").append(scenario).append(" (").append(description).append(")\n");
        sb.append("active site: ").append(siteBefore).append(" -> ").append(siteAfter).append('\n');
        sb.append("detection: ").append(detection == null ? "none" : detection.toMillis() + " ms").append('\n');
        sb.append("RTO: ").append(rto.toMillis()).append(" ms (data plane)").append(frontDoorRto()
                .map(d -> ", " + d.toMillis() + " ms (front door: compute and DNS)").orElse("")).append("   RPO: ")
                .append(rpoWrites).append(" writes\n");
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
