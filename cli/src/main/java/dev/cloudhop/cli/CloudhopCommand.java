package dev.cloudhop.cli;

import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code cloudhop} command: operators' tools over one Cloudhop configuration file.
 *
 * <p>Exit codes: 0 success; 1 a failure the output names (an invalid configuration, a failed runbook step, a service
 * down, a failed contract test, an unreachable site); 2 a usage error (unknown option, missing argument).
 * Errors are one line each, naming the key, site or file at fault; {@code --verbose} adds the stack trace.
 * Secrets are never printed: configuration problems and provider errors never contain them, and URIs lose their
 * user information.
 */
@Command(name = "cloudhop", mixinStandardHelpOptions = true, versionProvider = CloudhopCommand.Version.class,
        description = "Operate a Cloudhop deployment: check its configuration, look at its sites, move it between them.",
        subcommands = {ValidateCommand.class, SitesCommand.class, StatusCommand.class, FailoverCommand.class,
                FailbackCommand.class, DrillCommand.class, TckCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit status: 0 ok, 1 failed (the output says what), 2 usage error.",
                "Every command takes the configuration file first; see README.md, \"The cloudhop command\"."})
public final class CloudhopCommand implements Runnable {

    /** Exit code of a failure the output names. */
    public static final int FAILED = 1;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error, and the library's warnings.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        Logging.quiet(java.util.Arrays.asList(args).contains("--verbose") || java.util.Arrays.asList(args).contains("-v"));
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling; tests call {@code execute} on it with their own writers. */
    public static CommandLine commandLine() {
        CloudhopCommand root = new CloudhopCommand();
        CommandLine cmd = new CommandLine(root);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            report(e, err);
            if (root.verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return FAILED;
        });
        return cmd;
    }

    /** One line per problem: every configuration problem, or the error's own message (naming what is at fault). */
    static void report(Throwable e, PrintWriter err) {
        if (e instanceof ConfigException ce) {
            for (ConfigProblem p : ce.problems()) {
                err.println("error: " + p);
            }
            return;
        }
        if (e instanceof CliException) {
            err.println("error: " + e.getMessage());
            return;
        }
        boolean plain = e instanceof IllegalStateException || e instanceof IllegalArgumentException
                || e instanceof dev.cloudhop.api.CloudException || e instanceof java.io.UncheckedIOException;
        err.println("error: " + (plain ? "" : e.getClass().getSimpleName() + ": ") + SiteState.oneLine(e));
    }

    /** The version of the jar, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CloudhopCommand.class.getPackage().getImplementationVersion();
            return new String[] {"cloudhop " + (v == null ? "(development build)" : v)};
        }
    }
}
