package dev.cloudhop.cli;

import dev.cloudhop.failover.FailoverCloud;
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
            return RunbookRun.move(cloud, "failback", primary, primary + " (the primary) is already the active site",
                    options, cloud::failback, out, spec.commandLine().getErr());
        }
    }
}
