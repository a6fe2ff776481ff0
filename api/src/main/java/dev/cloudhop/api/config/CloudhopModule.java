package dev.cloudhop.api.config;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.PrivateModule;
import com.google.inject.name.Names;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.spi.CloudProvider;
import dev.cloudhop.api.spi.SiteConfig;
import java.util.List;
import java.util.Objects;

/**
 * Binds every site of a configuration, each in a private module of its own so that two sites of the same
 * provider coexist without sharing state. For a site {@code primary}, inject
 * {@code @Named("primary") Cloud}, or one of its services: {@code @Named("primary") BlobStore},
 * {@code QueueService}, {@code DnsService}, {@code ComputeService}. {@link Sites} is bound too.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new CloudhopModule(CloudhopConfig.load(path)));
 * BlobStore blobs = injector.getInstance(Key.get(BlobStore.class, Names.named("primary")));
 * }</pre>
 *
 * <p>The module does no I/O; providers connect on first use. Close the {@link Sites} (or each
 * {@link Cloud}) when done.
 */
public final class CloudhopModule extends AbstractModule {

    private static final List<Class<?>> EXPOSED = List.of(Cloud.class, BlobStore.class, QueueService.class,
            DnsService.class, ComputeService.class);

    private final CloudhopConfig config;
    private final ProviderRegistry providers;

    /** Binds the sites of {@code config}, finding providers on the class path. */
    public CloudhopModule(CloudhopConfig config) {
        this(config, ProviderRegistry.discover());
    }

    /** Binds the sites of {@code config} with these providers. */
    public CloudhopModule(CloudhopConfig config, ProviderRegistry providers) {
        this.config = Objects.requireNonNull(config, "config");
        this.providers = Objects.requireNonNull(providers, "providers");
    }

    @Override
    protected void configure() {
        bind(CloudhopConfig.class).toInstance(config);
        for (SiteConfig site : config.sites()) {
            CloudProvider provider = providers.find(site.info().provider()).orElseThrow(() -> new IllegalStateException(
                    "provider '" + site.info().provider() + "' of site " + site.id() + " is not on the class path; available: "
                            + providers.ids()));
            install(new SiteModule(site, provider));
        }
        bind(Sites.class).toProvider(SitesProvider.class).in(com.google.inject.Singleton.class);
    }

    /** One site: the provider's module, private, with the services exposed under the site's name. */
    private static final class SiteModule extends PrivateModule {
        private final SiteConfig site;
        private final CloudProvider provider;

        SiteModule(SiteConfig site, CloudProvider provider) {
            this.site = site;
            this.provider = provider;
        }

        @Override
        protected void configure() {
            bind(SiteConfig.class).toInstance(site);
            bind(SiteInfo.class).toInstance(site.info());
            install(provider.module(site));
            for (Class<?> type : EXPOSED) {
                exposeNamed(type);
            }
        }

        private <T> void exposeNamed(Class<T> type) {
            Key<T> named = Key.get(type, Names.named(site.id()));
            bind(named).to(type);
            expose(named);
        }
    }

    /** Builds {@link Sites} from the named {@link Cloud} bindings. */
    private static final class SitesProvider implements jakarta.inject.Provider<Sites> {
        private final CloudhopConfig config;
        private final com.google.inject.Injector injector;

        @jakarta.inject.Inject
        SitesProvider(CloudhopConfig config, com.google.inject.Injector injector) {
            this.config = config;
            this.injector = injector;
        }

        @Override
        public Sites get() {
            java.util.Map<String, Cloud> clouds = new java.util.LinkedHashMap<>();
            for (SiteConfig site : config.sites()) {
                clouds.put(site.id(), injector.getInstance(Key.get(Cloud.class, Names.named(site.id()))));
            }
            return new Sites(clouds);
        }
    }
}
