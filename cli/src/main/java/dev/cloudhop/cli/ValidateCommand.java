package dev.cloudhop.cli;

import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.spi.SiteConfig;
import dev.cloudhop.failover.FailoverConfig;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cloudhop validate CONF}: every problem of a configuration at once, one line each. */
@Command(name = "validate", description = {"Check a configuration file: every problem at once, one line each naming "
        + "the file and the key.", "Checks the sites (providers, their keys, secrets' references), the failover "
        + "section against the sites, and each provider's checks across its keys. Connects to nothing."})
final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONF", description = "The configuration file (HOCON or JSON).")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProviderRegistry providers = ProviderRegistry.discover();
        Validation<Seq<ConfigProblem>, CloudhopConfig> sites = CloudhopConfig.validate(file, System.getenv(), providers);
        List<ConfigProblem> problems = new ArrayList<>(sites.isInvalid() ? sites.getError().asJava() : List.of());
        // the failover section is checked against the site ids even when a site has problems of its own
        CloudhopConfig config = sites.getOrNull();
        String source = file.toString();
        if (config != null && !config.failover().isEmpty()) {
            Validation<Seq<ConfigProblem>, FailoverConfig> failover = FailoverConfig.validate(config.failover(),
                    config.sites().stream().map(SiteConfig::id).toList(), source);
            if (failover.isInvalid()) {
                problems.addAll(failover.getError().asJava());
            }
        }
        if (config != null && problems.isEmpty()) {
            // the providers' checks across keys run when a site's module is built (no I/O)
            try (Sites opened = dev.cloudhop.api.config.Cloudhop.open(config, providers)) {
                opened.ids();
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println(p));
            err.println(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in " + source);
            err.flush();
            return CloudhopCommand.FAILED;
        }
        out.println(source + ": ok: " + config.sites().size() + " site" + (config.sites().size() == 1 ? "" : "s") + " ("
                + String.join(", ", config.sites().stream().map(s -> s.id() + ": " + s.info().provider()).toList()) + ")"
                + (config.failover().isEmpty() ? ", no failover section"
                : ", failover priority " + FailoverConfig.of(config).priority()));
        out.flush();
        return 0;
    }
}
