package dev.cloudhop.provider.azure;

import dev.cloudhop.api.spi.ConfigKey;
import dev.cloudhop.api.spi.ConfigKey.Type;
import java.util.List;

/** The configuration keys of an Azure site, relative to the site's section. */
final class AzureKeys {

    private AzureKeys() {
    }

    /** The storage account name. */
    public static final String ACCOUNT = "storage.account";
    /** The storage account key (a secret reference). */
    public static final String ACCOUNT_KEY = "storage.key";
    /** An account shared access signature, instead of the key (a secret reference). */
    public static final String SAS = "storage.sas";
    /** The Blob service endpoint; default {@code https://<account>.blob.core.windows.net}. */
    public static final String BLOB_ENDPOINT = "storage.blob-endpoint";
    /** The Queue service endpoint; default {@code https://<account>.queue.core.windows.net}. */
    public static final String QUEUE_ENDPOINT = "storage.queue-endpoint";
    /** Uploads longer than this use Put Block / Put Block List. */
    public static final String MULTIPART_THRESHOLD = "blob.multipart-threshold";
    /** How long a queue dedup key is remembered. */
    public static final String DEDUP_WINDOW = "queue.dedup-window";
    /** The container holding queue dedup markers. */
    public static final String DEDUP_CONTAINER = "queue.dedup-container";
    /** The subscription id for Resource Manager (DNS, Traffic Manager, compute). */
    public static final String SUBSCRIPTION = "arm.subscription-id";
    /** The Microsoft Entra tenant of the service principal. */
    public static final String TENANT = "arm.tenant-id";
    /** The service principal's application (client) id. */
    public static final String CLIENT_ID = "arm.client-id";
    /** The service principal's client secret (a secret reference). */
    public static final String CLIENT_SECRET = "arm.client-secret";
    /** The resource group holding the site's DNS zones, Traffic Manager profiles and virtual machines. */
    public static final String RESOURCE_GROUP = "arm.resource-group";
    /** The Resource Manager endpoint; default {@code https://management.azure.com/}. */
    public static final String ARM_ENDPOINT = "arm.endpoint";
    /** The Microsoft Entra authority host; default {@code https://login.microsoftonline.com/}. */
    public static final String AUTHORITY_HOST = "arm.authority-host";
    /** A PEM file of extra CA certificates trusted for Resource Manager and Entra (Azure Stack, proxies, tests). */
    public static final String TRUSTED_CERTIFICATES = "arm.trusted-certificates";
    /** The resource id of the subnet new virtual machines are attached to. */
    public static final String SUBNET_ID = "compute.subnet-id";
    /** The administrator user name of new virtual machines. */
    public static final String ADMIN_USER = "compute.admin-user";
    /** The SSH public key installed for the administrator of new virtual machines. */
    public static final String SSH_PUBLIC_KEY = "compute.ssh-public-key";
    /** The timeout of one request. */
    public static final String TIMEOUT = "timeout";
    /** How often a failed request is retried. */
    public static final String RETRIES = "retries";

    /** Every key, as declared by {@link AzureProvider#configKeys()}. */
    public static final List<ConfigKey> ALL = List.of(
            ConfigKey.required(ACCOUNT, Type.STRING, "storage account name (devstoreaccount1 for Azurite)"),
            ConfigKey.optional(ACCOUNT_KEY, Type.SECRET, "storage account key; this or storage.sas is needed for blobs and queues"),
            ConfigKey.optional(SAS, Type.SECRET, "account shared access signature (sv=...&sig=...), instead of the key"),
            ConfigKey.optional(BLOB_ENDPOINT, Type.URI,
                    "Blob service endpoint, e.g. http://127.0.0.1:10000/devstoreaccount1 for Azurite; default https://<account>.blob.core.windows.net"),
            ConfigKey.optional(QUEUE_ENDPOINT, Type.URI,
                    "Queue service endpoint, e.g. http://127.0.0.1:10001/devstoreaccount1 for Azurite; default https://<account>.queue.core.windows.net"),
            ConfigKey.withDefault(MULTIPART_THRESHOLD, Type.BYTES, "32 MiB", "uploads longer than this use Put Block / Put Block List"),
            ConfigKey.withDefault(DEDUP_WINDOW, Type.DURATION, "10 minutes", "how long a queue dedup key is remembered"),
            ConfigKey.withDefault(DEDUP_CONTAINER, Type.STRING, "cloudhop-dedup", "blob container of the queue dedup markers"),
            ConfigKey.optional(SUBSCRIPTION, Type.STRING, "Azure subscription id, for DNS, Traffic Manager and compute"),
            ConfigKey.optional(TENANT, Type.STRING, "Microsoft Entra tenant id of the service principal"),
            ConfigKey.optional(CLIENT_ID, Type.STRING, "application (client) id of the service principal"),
            ConfigKey.optional(CLIENT_SECRET, Type.SECRET, "client secret of the service principal"),
            ConfigKey.optional(RESOURCE_GROUP, Type.STRING, "resource group of the site's DNS zones, Traffic Manager profiles and VMs"),
            ConfigKey.withDefault(ARM_ENDPOINT, Type.URI, "https://management.azure.com/", "Azure Resource Manager endpoint"),
            ConfigKey.withDefault(AUTHORITY_HOST, Type.URI, "https://login.microsoftonline.com/", "Microsoft Entra authority host"),
            ConfigKey.optional(TRUSTED_CERTIFICATES, Type.PATH,
                    "PEM file of extra CA certificates to trust for Resource Manager and Entra ID (Azure Stack Hub, TLS proxies)"),
            ConfigKey.optional(SUBNET_ID, Type.STRING, "resource id of the subnet new virtual machines join (needed to launch)"),
            ConfigKey.withDefault(ADMIN_USER, Type.STRING, "cloudhop", "administrator user of new virtual machines"),
            ConfigKey.optional(SSH_PUBLIC_KEY, Type.STRING, "SSH public key of the administrator of new virtual machines (needed to launch)"),
            ConfigKey.withDefault(TIMEOUT, Type.DURATION, "30 s", "timeout of one request"),
            ConfigKey.withDefault(RETRIES, Type.INT, "3", "retries of a failed request (throttling, 5xx, connection errors)"));
}
