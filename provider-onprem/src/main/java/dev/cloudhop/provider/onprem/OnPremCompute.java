package dev.cloudhop.provider.onprem;

import com.google.common.collect.ImmutableSet;
import com.google.inject.AbstractModule;
import dev.cloudhop.api.Capability;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.jclouds.JcloudsComputeService;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.jclouds.ContextBuilder;
import org.jclouds.byon.BYONApiMetadata;
import org.jclouds.compute.ComputeServiceContext;
import org.jclouds.compute.config.ComputeServiceAdapterContextModule.LocationsFromComputeServiceAdapterModule;
import org.jclouds.compute.config.JCloudsNativeComputeServiceAdapterContextModule;
import org.jclouds.compute.domain.Hardware;
import org.jclouds.compute.domain.Image;
import org.jclouds.compute.domain.NodeMetadata;
import org.jclouds.compute.config.ComputeServiceProperties;
import org.jclouds.domain.Location;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;

/**
 * Builds a site's compute service: jclouds {@code byon} ("bring your own nodes") with the
 * {@link InventoryComputeAdapter} in place of byon's read-only one, SSH through sshj with host keys checked
 * against the site's known_hosts file ({@link VerifiedSshClient}), all behind the bridge's
 * {@link JcloudsComputeService} (scripts run as plain SSH commands: {@link SshScriptComputeService}).
 */
final class OnPremCompute {

    private OnPremCompute() {
    }

    static SshScriptComputeService create(SiteInfo site, OnPremSettings.Compute settings, Set<Capability> capabilities) {
        Allocations allocations = settings.stateFile().map(Allocations::inFile).orElseGet(Allocations::inMemory);
        KnownHosts knownHosts = new KnownHosts(settings.knownHosts(), settings.hostKeyPolicy());
        return new SshScriptComputeService(site, new JcloudsComputeService(site, OnPremProvider.NAMING, capabilities, () -> {
            Inventory inventory = Inventory.read(settings.inventory(), settings.sshUser(),
                    settings.sshKey().map(s -> s.reveal()));
            BYONApiMetadata api = new BYONApiMetadata().toBuilder().defaultModules(ImmutableSet.of()).build();
            Properties overrides = new Properties();
            // the machines exist already: do not wait for them to boot or probe their SSH port
            overrides.setProperty(ComputeServiceProperties.TIMEOUT_NODE_RUNNING, "10000");
            return ContextBuilder.newBuilder(api)
                    .name(site.id())
                    .endpoint(settings.inventory().toUri().toString())
                    .overrides(overrides)
                    .modules(List.of(new InventoryModule(inventory, allocations),
                            new VerifiedSshClient.SshModule(site, knownHosts), new SLF4JLoggingModule()))
                    .buildView(ComputeServiceContext.class);
        }));
    }

    /** What byon's context module binds, with the allocating adapter. */
    private static final class InventoryModule extends AbstractModule {
        private final Inventory inventory;
        private final Allocations allocations;

        InventoryModule(Inventory inventory, Allocations allocations) {
            this.inventory = inventory;
            this.allocations = allocations;
        }

        @Override
        protected void configure() {
            bind(Inventory.class).toInstance(inventory);
            bind(Allocations.class).toInstance(allocations);
            install(new JCloudsNativeComputeServiceAdapterContextModule(InventoryComputeAdapter.class));
            install(new LocationsFromComputeServiceAdapterModule<NodeMetadata, Hardware, Image, Location>() {
            });
        }
    }
}
