package dev.cloudhop.cli;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Progress of long work: on a terminal one bar redrawn in place ({@code [#####.....] 3/11 steps, 120 writes left,
 * ETA 4 s}) with the command's lines printed above it; otherwise (output piped or captured) plain lines, a progress
 * line at most every few seconds and only when it changed. Not thread-safe: one thread draws.
 */
final class Progress {

    /** How progress is shown. */
    enum Mode {
        /** A bar on a terminal ({@code System.console() != null}), else plain lines. */
        AUTO,
        /** Always the bar. */
        BAR,
        /** Always plain lines. */
        PLAIN;

        boolean bar() {
            return this == BAR || this == AUTO && System.console() != null;
        }
    }

    private static final int WIDTH = 30;
    private static final long PLAIN_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final PrintWriter out;
    private final boolean bar;
    private final long started = System.nanoTime();
    private String drawn = "";
    private String lastPlain = "";
    private long lastPlainAt = started;

    Progress(PrintWriter out, Mode mode) {
        this.out = out;
        this.bar = mode.bar();
    }

    /** A line of output (above the bar, which is redrawn after it). */
    void line(String text) {
        clear();
        out.println(text);
        redraw();
        out.flush();
    }

    /**
     * The state of the work: {@code done} of {@code total} units, and what is still waiting (e.g. "120 writes left
     * to aws"), or empty.
     */
    void update(String label, long done, long total, String unit, String waiting) {
        long elapsed = System.nanoTime() - started;
        String eta = "";
        if (done > 0 && total > done) {
            long remaining = (long) ((double) elapsed / done * (total - done));
            eta = ", ETA " + seconds(remaining);
        }
        String counts = done + "/" + total + " " + unit;
        String text = label + " " + counts + (waiting.isEmpty() ? "" : ", " + waiting) + ", " + seconds(elapsed)
                + " elapsed" + eta;
        if (bar) {
            int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, WIDTH * done / total);
            drawn = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + text;
            clear();
            redraw();
            out.flush();
        } else {
            String key = counts + waiting;
            long now = System.nanoTime();
            if (!key.equals(lastPlain) && now - lastPlainAt >= PLAIN_EVERY_NANOS) {
                out.println("  ... " + text);
                out.flush();
                lastPlain = key;
                lastPlainAt = now;
            }
        }
    }

    /** Removes the bar (before the final summary). */
    void done() {
        clear();
        drawn = "";
        out.flush();
    }

    private int shown;

    private void clear() {
        if (bar && shown > 0) {
            out.print("\r" + " ".repeat(shown) + "\r");
            shown = 0;
        }
    }

    private void redraw() {
        if (bar && !drawn.isEmpty()) {
            out.print(drawn);
            shown = drawn.length();
        }
    }

    static String seconds(long nanos) {
        double s = nanos / 1e9;
        return s < 10 ? String.format(java.util.Locale.ROOT, "%.1f s", s) : Math.round(s) + " s";
    }
}
