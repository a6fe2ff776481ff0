package dev.cloudhop.cli;

import dev.cloudhop.failover.FailoverCloud;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cloudhop failover CONF --to SITE}: a manual failover, step by step. */
@Command(name = "failover", description = {"Move the deployment to another site: print the runbook plan, run it with "
        + "live progress per step, and exit 1 if a step failed.",
        "While the active site is healthy this is a planned move (RPO 0, or aborted). This command acts as an operator "
        + "instance of the fleet: it adopts the newest fence on the sites and raises the epoch, so application instances "
        + "running elsewhere are fenced and follow."})
final class FailoverCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONF", description = "The configuration file.")
    Path file;

    @Option(names = "--to", required = true, paramLabel = "SITE", description = "The site to move to.")
    String to;

    @Mixin
    RunbookOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Deployment d = Deployment.load(file);
        d.requireFailover("failover");
        d.site(to, "--to");
        try (FailoverCloud cloud = d.openOperator()) {
            if (!cloud.siteIds().contains(to)) {
                throw new CliException("--to " + to + ": site is not in failover.priority " + cloud.siteIds()
                        + " of " + d.source());
            }
            return RunbookRun.move(cloud, "failover", to, to + " is already the active site", options,
                    () -> cloud.failover(to), out, spec.commandLine().getErr());
        }
    }
}
