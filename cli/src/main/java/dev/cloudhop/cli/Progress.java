package dev.cloudhop.cli;

import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.event.FailoverEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

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

    /**
     * Runs {@code work} (a runbook or a drill) on its own thread and follows it from this one: a line per facade event
     * that {@code describe} turns into text (null: not shown; called on the facade's thread), and {@code tick} every
     * {@code tickMs} to update the bar. Returns what the work returned; its runtime exception is rethrown.
     */
    <T> T follow(FailoverCloud cloud, String thread, Function<FailoverEvent, String> describe, Callable<T> work,
                 long tickMs, Runnable tick) throws InterruptedException {
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        AutoCloseable subscription = cloud.events().subscribe(e -> {
            String text = describe.apply(e);
            if (text != null) {
                lines.add(text);
            }
        });
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        try {
            Future<T> result = worker.submit(work);
            while (true) {
                for (String l; (l = lines.poll()) != null; ) {
                    line(l);
                }
                try {
                    T r = result.get(tickMs, TimeUnit.MILLISECONDS);
                    for (String l; (l = lines.poll()) != null; ) {
                        line(l);
                    }
                    done();
                    return r;
                } catch (TimeoutException e) {
                    tick.run();
                } catch (ExecutionException e) {
                    done();
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            worker.shutdownNow();
            try {
                subscription.close();
            } catch (Exception ignored) {
                // the facade is closed right after
            }
        }
    }

    /** A finished runbook step as one line. */
    static String step(FailoverEvent.RunbookStepCompleted s) {
        return String.format(Locale.ROOT, "  %-6s %-20s %8s  %s", s.ok() ? "ok" : "FAILED", s.step(),
                s.took().toMillis() + " ms", s.detail());
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
