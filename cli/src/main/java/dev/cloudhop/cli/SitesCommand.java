package dev.cloudhop.cli;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.spi.SiteConfig;
import dev.cloudhop.failover.FailoverConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cloudhop sites CONF}: the sites of a configuration, their providers, capabilities and services. */
@Command(name = "sites", description = {"List the sites of a configuration: provider, region, role in the failover "
        + "section, the services each has and the capabilities its provider declares.", "Connects to nothing."})
final class SitesCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONF", description = "The configuration file.")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Deployment d = Deployment.load(file);
        Table table = new Table("SITE", "PROVIDER", "REGION", "ROLE", "BLOB", "QUEUE", "DNS", "COMPUTE");
        List<String> capabilityLines = new ArrayList<>();
        try (Sites sites = d.openSites()) {
            for (SiteConfig s : ordered(d)) {
                Cloud cloud = sites.site(s.id());
                Set<Capability> caps = cloud.capabilities();
                table.row(s.id(), s.info().provider(), s.info().region(), role(d, s.id()),
                        has(caps, Capability.BLOB), has(caps, Capability.QUEUE), has(caps, Capability.DNS),
                        has(caps, Capability.COMPUTE));
                Set<String> names = new TreeSet<>();
                caps.forEach(c -> names.add(c.name().toLowerCase(Locale.ROOT).replace('_', '-')));
                capabilityLines.add(s.id() + ": " + String.join(", ", names));
            }
        }
        table.print(out);
        out.println();
        out.println("capabilities");
        capabilityLines.forEach(l -> out.println("  " + l));
        d.failover().ifPresent(f -> {
            out.println();
            out.println("failover: " + f.topology().name().toLowerCase(Locale.ROOT).replace('_', '-') + ", priority "
                    + String.join(" > ", f.priority()) + ", critical services "
                    + String.join(", ", f.criticalServices().stream().map(x -> x.key()).sorted().toList())
                    + ", replication " + f.replicationMode().name().toLowerCase(Locale.ROOT)
                    + ", coordination " + f.coordination().kind().name().toLowerCase(Locale.ROOT));
        });
        out.flush();
        return 0;
    }

    /** Sites in failover priority first, then the others by id. */
    static List<SiteConfig> ordered(Deployment d) {
        List<SiteConfig> out = new ArrayList<>();
        d.failover().ifPresent(f -> f.priority().forEach(id -> d.config().site(id).ifPresent(out::add)));
        d.sites().stream().filter(s -> !out.contains(s)).forEach(out::add);
        return out;
    }

    static String role(Deployment d, String id) {
        if (d.failover().isEmpty()) {
            return "-";
        }
        FailoverConfig f = d.failover().get();
        List<String> roles = new ArrayList<>();
        int i = f.priority().indexOf(id);
        if (i == 0) {
            roles.add("primary");
        } else if (i > 0) {
            roles.add("failover #" + i);
        }
        f.dns().filter(dns -> dns.sites().contains(id)).ifPresent(dns -> roles.add("dns"));
        f.backup().filter(b -> b.site().equals(id)).ifPresent(b -> roles.add("backup"));
        return roles.isEmpty() ? "-" : String.join(", ", roles);
    }

    private static String has(Set<Capability> caps, Capability c) {
        return caps.contains(c) ? "yes" : "-";
    }
}
