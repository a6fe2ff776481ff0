package dev.cloudhop.provider.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.azure.resourcemanager.resources.fluent.ResourceManagementClient;
import com.azure.resourcemanager.resources.fluent.models.GenericResourceExpandedInner;
import com.azure.resourcemanager.resources.fluent.models.GenericResourceInner;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.UnsupportedCapabilityException;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.compute.NodeStatus;
import dev.cloudhop.api.compute.ScriptResult;
import dev.cloudhop.api.naming.NameKind;
import dev.cloudhop.api.naming.NamingRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Azure virtual machines of one resource group through the Resource Manager SDK (generic resources,
 * with the SDK's long-running-operation polling).
 *
 * <p>Launching a node creates a network interface in the configured subnet ({@code compute.subnet-id}) and
 * a Linux VM from a marketplace image URN ({@code publisher:offer:sku:version}) or a custom image resource
 * id, with SSH key login ({@code compute.ssh-public-key}), user data as custom data, and the NIC and OS
 * disk set to be deleted with the VM. The group and image are kept as tags. Node ids are VM resource ids;
 * a bare VM name is accepted too. The status is derived from the provisioning state (Succeeded is
 * {@link NodeStatus#RUNNING}); no public IP is created. Running scripts is not supported. Thread-safe.
 */
final class AzureComputeService implements ComputeService {

    static final String VM_API = "2024-07-01";
    static final String NIC_API = "2024-05-01";
    static final String GROUP_TAG = "cloudhop-group";
    static final String IMAGE_TAG = "cloudhop-image";

    private static final Logger LOG = LoggerFactory.getLogger(AzureComputeService.class);

    private final SiteInfo site;
    private final NamingRules rules;
    private final ResourceManagerAccess arm;
    private final AzureSettings settings;

    AzureComputeService(SiteInfo site, NamingRules rules, ResourceManagerAccess arm, AzureSettings settings) {
        this.site = site;
        this.rules = rules;
        this.arm = arm;
        this.settings = settings;
    }

    private String vmId(String rg, String name) {
        return "/subscriptions/" + arm.subscription() + "/resourceGroups/" + rg
                + "/providers/Microsoft.Compute/virtualMachines/" + name;
    }

    private String nicId(String rg, String name) {
        return "/subscriptions/" + arm.subscription() + "/resourceGroups/" + rg
                + "/providers/Microsoft.Network/networkInterfaces/" + name;
    }

    /** A VM resource id for a node id: itself if it is one, else a VM name in the site's resource group. */
    private Optional<String> resolve(String id, String rg) {
        if (id.toLowerCase(Locale.ROOT).contains("/providers/microsoft.compute/virtualmachines/")) {
            return Optional.of(id);
        }
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            return Optional.empty();
        }
        return Optional.of(vmId(rg, id));
    }

    @Override
    public List<Node> listNodes() {
        ErrorContext ctx = ErrorContext.of(site, "compute.list");
        return AzureErrors.call(ctx, () -> {
            ResourceManagementClient c = arm.resources(ctx);
            String rg = arm.resourceGroup(ctx);
            List<Node> out = new ArrayList<>();
            for (GenericResourceExpandedInner r : c.getResources().listByResourceGroup(rg,
                    "resourceType eq 'Microsoft.Compute/virtualMachines'", "provisioningState", null, Context.NONE)) {
                get(c, r.id()).filter(n -> n.status() != NodeStatus.TERMINATED).ifPresent(out::add);
            }
            return out;
        });
    }

    @Override
    public List<Node> listNodes(String group) {
        java.util.Objects.requireNonNull(group, "group");
        return listNodes().stream().filter(n -> n.group().equals(group)).toList();
    }

    @Override
    public Optional<Node> node(String id) {
        ErrorContext ctx = ErrorContext.of(site, "compute.get", String.valueOf(id));
        return AzureErrors.call(ctx, () -> {
            ResourceManagementClient c = arm.resources(ctx);
            return resolve(id, arm.resourceGroup(ctx)).flatMap(vm -> get(c, vm))
                    .filter(n -> n.status() != NodeStatus.TERMINATED);
        });
    }

    private Optional<Node> get(ResourceManagementClient c, String vmId) {
        GenericResourceInner vm;
        try {
            vm = c.getResources().getById(vmId, VM_API);
        } catch (ManagementException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(node(c, vm));
    }

    @SuppressWarnings("unchecked")
    private Node node(ResourceManagementClient c, GenericResourceInner vm) {
        Map<String, Object> props = vm.properties() instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Map<String, String> tags = new HashMap<>(vm.tags() == null ? Map.of() : vm.tags());
        String group = tags.remove(GROUP_TAG);
        String image = tags.remove(IMAGE_TAG);
        List<String> privateIps = new ArrayList<>();
        for (String nic : nicIds(props)) {
            try {
                GenericResourceInner n = c.getResources().getById(nic, NIC_API);
                Map<String, Object> np = n.properties() instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
                for (Object cfg : list(np.get("ipConfigurations"))) {
                    Object ip = map(map(cfg).get("properties")).get("privateIPAddress");
                    if (ip != null) {
                        privateIps.add(ip.toString());
                    }
                }
            } catch (ManagementException e) {
                if (e.getResponse() == null || e.getResponse().getStatusCode() != 404) {
                    throw e;
                }
            }
        }
        return new Node(vm.id(), group == null ? "" : group, status(String.valueOf(props.get("provisioningState"))),
                image == null ? "" : image, List.of(), privateIps, tags);
    }

    private static List<String> nicIds(Map<String, Object> props) {
        List<String> ids = new ArrayList<>();
        for (Object nic : list(map(props.get("networkProfile")).get("networkInterfaces"))) {
            Object id = map(nic).get("id");
            if (id != null) {
                ids.add(id.toString());
            }
        }
        return ids;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    static NodeStatus status(String provisioningState) {
        return switch (provisioningState.toLowerCase(Locale.ROOT)) {
            case "succeeded" -> NodeStatus.RUNNING;
            case "creating", "updating", "migrating", "accepted" -> NodeStatus.PENDING;
            case "deleting", "deleted" -> NodeStatus.TERMINATED;
            case "failed", "canceled" -> NodeStatus.ERROR;
            default -> NodeStatus.UNKNOWN;
        };
    }

    /** The image reference of an image id: a custom image resource id, or a marketplace URN. */
    static Map<String, Object> imageReference(String image, ErrorContext ctx) {
        if (image.startsWith("/subscriptions/")) {
            return Map.of("id", image);
        }
        String[] parts = image.split(":");
        if (parts.length != 4 || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
            throw new InvalidRequestException(ctx, "image '" + image + "' is neither a marketplace URN "
                    + "(publisher:offer:sku:version) nor an image resource id (/subscriptions/...)");
        }
        return Map.of("publisher", parts[0], "offer", parts[1], "sku", parts[2], "version", parts[3]);
    }

    @Override
    public List<Node> launch(NodeSpec spec, int count) {
        ErrorContext ctx = ErrorContext.of(site, "compute.launch", spec.group());
        if (count < 1) {
            throw new InvalidRequestException(ctx, "node count must be at least 1, was " + count);
        }
        rules.firstViolation(NameKind.NODE_GROUP, spec.group()).ifPresent(reason -> {
            throw new InvalidRequestException(ctx, "node group '" + spec.group() + "' is invalid: " + reason);
        });
        Map<String, Object> imageReference = imageReference(spec.image(), ctx);
        String subnet = settings.subnetId().orElseThrow(() -> new InvalidRequestException(ctx, "site " + site.id()
                + " cannot launch nodes: set " + AzureKeys.SUBNET_ID));
        String sshKey = settings.sshPublicKey().orElseThrow(() -> new InvalidRequestException(ctx, "site " + site.id()
                + " cannot launch nodes: set " + AzureKeys.SSH_PUBLIC_KEY));
        return AzureErrors.call(ctx, () -> {
            ResourceManagementClient c = arm.resources(ctx);
            String rg = arm.resourceGroup(ctx);
            List<Node> launched = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    launched.add(launchOne(c, rg, spec, imageReference, subnet, sshKey));
                }
            } catch (RuntimeException e) {
                throw failed(ctx, spec, count, launched, e);
            }
            return launched;
        });
    }

    /**
     * The failure of a launch, after destroying the nodes it had launched: Azure's refusal of the image or size
     * is an invalid request naming them; anything else maps by {@link AzureErrors}. The message says what was
     * cleaned up and names every resource that could not be (so an operator can delete it).
     */
    private CloudException failed(ErrorContext ctx, NodeSpec spec, int count, List<Node> launched, RuntimeException e) {
        List<String> leftBehind = new ArrayList<>(e instanceof HalfLaunched h ? h.leftBehind : List.of());
        RuntimeException cause = e instanceof HalfLaunched h ? h.failure : e;
        leftBehind.addAll(destroyAll(launched, cause));
        CloudException mapped;
        if (cause instanceof ManagementException m && !AzureErrors.isFailedOperation(m) && Set.of("InvalidParameter",
                "PlatformImageNotFound", "ImageNotFound", "SkuNotAvailable", "InvalidResourceReference")
                .contains(AzureErrors.code(m))) {
            mapped = new InvalidRequestException(ctx, "Azure refused image '" + spec.image() + "' with size '"
                    + spec.size() + "' (" + AzureErrors.code(m) + ": "
                    + firstLine(m.getValue() == null ? "" : m.getValue().getMessage()) + ")", cause);
        } else {
            mapped = AzureErrors.translate(cause, ctx);
        }
        List<String> notes = new ArrayList<>();
        if (!launched.isEmpty()) {
            notes.add("launching " + count + " nodes failed after " + launched.size() + "; those were destroyed"
                    + (leftBehind.isEmpty() ? "" : " as far as possible"));
        }
        if (!leftBehind.isEmpty()) {
            notes.add("NOT cleaned up, delete by hand: " + String.join(", ", leftBehind));
        }
        return notes.isEmpty() ? mapped : AzureErrors.amend(mapped, String.join("; ", notes));
    }

    /** A node whose VM creation failed, after cleaning up: the failure and the resources still there. */
    private static final class HalfLaunched extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient RuntimeException failure;
        final List<String> leftBehind;

        HalfLaunched(RuntimeException failure, List<String> leftBehind) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
            this.leftBehind = List.copyOf(leftBehind);
        }
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return s == null ? "" : nl < 0 ? s : s.substring(0, nl);
    }

    /** Destroys {@code launched}; returns the ids of those that could not be (their errors suppressed in failure). */
    private List<String> destroyAll(List<Node> launched, RuntimeException failure) {
        List<String> left = new ArrayList<>();
        for (Node n : launched) {
            try {
                destroy(n.id());
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
                left.add(n.id());
            }
        }
        return left;
    }


    private Node launchOne(ResourceManagementClient c, String rg, NodeSpec spec, Map<String, Object> imageReference,
                           String subnet, String sshKey) {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        String name = spec.group() + "-" + HexFormat.of().formatHex(random);
        Map<String, String> tags = new LinkedHashMap<>(spec.tags());
        tags.put(GROUP_TAG, spec.group());
        tags.put(IMAGE_TAG, spec.image());
        String location = site.region();

        String nicId = nicId(rg, name + "-nic");
        c.getResources().createOrUpdateById(nicId, NIC_API, new GenericResourceInner().withLocation(location)
                .withTags(Map.of(GROUP_TAG, spec.group()))
                .withProperties(Map.of("ipConfigurations", List.of(Map.of("name", "ipconfig1", "properties",
                        Map.of("subnet", Map.of("id", subnet), "privateIPAllocationMethod", "Dynamic"))))));

        Map<String, Object> osProfile = new LinkedHashMap<>();
        osProfile.put("computerName", name);
        osProfile.put("adminUsername", settings.adminUser());
        osProfile.put("linuxConfiguration", Map.of("disablePasswordAuthentication", true, "ssh", Map.of("publicKeys",
                List.of(Map.of("path", "/home/" + settings.adminUser() + "/.ssh/authorized_keys", "keyData", sshKey)))));
        spec.userData().ifPresent(data -> osProfile.put("customData",
                Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8))));
        Map<String, Object> properties = Map.of(
                "hardwareProfile", Map.of("vmSize", spec.size()),
                "storageProfile", Map.of("imageReference", imageReference, "osDisk", Map.of("createOption", "FromImage",
                        "deleteOption", "Delete", "managedDisk", Map.of("storageAccountType", "Standard_LRS"))),
                "osProfile", osProfile,
                "networkProfile", Map.of("networkInterfaces", List.of(Map.of("id", nicId,
                        "properties", Map.of("primary", true, "deleteOption", "Delete")))));
        GenericResourceInner vm;
        try {
            vm = c.getResources().createOrUpdateById(vmId(rg, name), VM_API, new GenericResourceInner()
                    .withLocation(location).withTags(tags).withProperties(properties));
        } catch (RuntimeException e) {
            throw new HalfLaunched(e, cleanUpHalfCreated(c, vmId(rg, name), nicId, e));
        }
        return node(c, vm);
    }

    /**
     * Deletes what a failed VM creation left: a VM whose operation ended Failed or Canceled still exists (in
     * that provisioning state) and holds its NIC, which Azure refuses to delete while in use (NicInUse), so the
     * VM goes first, then the NIC. Returns the ids still there; their errors are suppressed in {@code failure}.
     */
    private static List<String> cleanUpHalfCreated(ResourceManagementClient c, String vmId, String nicId,
                                                   RuntimeException failure) {
        List<String> left = new ArrayList<>();
        for (String[] r : List.of(new String[] {vmId, VM_API}, new String[] {nicId, NIC_API})) {
            try {
                c.getResources().deleteById(r[0], r[1]);
            } catch (ManagementException e) {
                if (e.getResponse() == null || e.getResponse().getStatusCode() != 404) {
                    failure.addSuppressed(e);
                    left.add(r[0]);
                }
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
                left.add(r[0]);
            }
        }
        return left;
    }

    private void deleteQuietly(ResourceManagementClient c, String id, String api) {
        try {
            c.getResources().deleteById(id, api);
        } catch (RuntimeException e) {
            // NICs are deleted with their VM; this explicit delete is for older API behaviour only
            LOG.debug("site {} compute.destroy {}: explicit delete failed (the VM's deletion takes it along): {}",
                    site.id(), id, Redaction.redact(String.valueOf(e)));
        }
    }

    @Override
    public boolean destroy(String id) {
        ErrorContext ctx = ErrorContext.of(site, "compute.destroy", String.valueOf(id));
        return AzureErrors.call(ctx, () -> {
            ResourceManagementClient c = arm.resources(ctx);
            Optional<String> vmId = resolve(id, arm.resourceGroup(ctx));
            if (vmId.isEmpty()) {
                return false;
            }
            GenericResourceInner vm;
            try {
                vm = c.getResources().getById(vmId.get(), VM_API);
            } catch (ManagementException e) {
                if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                    return false;
                }
                throw e;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> props = vm.properties() instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            if (status(String.valueOf(props.get("provisioningState"))) == NodeStatus.TERMINATED) {
                return false;
            }
            c.getResources().deleteById(vmId.get(), VM_API);
            // NICs are set to be deleted with the VM; delete them explicitly too, for older API behaviour
            for (String nic : nicIds(props)) {
                deleteQuietly(c, nic, NIC_API);
            }
            return true;
        });
    }

    @Override
    public ScriptResult runScript(String id, String script, Duration timeout) {
        throw new UnsupportedCapabilityException(ErrorContext.of(site, "compute.script", String.valueOf(id)),
                "provider azure cannot run scripts on nodes (capability COMPUTE_RUN_SCRIPT)");
    }

    @Override
    public String toString() {
        return "AzureComputeService[" + site + "]";
    }
}
