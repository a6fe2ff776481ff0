package dev.cloudhop.provider.onprem;

import com.google.inject.Module;
import dev.cloudhop.api.Capability;
import dev.cloudhop.api.naming.NameKind;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.spi.CloudProvider;
import dev.cloudhop.api.spi.ConfigKey;
import dev.cloudhop.api.spi.ConfigKey.Type;
import dev.cloudhop.api.spi.SiteConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The on-premises provider, id {@code onprem}: the components a data centre really runs.
 *
 * <ul>
 *   <li>Blobs: a directory on a local disk, NFS or SAN mount (jclouds {@code filesystem}), with atomic,
 *       fsynced writes and cross-process conditional writes; or an S3-compatible store such as MinIO or
 *       Ceph ({@code blob.kind = s3}, jclouds {@code s3}).</li>
 *   <li>Queues: ActiveMQ Artemis, embedded in the process with a durable journal, or a remote broker.</li>
 *   <li>DNS: RFC 2136 dynamic updates signed with an HMAC TSIG key (BIND, Knot, PowerDNS; no GSS-TSIG, so
 *       Windows DNS only for zones taking non-secure updates);
 *       listing by zone transfer (AXFR). Zones are configured on the server, or added and deleted through
 *       BIND's control channel ({@code dns.zone-admin = rndc}).</li>
 *   <li>Compute: an inventory of existing machines (jclouds {@code byon}); launching allocates machines of
 *       the inventory to a group, destroying releases them, scripts run over SSH.</li>
 * </ul>
 *
 * <p>A site declares only the services it configures: without {@code blob.directory} (or an S3 endpoint)
 * it has no blob capability, without {@code queue.url} or {@code queue.journal-directory} no queues,
 * without {@code dns.server} no DNS, without {@code compute.inventory} no compute. Operations of a service
 * that is not configured throw {@link dev.cloudhop.api.UnsupportedCapabilityException} naming the key to set.
 * See the module's README for every key. Thread-safe, stateless.
 */
public final class OnPremProvider implements CloudProvider {

    /** The provider id. */
    public static final String ID = "onprem";

