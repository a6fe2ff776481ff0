package dev.cloudhop.provider.onprem;

import com.google.common.collect.ImmutableSet;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.jclouds.compute.JCloudsNativeComputeServiceAdapter;
import org.jclouds.compute.domain.Hardware;
import org.jclouds.compute.domain.HardwareBuilder;
import org.jclouds.compute.domain.Image;
import org.jclouds.compute.domain.ImageBuilder;
import org.jclouds.compute.domain.NodeMetadata;
import org.jclouds.compute.domain.NodeMetadataBuilder;
import org.jclouds.compute.domain.OperatingSystem;
import org.jclouds.compute.domain.OsFamily;
import org.jclouds.compute.domain.Processor;
import org.jclouds.compute.domain.Template;
import org.jclouds.domain.Credentials;
import org.jclouds.domain.Location;
import org.jclouds.domain.LocationBuilder;
import org.jclouds.domain.LocationScope;
import org.jclouds.domain.LoginCredentials;

/**
 * jclouds' compute adapter over an inventory of existing machines: what byon does, except that creating a
 * node allocates a free machine of the requested image and size to the group (and destroying releases it),
 * instead of being unsupported. Only allocated machines are nodes; free ones are capacity. A machine is
 * never given to two groups: allocation is one atomic update of {@link Allocations}.
 *
 * <p>Images and hardware profiles are the distinct {@code image} and {@code size} values of the inventory.
 * Login credentials come from the inventory and are registered with jclouds' credential store, so that
 * scripts run over SSH ({@link VerifiedSshClient}) as the machine's user. Thread-safe.
 */
@Singleton
final class InventoryComputeAdapter implements JCloudsNativeComputeServiceAdapter {

    private static final Location PROVIDER = new LocationBuilder().scope(LocationScope.PROVIDER).id("onprem")
            .description("on-premises inventory").build();

    private final Inventory inventory;
    private final Allocations allocations;
    private final Map<String, Credentials> credentialStore;

    @Inject
    InventoryComputeAdapter(Inventory inventory, Allocations allocations, Map<String, Credentials> credentialStore) {
        this.inventory = inventory;
        this.allocations = allocations;
        this.credentialStore = credentialStore;
    }

    @Override
    public NodeWithInitialCredentials createNodeWithGroupEncodedIntoName(String group, String name, Template template) {
        String image = template.getImage().getId();
        String size = template.getHardware().getId();
        Map<String, String> tags = new LinkedHashMap<>(template.getOptions().getUserMetadata());
        Allocations.Allocation allocation = allocations.update(current -> {
            Set<String> busy = current.values().stream().map(Allocations.Allocation::machine).collect(Collectors.toSet());
            Optional<Inventory.Machine> free = inventory.machines().stream()
                    .filter(m -> m.image().equals(image) && m.size().equals(size) && !busy.contains(m.id()))
                    .findFirst();
            if (free.isEmpty()) {
                long total = inventory.machines().stream().filter(m -> m.image().equals(image) && m.size().equals(size))
                        .count();
                throw new IllegalStateException("no free machine of image " + image + " and size " + size + " in the "
                        + "inventory " + inventory.source() + " (" + total + " such machines, all allocated)");
            }
            String node = free.get().id() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            Allocations.Allocation a = new Allocations.Allocation(node, free.get().id(), group, image, tags, Instant.now());
            current.put(node, a);
            return a;
        });
        return new NodeWithInitialCredentials(node(allocation).orElseThrow());
    }

    private Optional<NodeMetadata> node(Allocations.Allocation a) {
        return inventory.machine(a.machine()).map(m -> {
            LoginCredentials login = LoginCredentials.builder().user(m.user()).privateKey(m.privateKey()).build();
            credentialStore.put("node#" + a.node(), login);
            Map<String, String> tags = new LinkedHashMap<>(m.tags());
            tags.putAll(a.tags());
            return new NodeMetadataBuilder()
                    .ids(a.node())
                    .name(m.id())
                    .hostname(m.host())
                    .group(a.group())
                    .imageId(a.image())
                    .hardware(hardware(m.size()))
                    .operatingSystem(os(m))
                    .location(PROVIDER)
                    .loginPort(m.port())
                    .publicAddresses(ImmutableSet.of(m.host()))
                    .privateAddresses(ImmutableSet.of())
                    .userMetadata(tags)
                    .credentials(login)
                    .status(NodeMetadata.Status.RUNNING)
                    .build();
        });
    }

    private static OperatingSystem os(Inventory.Machine m) {
        return OperatingSystem.builder().family(OsFamily.fromValue(m.osFamily())).description(m.osFamily())
                .is64Bit(true).build();
    }

    private static Hardware hardware(String size) {
        return new HardwareBuilder().ids(size).name(size).processor(new Processor(1, 1)).ram(1024).build();
    }

    @Override
    public Iterable<Hardware> listHardwareProfiles() {
        return inventory.machines().stream().map(Inventory.Machine::size).distinct()
                .map(InventoryComputeAdapter::hardware).toList();
    }

    @Override
    public Iterable<Image> listImages() {
        List<Image> images = new ArrayList<>();
        Map<String, Inventory.Machine> first = new LinkedHashMap<>();
        inventory.machines().forEach(m -> first.putIfAbsent(m.image(), m));
        first.forEach((id, m) -> images.add(new ImageBuilder().ids(id).name(id).description("inventory image " + id)
                .operatingSystem(os(m)).status(Image.Status.AVAILABLE).build()));
        return images;
    }

    @Override
    public Iterable<NodeMetadata> listNodes() {
        return allocations.read().values().stream().map(this::node).flatMap(Optional::stream).toList();
    }

    @Override
    public Iterable<NodeMetadata> listNodesByIds(Iterable<String> ids) {
        Map<String, Allocations.Allocation> all = allocations.read();
        List<NodeMetadata> nodes = new ArrayList<>();
        for (String id : ids) {
            Optional.ofNullable(all.get(id)).flatMap(this::node).ifPresent(nodes::add);
        }
        return nodes;
    }

    @Override
    public Iterable<Location> listLocations() {
        return ImmutableSet.of(PROVIDER);
    }

    @Override
    public NodeMetadata getNode(String id) {
        return allocations.node(id).flatMap(this::node).orElse(null);
    }

    @Override
    public Image getImage(String id) {
        for (Image image : listImages()) {
            if (image.getId().equals(id)) {
                return image;
            }
        }
        return null;
    }

    /** Releases the machine: it is free again for any group. */
    @Override
    public void destroyNode(String id) {
        allocations.update(current -> current.remove(id));
        credentialStore.remove("node#" + id);
    }

    @Override
    public void rebootNode(String id) {
        throw new UnsupportedOperationException("an inventory machine is not rebooted by Cloudhop");
    }

    @Override
    public void resumeNode(String id) {
        throw new UnsupportedOperationException("an inventory machine cannot be suspended or resumed");
    }

    @Override
    public void suspendNode(String id) {
        throw new UnsupportedOperationException("an inventory machine cannot be suspended or resumed");
    }
}
