package dev.cloudhop.provider.azure;

import com.google.inject.Module;
import dev.cloudhop.api.Capability;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.spi.CloudProvider;
import dev.cloudhop.api.spi.ConfigKey;
import dev.cloudhop.api.spi.SiteConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The Azure provider, id {@code azure}: Blob Storage through jclouds {@code azureblob} (with Cloudhop's
 * SharedKey signer and listing fixes), Storage Queues through the Azure SDK, Azure DNS and Traffic
 * Manager through the Azure Resource Manager SDK, and virtual machines through the Azure Resource
 * Manager compute API.
 *
 * <p>Config keys, all below the site (see {@link AzureKeys} for the full list and defaults): the storage
 * account ({@code storage.account}) with its key ({@code storage.key}) or an account SAS
 * ({@code storage.sas}), optional endpoints for emulators such as Azurite, and for Resource Manager a
 * service principal ({@code arm.tenant-id}, {@code arm.client-id}, {@code arm.client-secret}), the
 * subscription and the resource group. Secrets are references ({@code env:}, {@code file:},
 * {@code literal:}) and never appear in messages.
 *
 * <p>Capabilities: blobs with atomic conditional writes (Azure access conditions), queues with
 * de-duplication (a create-only marker blob per key, see the module README) and delayed delivery
 * (initial visibility), DNS, and compute with launching and user data (custom data). Running scripts is
 * not supported.
 */
public final class AzureProvider implements CloudProvider {

    /** The provider id. */
    public static final String ID = "azure";

    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.BLOB,
            Capability.BLOB_CONDITIONAL_WRITE, Capability.QUEUE, Capability.QUEUE_DEDUP, Capability.QUEUE_DELAY,
            Capability.QUEUE_DEAD_LETTER,
            Capability.DNS, Capability.COMPUTE, Capability.COMPUTE_LAUNCH, Capability.COMPUTE_USER_DATA));

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Microsoft Azure: Blob Storage, Storage Queues, Azure DNS, Traffic Manager and virtual machines";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<ConfigKey> configKeys() {
        return AzureKeys.ALL;
    }

    @Override
    public NamingRules namingRules() {
        return NamingRules.AZURE;
    }

    @Override
    public Module module(SiteConfig site) {
        return new AzureModule(AzureSettings.from(site));
    }

    @Override
    public String toString() {
        return "AzureProvider";
    }
}