    /** Everything a fully configured site can do. User data needs a cloud-init, which an inventory lacks. */
    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.BLOB,
            Capability.BLOB_CONDITIONAL_WRITE, Capability.QUEUE, Capability.QUEUE_DEDUP, Capability.QUEUE_DELAY,
            Capability.QUEUE_DEAD_LETTER, Capability.DNS, Capability.COMPUTE, Capability.COMPUTE_LAUNCH, Capability.COMPUTE_RUN_SCRIPT));

    /**
     * {@link NamingRules#ONPREM} plus what a file system cannot hold as a file: a blob name ending in
     * {@code /} would name a directory.
     */
    static final NamingRules NAMING = NamingRules.builder(ID)
            .include(NamingRules.ONPREM)
            .rule(NameKind.BLOB, s -> !s.endsWith("/"), "on-prem blob names do not end with '/' (that names a directory)")
            .build();

    // blob
    static final String BLOB_KIND = "blob.kind";
    static final String BLOB_DIRECTORY = "blob.directory";
    static final String BLOB_FSYNC = "blob.fsync";
    static final String BLOB_ENDPOINT = "blob.endpoint";
    static final String BLOB_ACCESS_KEY = "blob.access-key";
    static final String BLOB_SECRET_KEY = "blob.secret-key";
    static final String BLOB_TIMEOUT = "blob.request-timeout";
    static final String BLOB_RETRIES = "blob.max-retries";
    // queue
    static final String QUEUE_URL = "queue.url";
    static final String QUEUE_USER = "queue.user";
    static final String QUEUE_PASSWORD = "queue.password";
    static final String QUEUE_JOURNAL = "queue.journal-directory";
    static final String QUEUE_LISTEN = "queue.listen";
    static final String QUEUE_PREFIX = "queue.address-prefix";
    static final String QUEUE_MAX_MESSAGE = "queue.max-message-size";
    static final String QUEUE_DEDUP_WINDOW = "queue.dedup-window";
    static final String QUEUE_DEDUP_CACHE = "queue.dedup-cache-size";
    static final String QUEUE_SEND_MODE = "queue.send-mode";
    // dns
    static final String DNS_SERVER = "dns.server";
    static final String DNS_TSIG_NAME = "dns.tsig.name";
    static final String DNS_TSIG_ALGORITHM = "dns.tsig.algorithm";
    static final String DNS_TSIG_SECRET = "dns.tsig.secret";
    static final String DNS_ZONES = "dns.zones";
    static final String DNS_TIMEOUT = "dns.timeout";
    static final String DNS_ZONE_ADMIN = "dns.zone-admin";
    static final String DNS_RNDC_SERVER = "dns.rndc.server";
    static final String DNS_RNDC_ALGORITHM = "dns.rndc.algorithm";
    static final String DNS_RNDC_SECRET = "dns.rndc.secret";
    static final String DNS_RNDC_ZONE_DIRECTORY = "dns.rndc.zone-directory";
    static final String DNS_RNDC_SERVER_ZONE_DIRECTORY = "dns.rndc.server-zone-directory";
    static final String DNS_RNDC_NAMESERVER = "dns.rndc.nameserver";
    // compute
    static final String COMPUTE_INVENTORY = "compute.inventory";
    static final String COMPUTE_STATE_FILE = "compute.state-file";
    static final String COMPUTE_SSH_USER = "compute.ssh.user";
    static final String COMPUTE_SSH_KEY = "compute.ssh.private-key";
    static final String COMPUTE_SSH_KNOWN_HOSTS = "compute.ssh.known-hosts";
    static final String COMPUTE_SSH_HOST_KEY_POLICY = "compute.ssh.host-key-policy";

    private static final List<ConfigKey> KEYS = List.of(
            ConfigKey.withDefault(BLOB_KIND, Type.STRING, "filesystem",
                    "blob store: 'filesystem' (blob.directory) or 's3' (an S3-compatible store at blob.endpoint)"),
            ConfigKey.optional(BLOB_DIRECTORY, Type.PATH,
                    "base directory of the filesystem blob store: containers are its sub-directories"),
            ConfigKey.withDefault(BLOB_FSYNC, Type.BOOLEAN, "true",
                    "flush each blob (and its directory) to stable storage before a put returns"),
            ConfigKey.optional(BLOB_ENDPOINT, Type.URI, "endpoint of an S3-compatible store (MinIO, Ceph RGW), "
                    + "for blob.kind = s3"),
            ConfigKey.optional(BLOB_ACCESS_KEY, Type.SECRET, "S3 access key id, for blob.kind = s3"),
            ConfigKey.optional(BLOB_SECRET_KEY, Type.SECRET, "S3 secret access key, for blob.kind = s3"),
            ConfigKey.withDefault(BLOB_TIMEOUT, Type.DURATION, "30 s", "timeout of one S3 request, for blob.kind = s3"),
            ConfigKey.withDefault(BLOB_RETRIES, Type.INT, "2", "retries of a failed S3 request, for blob.kind = s3"),
            ConfigKey.optional(QUEUE_URL, Type.URI, "a remote ActiveMQ Artemis broker, e.g. tcp://mq1:61616; "
                    + "unset for the embedded broker"),
            ConfigKey.optional(QUEUE_USER, Type.STRING, "user name for the remote broker"),
            ConfigKey.optional(QUEUE_PASSWORD, Type.SECRET, "password for the remote broker"),
            ConfigKey.optional(QUEUE_JOURNAL, Type.PATH, "durable journal directory of the embedded Artemis broker"),
            ConfigKey.optional(QUEUE_LISTEN, Type.URI, "embedded broker: also accept other processes' connections "
                    + "here, e.g. tcp://0.0.0.0:61616 (they set it as their queue.url)"),
            ConfigKey.withDefault(QUEUE_PREFIX, Type.STRING, "cloudhop.",
                    "prefix of the broker addresses of Cloudhop queues (keeps them apart on a shared broker)"),
            ConfigKey.withDefault(QUEUE_MAX_MESSAGE, Type.BYTES, "256 KiB", "largest message (body plus attributes)"),
            ConfigKey.withDefault(QUEUE_DEDUP_WINDOW, Type.DURATION, "5 minutes",
                    "how long dedup keys are meant to be remembered (see dedup-cache-size)"),
            ConfigKey.withDefault(QUEUE_DEDUP_CACHE, Type.INT, "20000",
                    "embedded broker: dedup keys remembered per queue (Artemis id-cache-size)"),
            ConfigKey.withDefault(QUEUE_SEND_MODE, Type.STRING, "durable",
                    "'durable': send returns once the broker stored the message; 'async': it returns at once "
                            + "(faster; a crash may lose the last sends)"),
            ConfigKey.optional(DNS_SERVER, Type.STRING, "the authoritative DNS server, host or host:port (port 53)"),
            ConfigKey.optional(DNS_TSIG_NAME, Type.STRING, "name of the TSIG key allowed to update the zones"),
            ConfigKey.withDefault(DNS_TSIG_ALGORITHM, Type.STRING, "hmac-sha256", "TSIG algorithm"),
            ConfigKey.optional(DNS_TSIG_SECRET, Type.SECRET, "the TSIG key's secret, base64"),
            ConfigKey.optional(DNS_ZONES, Type.STRING, "comma-separated zones on the server this site manages "
                    + "(listed by listZones)"),
            ConfigKey.withDefault(DNS_TIMEOUT, Type.DURATION, "5 s", "timeout of one DNS request"),
            ConfigKey.withDefault(DNS_ZONE_ADMIN, Type.STRING, "static",
                    "'static': zones are configured on the server; 'rndc': zones are added and deleted "
                            + "through BIND's control channel"),
            ConfigKey.optional(DNS_RNDC_SERVER, Type.STRING, "BIND control channel, host or host:port (port 953)"),
            ConfigKey.withDefault(DNS_RNDC_ALGORITHM, Type.STRING, "hmac-sha256", "control channel key algorithm"),
            ConfigKey.optional(DNS_RNDC_SECRET, Type.SECRET, "control channel key secret, base64"),
            ConfigKey.optional(DNS_RNDC_ZONE_DIRECTORY, Type.PATH,
                    "directory shared with the DNS server where new zone files are written"),
            ConfigKey.optional(DNS_RNDC_SERVER_ZONE_DIRECTORY, Type.STRING,
                    "the same directory as the DNS server sees it (default: dns.rndc.zone-directory)"),
            ConfigKey.withDefault(DNS_RNDC_NAMESERVER, Type.STRING, "localhost",
                    "the primary name server written into new zones' SOA and NS records"),
            ConfigKey.optional(COMPUTE_INVENTORY, Type.PATH, "inventory of machines (YAML, JSON or HOCON)"),
            ConfigKey.optional(COMPUTE_STATE_FILE, Type.PATH,
                    "file that keeps which machines are allocated to which group; unset: kept in memory"),
            ConfigKey.optional(COMPUTE_SSH_USER, Type.STRING, "SSH login for machines that name none"),
            ConfigKey.optional(COMPUTE_SSH_KEY, Type.SECRET,
                    "SSH private key (PEM) for machines that name none, e.g. file:/etc/cloudhop/id_rsa"),
            ConfigKey.optional(COMPUTE_SSH_KNOWN_HOSTS, Type.PATH,
                    "OpenSSH known_hosts file of the machines' trusted host keys; default ~/.ssh/known_hosts"),
            ConfigKey.withDefault(COMPUTE_SSH_HOST_KEY_POLICY, Type.STRING, "strict",
                    "'strict': connect only to machines whose host key compute.ssh.known-hosts lists; 'accept-new': "
                            + "also trust a machine it does not list yet and record its key there (a changed key is "
                            + "always refused)"));

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "on-premises: filesystem or S3-compatible blobs, ActiveMQ Artemis queues, RFC 2136 DNS with TSIG, "
                + "an SSH-managed machine inventory";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    public NamingRules namingRules() {
        return NAMING;
    }

    /**
     * The module of one site.
     *
     * @throws dev.cloudhop.api.config.ConfigException listing every inconsistency between the site's keys
     *         (for example {@code blob.kind = s3} without {@code blob.endpoint}); no I/O is done
     */
    @Override
    public Module module(SiteConfig site) {
        return new OnPremModule(OnPremSettings.from(site));
    }

    @Override
    public String toString() {
        return "OnPremProvider";
    }
}
