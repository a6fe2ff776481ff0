package dev.cloudhop.cli;

import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.spi.SiteConfig;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One configuration file as the commands see it: the sites, the failover section, and the two ways to open them (the
 * raw sites, read-only; or an operator's facade that runs runbooks).
 */
final class Deployment {

    private final CloudhopConfig config;
    private final ProviderRegistry providers;
    private final Optional<FailoverConfig> failover;

    private Deployment(CloudhopConfig config, ProviderRegistry providers, Optional<FailoverConfig> failover) {
        this.config = config;
        this.providers = providers;
        this.failover = failover;
    }

    /**
     * Loads and validates {@code file} with the process environment.
     *
     * @throws dev.cloudhop.api.config.ConfigException listing every problem (sites and failover section)
     */
    static Deployment load(Path file) {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.load(file, System.getenv(), providers);
        Optional<FailoverConfig> failover = config.failover().isEmpty() ? Optional.empty()
                : Optional.of(FailoverConfig.of(config));
        return new Deployment(config, providers, failover);
    }

    CloudhopConfig config() {
        return config;
    }

    String source() {
        return config.source();
    }

    List<SiteConfig> sites() {
        return config.sites();
    }

    Optional<FailoverConfig> failover() {
        return failover;
    }

    /** The failover section, which runbooks and drills need. */
    FailoverConfig requireFailover(String command) {
        return failover.orElseThrow(() -> new CliException(new ConfigProblem(source(), "failover",
                "missing; " + command + " needs a failover section (at least failover.priority = [site, site])").toString()));
    }

    /** The site of this id, or an error naming the configured ones. */
    SiteConfig site(String id, String option) {
        return config.site(id).orElseThrow(() -> new CliException(option + " " + id + ": no such site in " + source()
                + "; configured sites: " + String.join(", ", config.sites().stream().map(SiteConfig::id).toList())));
    }

    /** The configured sites, not connected yet (clients connect on first use). The caller closes them. */
    Sites openSites() {
        return Cloudhop.open(config, providers);
    }

    /**
     * A facade for an operator: it reads the fleet's state from the sites (fences, coordination) like any instance, but
     * never fails over or back by itself, does not reconcile at open, and does not touch the application's local
     * replication journal or capture directory (they belong to the application instance, which holds their locks).
     * The caller closes it; closing it closes the sites.
     */
    FailoverCloud openOperator() {
        FailoverConfig section = FailoverConfig.parse(operatorSection(config.failover()),
                config.sites().stream().map(SiteConfig::id).toList(), source());
        return open(section);
    }

    /** A facade with the configuration as written (drills: this process is the application). */
    FailoverCloud openAsWritten(String command) {
        return open(requireFailover(command));
    }

    private FailoverCloud open(FailoverConfig section) {
        Sites sites = openSites();
        try {
            return FailoverCloud.builder(sites, section).closeSitesOnClose().build();
        } catch (RuntimeException e) {
            sites.close();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> operatorSection(Map<String, Object> written) {
        Map<String, Object> section = new LinkedHashMap<>(written);
        section.put("automatic", false);
        section.put("failback", "manual");
        section.remove("capture");
        Map<String, Object> replication = section.get("replication") instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        replication.remove("journal");
        replication.put("reconcile-at-start", false);
        section.put("replication", replication);
        return section;
    }
}
