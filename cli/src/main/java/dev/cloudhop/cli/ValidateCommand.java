package dev.cloudhop.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueType;
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
import java.util.Map;
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

    /**
     * The failover section as written, when the sites have problems of their own (the loader then returns no
     * configuration): its problems are reported too. Empty when the file does not parse (already reported).
     */
    private Map<String, Object> rawFailoverSection() {
        try {
            Config raw = raw();
            return raw.hasPath("failover") && raw.getValue("failover").valueType() == ConfigValueType.OBJECT
                    ? raw.getObject("failover").unwrapped() : Map.of();
        } catch (com.typesafe.config.ConfigException e) {
            return Map.of();
        }
    }

    private List<String> rawSiteIds() {
        try {
            Config raw = raw();
            return raw.hasPath("sites") && raw.getValue("sites").valueType() == ConfigValueType.OBJECT
                    ? List.copyOf(raw.getObject("sites").keySet()) : List.of();
        } catch (com.typesafe.config.ConfigException e) {
            return List.of();
        }
    }

    private Config raw() {
        return ConfigFactory.parseFile(file.toFile()).resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
    }

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
        Map<String, Object> section = config != null ? config.failover() : rawFailoverSection();
        List<String> siteIds = config != null ? config.sites().stream().map(SiteConfig::id).toList() : rawSiteIds();
        if (!section.isEmpty()) {
            Validation<Seq<ConfigProblem>, FailoverConfig> failover = FailoverConfig.validate(section, siteIds, source);
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
