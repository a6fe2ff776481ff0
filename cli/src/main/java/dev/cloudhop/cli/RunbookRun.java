package dev.cloudhop.cli;

import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.RunbookReport;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.event.FailoverEvent;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A failover or failback run from the command line: the plan (the runbook's steps and which of them apply), then the
 * run with a line per finished step and a progress bar (steps done, the writes still to reach the target during
 * pre-sync and drain, elapsed time and ETA), then the outcome.
 */
final class RunbookRun {

    private RunbookRun() {
    }

    /**
     * The whole of {@code cloudhop failover} and {@code failback} once the target is known: probe, nothing to do if
     * {@code to} is already active, the plan, then (unless a dry run) the run with progress and its outcome.
     *
     * @param already what to say when {@code to} is already the active site
     * @return the exit code
     */
    static int move(FailoverCloud cloud, String verb, String to, String already, RunbookOptions options,
                    Supplier<RunbookReport> action, PrintWriter out, PrintWriter err) throws InterruptedException {
        probe(cloud);
        if (cloud.activeSite().equals(to)) {
            out.println(already + " (epoch " + cloud.epoch() + "); nothing to do");
            out.flush();
            return 0;
        }
        int steps = plan(cloud, verb, to, out);
        if (options.dryRun) {
            out.println("dry run: nothing changed");
            out.flush();
            return 0;
        }
        return outcome(run(cloud, to, steps, action, new Progress(out, options.progress)), verb, out, err);
    }

    /** Probes enough rounds that an outage of the active site is known before the plan (planned or not) is made. */
    private static void probe(FailoverCloud cloud) {
        int rounds = cloud.config().probe().toleratedFailures() + 1;
        for (int i = 0; i < rounds; i++) {
            cloud.probeNow();
        }
    }

    /**
     * Prints the plan of a move from the active site to {@code to}.
     *
     * @return how many steps are expected to run
     */
    private static int plan(FailoverCloud cloud, String verb, String to, PrintWriter out) {
        FailoverConfig c = cloud.config();
        String from = cloud.activeSite();
        boolean planned = cloud.health().allUp(from, c.criticalServices());
        out.println("plan: " + verb + " " + from + " -> " + to + ", epoch " + cloud.epoch() + " -> " + (cloud.epoch() + 1));
        out.println(planned
                ? "  a planned move (" + from + " is healthy): replication drains to " + to + " with writes paused at most "
                + c.maxPause().toMillis() + " ms, so RPO is 0, or the move is aborted and clients stay at " + from
                : "  an unplanned move (" + from + " is down: " + down(cloud, from) + "): writes not yet at " + to
                + " are the RPO");
        List<String> steps = cloud.runbookSteps();
        int n = 0;
        int running = 0;
        for (String step : steps) {
            String skip = skipReason(step, c, from, to, planned, cloud);
            running += skip.isEmpty() ? 1 : 0;
            out.println(String.format(Locale.ROOT, "  %2d. %-20s %s", ++n, step, skip.isEmpty() ? "" : "(skipped: " + skip + ")")
                    .stripTrailing());
        }
        out.flush();
        return running;
    }

    private static String down(FailoverCloud cloud, String site) {
        return String.join(", ", cloud.config().criticalServices().stream().filter(s -> !cloud.health().isUp(site, s))
                .map(Service::key).sorted().toList());
    }

    /** Why a built-in step will not run (empty: it runs); mirrors the steps' own {@code appliesTo}. */
    private static String skipReason(String step, FailoverConfig c, String from, String to, boolean planned,
                                     FailoverCloud cloud) {
        boolean redeploy = c.topology() == FailoverConfig.Topology.REDEPLOY;
        return switch (step) {
            case "reconcile" -> !planned ? "unplanned move" : c.reconcileBeforeMove() ? "" : "replication.reconcile-before-move = false";
            case "pre-sync", "drain" -> planned ? "" : "unplanned move";
            case "provision" -> redeploy ? "" : "topology is not redeploy";
            case "release" -> !redeploy ? "topology is not redeploy"
                    : !c.redeploy().orElseThrow().release() ? "redeploy.release = false"
                    : !c.redeploy().orElseThrow().provisions(from) ? from + " runs a standing deployment"
                    : cloud.health().isUp(from, Service.COMPUTE) ? "" : "compute of " + from + " is down";
            default -> "";
        };
    }

    /**
     * Runs {@code action} (the facade's failover or failback) while showing its progress.
     *
     * @return the report
     */
    private static RunbookReport run(FailoverCloud cloud, String to, int total, Supplier<RunbookReport> action, Progress progress)
            throws InterruptedException {
        AtomicInteger done = new AtomicInteger();
        progress.update("runbook", 0, total, "steps", "");
        return progress.follow(cloud, "cloudhop-runbook", e -> {
            if (e instanceof FailoverEvent.RunbookStepCompleted s) {
                done.incrementAndGet();
                return Progress.step(s);
            } else if (e instanceof FailoverEvent.FailoverStarted s) {
                return "started: " + s.reason();
            } else if (e instanceof FailoverEvent.ActiveSiteChanged a) {
                return "  clients now go to " + a.to() + " (epoch " + a.epoch() + ")";
            }
            return null;
        }, action::get, 200, () -> {
            int backlog = cloud.replicationBacklog(to);
            progress.update("runbook", done.get(), Math.max(total, done.get()), "steps",
                    backlog > 0 ? backlog + " writes left to " + to : "");
        });
    }

    /** The outcome, one line; then the failed step's detail. */
    private static int outcome(RunbookReport r, String verb, PrintWriter out, PrintWriter err) {
        String line = verb + " " + r.from() + " -> " + r.to() + ": " + (r.ok() ? "ok" : "FAILED") + ", epoch " + r.epoch()
                + ", took " + r.took().toMillis() + " ms, unreplicated writes " + r.unreplicatedWrites();
        if (r.ok()) {
            out.println(line);
            out.flush();
            return 0;
        }
        err.println(line);
        r.steps().stream().filter(s -> !s.ok()).forEach(s -> err.println("error: step " + s.name() + " failed: "
                + dev.cloudhop.api.spi.Secret.redactUserInfo(s.detail())));
        err.flush();
        return CloudhopCommand.FAILED;
    }
}
