package dev.cloudhop.cli;

import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.RunbookReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cloudhop failback CONF}: back to the primary, step by step. */
@Command(name = "failback", description = {"Move the deployment back to its primary (the first site of "
        + "failover.priority): the failover runbook in reverse plus a merge, a planned move (RPO 0, or aborted).",
        "Prints the plan, runs it with live progress per step, and exits 1 if a step failed."})
final class FailbackCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONF", description = "The configuration file.")
    Path file;

    @Mixin
    RunbookOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Deployment d = Deployment.load(file);
        String primary = d.requireFailover("failback").priority().get(0);
        try (FailoverCloud cloud = d.openOperator()) {
            RunbookRun.probe(cloud);
            if (cloud.activeSite().equals(primary)) {
                out.println(primary + " (the primary) is already the active site (epoch " + cloud.epoch() + "); nothing to do");
                out.flush();
                return 0;
            }
            int steps = RunbookRun.plan(cloud, "failback", primary, out);
            if (options.dryRun) {
                out.println("dry run: nothing changed");
                out.flush();
                return 0;
            }
            RunbookReport report = RunbookRun.run(cloud, primary, steps, cloud::failback, new Progress(out, options.progress));
            return RunbookRun.outcome(report, "failback", out, spec.commandLine().getErr());
        }
    }
}
