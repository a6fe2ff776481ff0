package dev.cloudhop.api.config;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.Map;

/**
 * The entry point: one configuration file in, the configured sites out.
 *
 * <pre>{@code
 * try (Sites sites = Cloudhop.open(Path.of("cloudhop.conf"))) {
 *     Cloud primary = sites.site("primary");
 *     primary.blobs().createContainer("catalog");
 * }
 * }</pre>
 */
public final class Cloudhop {

    private Cloudhop() {
    }

    /**
     * Loads the file (with the process environment and the providers on the class path) and binds its
     * sites. No site connects yet.
     *
     * @throws ConfigException listing every problem of the file
     */
    public static Sites open(Path config) {
        return open(CloudhopConfig.load(config), ProviderRegistry.discover());
    }

    /**
     * Like {@link #open(Path)} with an explicit environment.
     *
     * @throws ConfigException listing every problem of the file
     */
    public static Sites open(Path config, Map<String, String> env) {
        ProviderRegistry providers = ProviderRegistry.discover();
        return open(CloudhopConfig.load(config, env, providers), providers);
    }

    /** Binds the sites of a loaded configuration. */
    public static Sites open(CloudhopConfig config, ProviderRegistry providers) {
        try {
            Injector injector = Guice.createInjector(new CloudhopModule(config, providers));
            return injector.getInstance(Sites.class);
        } catch (com.google.inject.CreationException e) {
            throw unwrap(e, e.getErrorMessages());
        } catch (com.google.inject.ProvisionException e) {
            throw unwrap(e, e.getErrorMessages());
        }
    }

    /** A provider that checks its keys against each other reports a ConfigException: show it, not Guice's wrapper. */
    private static RuntimeException unwrap(RuntimeException e, java.util.Collection<com.google.inject.spi.Message> messages) {
        for (com.google.inject.spi.Message m : messages) {
            for (Throwable t = m.getCause(); t != null; t = t.getCause()) {
                if (t instanceof ConfigException ce) {
                    return ce;
                }
            }
        }
        return e;
    }
}
