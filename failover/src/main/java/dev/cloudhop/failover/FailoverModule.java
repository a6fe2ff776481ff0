package dev.cloudhop.failover;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.CloudhopModule;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Binds a configuration's sites (it installs {@link CloudhopModule}, so each site stays injectable as
 * {@code @Named("<site>")}) and, over them, the {@link FailoverCloud} of its {@code failover} section: as
 * {@code FailoverCloud}, as {@code @Named("failover") Cloud}, and its services as {@code @Named("failover")}
 * {@link BlobStore}, {@link QueueService}, {@link DnsService} and {@link ComputeService}. The facade is a
 * singleton built on first injection; its closing closes the sites.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new FailoverModule(CloudhopConfig.load(path)));
 * BlobStore blobs = injector.getInstance(Key.get(BlobStore.class, Names.named(FailoverModule.NAME)));
 * }</pre>
 *
 * <p>The {@code failover} section is checked when the module is created: a bad section fails there with a
 * {@link dev.cloudhop.api.config.ConfigException} listing every problem, not at first injection.
 */
public final class FailoverModule extends AbstractModule {

    /** The name the facade and its services are bound under. */
    public static final String NAME = "failover";

    private final CloudhopConfig config;
    private final FailoverConfig failover;
    private final ProviderRegistry providers;
    private final Consumer<FailoverCloudBuilder> customize;

    /** Binds the sites and the facade of {@code config}, finding providers on the class path. */
    public FailoverModule(CloudhopConfig config) {
        this(config, ProviderRegistry.discover(), b -> { });
    }

    /**
     * Binds the sites and the facade of {@code config} with these providers; {@code customize} adjusts the
     * facade's builder before it is built (runbook steps, interceptors, a clock).
     */
    public FailoverModule(CloudhopConfig config, ProviderRegistry providers, Consumer<FailoverCloudBuilder> customize) {
        this.config = Objects.requireNonNull(config, "config");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.customize = Objects.requireNonNull(customize, "customize");
        this.failover = FailoverConfig.of(config);
    }

    @Override
    protected void configure() {
        install(new CloudhopModule(config, providers));
        bind(FailoverConfig.class).toInstance(failover);
        bind(Key.get(Cloud.class, Names.named(NAME))).to(FailoverCloud.class);
    }

    @Provides
    @Singleton
    FailoverCloud facade(Sites sites, FailoverConfig failoverConfig) {
        FailoverCloudBuilder b = FailoverCloud.builder(sites, failoverConfig).closeSitesOnClose();
        customize.accept(b);
        return b.build();
    }

    @Provides
    @Singleton
    @Named(NAME)
    BlobStore blobs(FailoverCloud cloud) {
        return cloud.blobs();
    }

    @Provides
    @Singleton
    @Named(NAME)
    QueueService queues(FailoverCloud cloud) {
        return cloud.queues();
    }

    @Provides
    @Singleton
    @Named(NAME)
    DnsService dns(FailoverCloud cloud) {
        return cloud.dns();
    }

    @Provides
    @Singleton
    @Named(NAME)
    ComputeService compute(FailoverCloud cloud) {
        return cloud.compute();
    }
}
