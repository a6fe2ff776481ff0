package dev.cloudhop.failover.drill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudhop.failover.RunbookReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link DrillReport} as one self-contained HTML page: no script, no external stylesheet, font or image, so it
 * opens from a file anywhere, offline; it is well-formed XML as well as HTML, so XML tools can read it too. The page
 * shows the key figures, an inline SVG timeline (the fault, its detection, each runbook step as a bar, the redirect,
 * the failed client calls per 100 ms as a strip, the RTO and the RPO), and beneath it the report's JSON
 * ({@link DrillReport#toJson()}) as tables, field by field.
 *
 * <p>The SVG's parts carry classes for tools and tests: {@code mark fault}, {@code mark cleared}, {@code mark
 * detection}, {@code mark redirect}, {@code mark rto}, {@code mark rpo} (each a {@code g} with a line and a label),
 * {@code step} bars ({@code rect} with {@code data-step}, {@code data-runbook}, {@code data-ok}), the {@code strip}
 * ({@code g}) of {@code bucket} cells ({@code data-calls}, {@code data-failed}), and the {@code axis}. The whole drill is
 * the SVG of class {@code drill-timeline}; where the outage is short against the drill, an SVG of class
 * {@code drill-closeup} follows with the same parts from just before the fault to just after the recovery. Every text
 * from the report (event texts, step details, error messages) is escaped. Stateless and thread-safe.
 */
public final class DrillReportPage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 1000;
    private static final int LEFT = 170;
    private static final int RIGHT = 30;
    private static final int ROW = 16;
    private static final int STRIP = 36;

    private static final String FAULT = "#c62828";
    private static final String CLEARED = "#757575";
    private static final String DETECTION = "#ef6c00";
    private static final String REDIRECT = "#1565c0";
    private static final String RTO = "#6a1b9a";
    private static final String RPO = "#2e7d32";
    private static final String STEP_OK = "#42a5f5";
    private static final String STEP_FAILED = "#e53935";

    private DrillReportPage() {
    }

    /**
     * The page of one report.
     *
     * @throws NullPointerException if {@code report} is null
     */
    public static String html(DrillReport report) {
        return html(List.of(Objects.requireNonNull(report, "report")));
    }

    /**
     * One page holding several reports (e.g. every drill of a run), each in its own section, in order.
     *
     * @throws IllegalArgumentException if {@code reports} is empty
     */
    public static String html(List<DrillReport> reports) {
        Objects.requireNonNull(reports, "reports");
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("no drill reports to show: give at least one");
        }
        StringBuilder sb = new StringBuilder(16_384);
        String title = reports.size() == 1 ? "Drill report: " + reports.get(0).scenario() : "Drill reports (" + reports.size() + ")";
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\n<title>").append(esc(title))
                .append("</title>\n<style>").append(CSS).append("</style></head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
        if (reports.size() > 1) {
            sb.append("<ol class=\"contents\">");
            for (int i = 0; i < reports.size(); i++) {
                sb.append("<li><a href=\"#drill-").append(i + 1).append("\">").append(esc(reports.get(i).scenario()))
                        .append("</a>: ").append(esc(reports.get(i).description())).append("</li>");
            }
            sb.append("</ol>\n");
        }
        for (int i = 0; i < reports.size(); i++) {
            section(sb, reports.get(i), i + 1);
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    /**
     * Writes {@link #html(DrillReport)} to {@code file} (UTF-8), creating its directory, replacing the file.
     *
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static void write(DrillReport report, Path file) {
        write(List.of(Objects.requireNonNull(report, "report")), file);
    }

    /**
     * Writes {@link #html(List)} to {@code file} (UTF-8), creating its directory, replacing the file.
     *
     * @throws IllegalArgumentException if {@code reports} is empty
     * @throws UncheckedIOException     naming the file when it cannot be written
     */
    public static void write(List<DrillReport> reports, Path file) {
        Objects.requireNonNull(file, "file");
        String page = html(reports);
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.writeString(file, page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the drill report page to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The report's timeline alone, as an inline SVG element (styled by attributes, so it needs no stylesheet). */
    public static String svg(DrillReport r) {
        return timeline(r).svg("drill " + r.scenario());
    }

    /**
     * The outage close up: from 300 ms before the fault to 300 ms after the last of recovery, redirect and the end of
     * the failover runbook, as an SVG element of class {@code drill-closeup}; empty when that is over half the drill
     * (the whole timeline shows it well enough).
     */
    public static java.util.Optional<String> closeUp(DrillReport r) {
        Timeline t = timeline(r);
        double fault = Timeline.ms(r.faultAt());
        double last = fault + Timeline.ms(r.rto());
        if (r.redirect() != null) {
            last = Math.max(last, fault + Timeline.ms(r.redirect()));
        }
        if (!r.runbookStarts().isEmpty()) {
            java.util.Optional<RunbookReport> failover = r.failover();
            if (failover.isPresent()) {
                int i = r.runbooks().indexOf(failover.get());
                last = Math.max(last, Timeline.ms(r.runbookStarts().get(i).plus(failover.get().took())));
            }
        }
        double from = Math.max(0, fault - 300);
        double to = last + 300;
        double total = Math.max(1e-3, Timeline.ms(r.took()));
        if (to - from > total / 2) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(t.svg("outage of drill " + r.scenario() + ", close up", from, to, "drill-closeup"));
    }

    private static Timeline timeline(DrillReport r) {
        Objects.requireNonNull(r, "report");
        List<Mark> marks = new ArrayList<>();
        marks.add(new Mark("fault", "fault", r.faultAt(), FAULT));
        r.timeline().stream().filter(e -> e.what().startsWith("CLEARED ")).findFirst()
                .ifPresent(e -> marks.add(new Mark("cleared", "fault cleared", e.at(), CLEARED)));
        if (r.detection() != null) {
            marks.add(new Mark("detection", "detected " + ms(r.detection()), r.faultAt().plus(r.detection()), DETECTION));
        }
        if (r.redirect() != null) {
            marks.add(new Mark("redirect", "clients redirected " + ms(r.redirect()), r.faultAt().plus(r.redirect()), REDIRECT));
        }
        Duration recovered = r.faultAt().plus(r.rto());
        marks.add(new Mark("rto", "RTO " + ms(r.rto()), recovered, RTO));
        marks.add(new Mark("rpo", "RPO " + r.rpoWrites() + (r.rpoWrites() == 1 ? " write" : " writes"),
                r.redirect() != null ? r.faultAt().plus(r.redirect()) : recovered, RPO));
        List<Bar> bars = new ArrayList<>();
        if (!r.runbookStarts().isEmpty()) {
            for (int i = 0; i < r.runbooks().size(); i++) {
                bars.addAll(bars(r.runbooks().get(i), i, r.runbookStarts().get(i)));
            }
        }
        String caption = r.runbooks().isEmpty() ? "no runbook ran"
                : r.runbookStarts().isEmpty() ? "runbook step times not recorded in this report" : null;
        return new Timeline(r.took(), marks, bars, r.faultAt(), recovered, r.callsPer100ms(), r.failedCallsPer100ms(),
                caption);
    }

    /**
     * One runbook's timeline as an inline SVG element (for a failover that ran outside a drill): its steps as bars and
     * the redirect marked, on the runbook's own time; no fault, RTO or client calls, which only a drill measures.
     */
    public static String svg(RunbookReport runbook) {
        Objects.requireNonNull(runbook, "runbook");
        List<Bar> bars = bars(runbook, 0, Duration.ZERO);
        List<Mark> marks = new ArrayList<>();
        bars.stream().filter(b -> b.step().equals("redirect")).findFirst()
                .ifPresent(b -> marks.add(new Mark("redirect", "clients redirected " + ms(b.start().plus(b.took())),
                        b.start().plus(b.took()), REDIRECT)));
        marks.add(new Mark("rpo", "RPO " + runbook.unreplicatedWrites()
                + (runbook.unreplicatedWrites() == 1 ? " write" : " writes"),
                marks.isEmpty() ? runbook.took() : marks.get(0).at(), RPO));
        return new Timeline(runbook.took(), marks, bars, null, null, List.of(), List.of(),
                "runbook " + runbook.from() + " \u2192 " + runbook.to() + " started " + runbook.started()).svg(
                "runbook " + runbook.from() + " to " + runbook.to());
    }

    private static List<Bar> bars(RunbookReport r, int index, Duration start) {
        List<Bar> bars = new ArrayList<>();
        Duration next = Duration.ZERO;
        String label = (index + 1) + ". " + r.from() + " \u2192 " + r.to();
        for (RunbookReport.Step s : r.steps()) {
            Duration at = s.at() != null ? s.at() : next; // older reports: steps ran one after the other
            bars.add(new Bar(index, label, s.name(), start.plus(at), s.took(), s.ok(), s.detail()));
            next = at.plus(s.took());
        }
        return bars;
    }

    private static void section(StringBuilder sb, DrillReport r, int n) {
        sb.append("<section class=\"drill\" id=\"drill-").append(n).append("\">\n<h2>").append(esc(r.scenario()))
                .append("</h2>\n<p class=\"description\">").append(esc(r.description())).append("</p>\n<dl class=\"figures\">");
        figure(sb, "active site", r.siteBefore() + " \u2192 " + r.siteAfter());
        figure(sb, "detection", r.detection() == null ? "none" : ms(r.detection()));
        figure(sb, r.frontDoorRto().isPresent() ? "RTO (data plane)" : "RTO", ms(r.rto()));
        r.frontDoorRto().ifPresent(d -> figure(sb, "front door", ms(d)));
        figure(sb, "RPO", r.rpoWrites() + (r.rpoWrites() == 1 ? " write" : " writes"));
        figure(sb, "failed calls", r.failedCalls() + " of " + r.calls());
        figure(sb, "took", ms(r.took()));
        sb.append("</dl>\n<figure class=\"timeline\">").append(svg(r)).append("<figcaption>").append(LEGEND)
                .append("</figcaption></figure>\n");
        closeUp(r).ifPresent(svg -> sb.append("<h3>The outage, close up</h3>\n<figure class=\"closeup\">").append(svg)
                .append("</figure>\n"));
        sb.append("<h3>Report</h3>\n");
        try {
            table(sb, JSON.readTree(r.toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report's own JSON did not parse", e);
        }
        sb.append("\n</section>\n");
    }

    private static void figure(StringBuilder sb, String name, String value) {
        sb.append("<div><dt>").append(esc(name)).append("</dt><dd>").append(esc(value)).append("</dd></div>");
    }

    /** An object as a two-column table; arrays of objects as tables with a column per field; scalars as text. */
    private static void table(StringBuilder sb, JsonNode object) {
        sb.append("<table class=\"report\">");
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            sb.append("<tr data-field=\"").append(esc(field.getKey())).append("\"><th>").append(esc(field.getKey()))
                    .append("</th><td>");
            value(sb, field.getValue());
            sb.append("</td></tr>");
        }
        sb.append("</table>");
    }

    private static void value(StringBuilder sb, JsonNode v) {
        if (v.isObject()) {
            if (v.isEmpty()) {
                sb.append("<span class=\"none\">{}</span>");
            } else {
                table(sb, v);
            }
        } else if (v.isArray()) {
            boolean objects = v.size() > 0;
            for (JsonNode e : v) {
                objects &= e.isObject();
            }
            if (!objects) {
                List<String> items = new ArrayList<>();
                v.forEach(e -> items.add(e.isTextual() ? e.asText() : e.toString()));
                sb.append(v.isEmpty() ? "<span class=\"none\">[]</span>"
                        : "<span class=\"list\">" + esc(String.join(", ", items)) + "</span>");
                return;
            }
            Set<String> columns = new LinkedHashSet<>();
            v.forEach(e -> e.fieldNames().forEachRemaining(columns::add));
            sb.append("<table class=\"rows\"><tr>");
            columns.forEach(c -> sb.append("<th>").append(esc(c)).append("</th>"));
            sb.append("</tr>");
            for (JsonNode e : v) {
                sb.append("<tr>");
                for (String c : columns) {
                    sb.append("<td>");
                    if (e.has(c)) {
                        value(sb, e.get(c));
                    }
                    sb.append("</td>");
                }
                sb.append("</tr>");
            }
            sb.append("</table>");
        } else if (v.isNull()) {
            sb.append("<span class=\"none\">null</span>");
        } else {
            sb.append(esc(v.isTextual() ? v.asText() : v.toString()));
        }
    }

    /** Escapes text for HTML and SVG content and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        sb.append('\uFFFD'); // control characters are not allowed in HTML text
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.0f ms", d.toNanos() / 1e6);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private record Mark(String kind, String label, Duration at, String color) {
    }

    private record Bar(int runbook, String runbookLabel, String step, Duration start, Duration took, boolean ok,
                       String detail) {
    }

    /** The drawing: marks across the top and down the whole height, step rows, the strip, then the time axis. */
    private record Timeline(Duration took, List<Mark> marks, List<Bar> bars, Duration faultAt, Duration recovered,
                            List<Integer> calls, List<Integer> failed, String caption) {

        /** The whole timeline, from 0 to the end. */
        String svg(String name) {
            double total = Math.max(1e-3, ms(took));
            for (Mark m : marks) {
                total = Math.max(total, ms(m.at()));
            }
            for (Bar b : bars) {
                total = Math.max(total, ms(b.start().plus(b.took())));
            }
            return svg(name, 0, total, "drill-timeline");
        }

        /**
         * The part from {@code from} to {@code to} (milliseconds): marks outside it left out, bars and buckets cut at its
         * edges, step rows kept for the runbooks that overlap it.
         */
        String svg(String name, double from, double to, String svgClass) {
            double span = Math.max(1e-3, to - from);
            double plot = WIDTH - LEFT - RIGHT;
            java.util.function.DoubleUnaryOperator x = t -> LEFT + Math.min(span, Math.max(0, t - from)) / span * plot;
            java.util.function.BiPredicate<Double, Double> overlaps = (a, b) -> b >= from && a <= to;
            List<Mark> shown = marks.stream().filter(m -> ms(m.at()) >= from && ms(m.at()) <= to).toList();
            Set<Integer> runbooksShown = new LinkedHashSet<>();
            bars.stream().filter(b -> overlaps.test(ms(b.start()), ms(b.start().plus(b.took())))).forEach(b -> runbooksShown.add(b.runbook()));
            List<Bar> rows = bars.stream().filter(b -> runbooksShown.contains(b.runbook())).toList();
            int top = 8 + shown.size() * 14;
            int stepsTop = top + 10;
            int stepsHeight = (rows.size() + runbooksShown.size()) * ROW + (caption == null ? 0 : ROW);
            int stripTop = stepsTop + stepsHeight + 10;
            boolean strip = !calls.isEmpty();
            int axisY = stripTop + (strip ? STRIP + 10 : 0);
            int height = axisY + 28;
            StringBuilder sb = new StringBuilder(8192);
            sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").append(svgClass).append("\" role=\"img\" viewBox=\"0 0 ")
                    .append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"")
                    .append(height).append("\" font-family=\"sans-serif\" font-size=\"11\"><title>")
                    .append(esc("timeline of the " + name)).append("</title>");
            sb.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                    .append("\" fill=\"#ffffff\"/>");
            if (faultAt != null && recovered != null && overlaps.test(ms(faultAt), ms(recovered))) {
                // the outage as clients saw it: from the fault to the first success at the new site
                double x0 = x.applyAsDouble(ms(faultAt));
                sb.append("<rect class=\"outage\" x=\"").append(num(x0)).append("\" y=\"").append(top)
                        .append("\" width=\"").append(num(Math.max(1, x.applyAsDouble(ms(recovered)) - x0)))
                        .append("\" height=\"").append(axisY - top).append("\" fill=\"").append(RTO)
                        .append("\" fill-opacity=\"0.07\"><title>")
                        .append(esc("outage as clients saw it: " + DrillReportPage.ms(recovered.minus(faultAt)))).append("</title></rect>");
            }
            // step rows
            int y = stepsTop;
            if (caption != null) {
                sb.append("<text class=\"caption\" x=\"").append(LEFT).append("\" y=\"").append(y + 12).append("\" fill=\"#555\">")
                        .append(esc(caption)).append("</text>");
                y += ROW;
            }
            int current = -1;
            for (Bar b : rows) {
                if (b.runbook() != current) {
                    current = b.runbook();
                    sb.append("<text class=\"runbook\" x=\"4\" y=\"").append(y + 12).append("\" font-weight=\"bold\">")
                            .append(esc("runbook " + b.runbookLabel())).append("</text>");
                    y += ROW;
                }
                sb.append("<text class=\"step-label\" x=\"14\" y=\"").append(y + 12).append("\">").append(esc(b.step()))
                        .append("</text>");
                double start = ms(b.start());
                double end = ms(b.start().plus(b.took()));
                if (overlaps.test(start, end)) {
                    double x0 = x.applyAsDouble(start);
                    double w = Math.max(1.5, x.applyAsDouble(end) - x0);
                    sb.append("<rect class=\"step\" data-step=\"").append(esc(b.step())).append("\" data-runbook=\"")
                            .append(b.runbook()).append("\" data-ok=\"").append(b.ok()).append("\" x=\"").append(num(x0))
                            .append("\" y=\"").append(y + 2).append("\" width=\"").append(num(w)).append("\" height=\"")
                            .append(ROW - 4).append("\" rx=\"2\" fill=\"").append(b.ok() ? STEP_OK : STEP_FAILED).append("\"><title>")
                            .append(esc(b.step() + (b.ok() ? " ok" : " FAILED") + " at " + DrillReportPage.ms(b.start()) + ", took "
                                    + DrillReportPage.ms(b.took()) + (b.detail() == null ? "" : ": " + b.detail())))
                            .append("</title></rect>");
                    sb.append("<text class=\"step-took\" x=\"").append(num(Math.min(x0 + w + 4, WIDTH - RIGHT - 40)))
                            .append("\" y=\"").append(y + 12).append("\" fill=\"#555\">").append(esc(DrillReportPage.ms(b.took())))
                            .append("</text>");
                }
                y += ROW;
            }
            // failed client calls per 100 ms
            if (strip) {
                int max = 1;
                for (int i = 0; i < calls.size(); i++) {
                    max = Math.max(max, calls.get(i));
                }
                double cell = DrillReport.BUCKET.toNanos() / 1e6;
                sb.append("<g class=\"strip\"><text x=\"4\" y=\"").append(stripTop + STRIP / 2 + 4)
                        .append("\" font-weight=\"bold\">failed calls / 100 ms</text>");
                sb.append("<rect class=\"strip-base\" x=\"").append(LEFT).append("\" y=\"").append(stripTop).append("\" width=\"")
                        .append(num(plot)).append("\" height=\"").append(STRIP).append("\" fill=\"#e8f5e9\"/>");
                for (int i = 0; i < calls.size(); i++) {
                    int n = calls.get(i);
                    int f = failed.get(i);
                    if (n == 0 && f == 0 || !overlaps.test(i * cell, (i + 1) * cell)) {
                        continue;
                    }
                    double x0 = x.applyAsDouble(i * cell);
                    double w = Math.max(1, x.applyAsDouble((i + 1) * cell) - x0);
                    double h = f == 0 ? 0 : Math.max(2, STRIP * (double) f / max);
                    sb.append("<rect class=\"bucket\" data-calls=\"").append(n).append("\" data-failed=\"").append(f)
                            .append("\" x=\"").append(num(x0)).append("\" y=\"").append(num(stripTop + STRIP - h))
                            .append("\" width=\"").append(num(w)).append("\" height=\"").append(num(h)).append("\" fill=\"")
                            .append(FAULT).append("\"><title>").append(esc(String.format(Locale.ROOT,
                                    "%.1f-%.1f s: %d of %d calls failed", i * cell / 1000, (i + 1) * cell / 1000, f, n)))
                            .append("</title></rect>");
                }
                sb.append("</g>");
            }
            // marks: a line down the drawing and a label in its own row at the top
            for (int i = 0; i < shown.size(); i++) {
                Mark m = shown.get(i);
                double mx = x.applyAsDouble(ms(m.at()));
                int ly = 8 + (i + 1) * 14 - 3;
                boolean right = mx > WIDTH - 220;
                sb.append("<g class=\"mark ").append(m.kind()).append("\" data-at-ms=\"").append(num(ms(m.at()))).append("\">")
                        .append("<line x1=\"").append(num(mx)).append("\" y1=\"").append(ly + 3).append("\" x2=\"").append(num(mx))
                        .append("\" y2=\"").append(axisY).append("\" stroke=\"").append(m.color()).append("\" stroke-width=\"")
                        .append(m.kind().equals("rto") || m.kind().equals("fault") ? "2" : "1.5").append('"')
                        .append(m.kind().equals("cleared") || m.kind().equals("rpo") ? " stroke-dasharray=\"4 3\"" : "")
                        .append("/><text x=\"").append(num(right ? mx - 4 : mx + 4)).append("\" y=\"").append(ly)
                        .append("\" fill=\"").append(m.color()).append("\" font-weight=\"bold\"")
                        .append(right ? " text-anchor=\"end\"" : "").append('>').append(esc(m.label())).append("</text></g>");
            }
            // time axis
            double step = tick(span);
            sb.append("<g class=\"axis\"><line x1=\"").append(LEFT).append("\" y1=\"").append(axisY).append("\" x2=\"")
                    .append(WIDTH - RIGHT).append("\" y2=\"").append(axisY).append("\" stroke=\"#333\"/>");
            for (double t = Math.max(0, Math.ceil(from / step - 1e-9) * step); t <= to + 1e-9; t += step) {
                double tx = x.applyAsDouble(t);
                sb.append("<line x1=\"").append(num(tx)).append("\" y1=\"").append(axisY).append("\" x2=\"").append(num(tx))
                        .append("\" y2=\"").append(axisY + 4).append("\" stroke=\"#333\"/><text x=\"").append(num(tx))
                        .append("\" y=\"").append(axisY + 16).append("\" text-anchor=\"middle\">")
                        .append(step >= 1000 ? String.format(Locale.ROOT, "%.0f s", t / 1000)
                                : step >= 100 && t >= 1000 ? String.format(Locale.ROOT, "%.1f s", t / 1000)
                                : String.format(Locale.ROOT, "%.0f ms", t)).append("</text>");
            }
            sb.append("<text x=\"4\" y=\"").append(axisY + 16).append("\" fill=\"#555\">")
                    .append(faultAt != null ? "time since the drill began" : "time since the runbook began").append("</text></g>");
            sb.append("</svg>");
            return sb.toString();
        }

        static double ms(Duration d) {
            return d.toNanos() / 1e6;
        }

        /** A tick spacing of 1, 2 or 5 times a power of ten giving at most about ten ticks. */
        private static double tick(double total) {
            double raw = total / 10;
            double pow = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 5, 10}) {
                if (m * pow >= raw) {
                    return m * pow;
                }
            }
            return 10 * pow;
        }
    }

    private static final String LEGEND = "<span style=\"color:" + FAULT + "\">fault</span> \u00b7 <span style=\"color:"
            + DETECTION + "\">detection</span> \u00b7 <span style=\"color:" + STEP_OK + "\">runbook steps</span> (<span style=\"color:"
            + STEP_FAILED + "\">failed</span>) \u00b7 <span style=\"color:" + REDIRECT + "\">redirect</span> \u00b7 <span style=\"color:"
            + FAULT + "\">failed client calls per 100 ms</span> (height: share of the busiest 100 ms) \u00b7 <span style=\"color:"
            + RTO + "\">RTO</span> (shaded: the outage as clients saw it) \u00b7 <span style=\"color:" + RPO
            + "\">RPO</span> (writes not yet at the new site when clients moved)";

    private static final String CSS = """
            body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1060px}
            h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ccc}
            .figures{display:flex;flex-wrap:wrap;gap:.5em 2em;margin:.5em 0 1em}
            .figures div{min-width:7em}.figures dt{font-size:.8em;color:#666}.figures dd{margin:0;font-size:1.3em;font-weight:bold}
            figure{margin:0}figcaption{font-size:.85em;color:#444;margin:.3em 0 1em}
            svg.drill-timeline,svg.drill-closeup{max-width:100%;height:auto;border:1px solid #ddd}
            table{border-collapse:collapse;font-size:.85em}th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
            table.report>tbody>tr>th,table.report>tr>th{background:#f4f4f4;white-space:nowrap}
            .list{font-family:monospace;word-break:break-all}.none{color:#999}
            """;
}
