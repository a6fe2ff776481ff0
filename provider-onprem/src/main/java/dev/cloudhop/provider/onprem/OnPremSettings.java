package dev.cloudhop.provider.onprem;

import static dev.cloudhop.provider.onprem.OnPremProvider.*;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.config.ConfigReader;
import dev.cloudhop.api.dns.DnsNames;
import dev.cloudhop.api.spi.Secret;
import dev.cloudhop.api.spi.SiteConfig;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One site's on-prem settings, checked for consistency across keys (the loader checks each key's type).
 * A service whose keys are absent is empty: the site then lacks its capabilities.
 */
record OnPremSettings(SiteInfo site, Optional<Blob> blob, Optional<Queue> queue, Optional<Dns> dns,
                      Optional<Compute> compute) {

    enum BlobKind { FILESYSTEM, S3 }

    record Blob(BlobKind kind, Optional<Path> directory, boolean fsync, Optional<URI> endpoint,
                Optional<Secret> accessKey, Optional<Secret> secretKey, Duration timeout, int maxRetries) {
    }

    record Queue(Optional<URI> url, Optional<String> user, Optional<Secret> password, Optional<Path> journal,
                 Optional<URI> listen, String prefix, int maxMessageBytes, Duration dedupWindow, int dedupCacheSize, boolean durableSends) {
        boolean embedded() {
            return url.isEmpty();
        }
    }

    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    record Tsig(String name, String algorithm, Secret secret) {
    }

    record Dns(HostPort server, Optional<Tsig> tsig, List<String> zones, Duration timeout, Optional<Rndc> rndc) {
    }

    record Rndc(HostPort server, String algorithm, Secret secret, Path zoneDirectory, String serverZoneDirectory,
                String nameserver) {
    }

    /**
     * @param knownHosts    the OpenSSH known_hosts file of trusted host keys
     * @param hostKeyPolicy what to do with a machine the file does not list
     */
    record Compute(Path inventory, Optional<Path> stateFile, Optional<String> sshUser, Optional<Secret> sshKey,
                   Path knownHosts, HostKeyPolicy hostKeyPolicy) {
    }

    /** Which SSH host keys are trusted besides those {@code compute.ssh.known-hosts} lists. */
    enum HostKeyPolicy {
        /** None: a machine the file does not list is refused. */
        STRICT,
        /** A machine the file does not list yet is trusted, and its key appended to the file; changed keys are refused. */
        ACCEPT_NEW
    }

    static final List<String> HMAC_ALGORITHMS = List.of("hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256",
            "hmac-sha384", "hmac-sha512");

    /** What this site can do: the provider's capabilities of the services it configures. */
    Set<Capability> capabilities() {
        EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
        blob.ifPresent(b -> {
            caps.add(Capability.BLOB);
            if (b.kind() == BlobKind.FILESYSTEM) {
                caps.add(Capability.BLOB_CONDITIONAL_WRITE);
            }
        });
        queue.ifPresent(q -> caps.addAll(List.of(Capability.QUEUE, Capability.QUEUE_DEDUP, Capability.QUEUE_DELAY,
                Capability.QUEUE_DEAD_LETTER)));
        dns.ifPresent(d -> caps.add(Capability.DNS));
        compute.ifPresent(c -> caps.addAll(List.of(Capability.COMPUTE, Capability.COMPUTE_LAUNCH,
                Capability.COMPUTE_RUN_SCRIPT)));
        caps.retainAll(OnPremProvider.CAPABILITIES);
        return Set.copyOf(caps);
    }

    /**
     * Reads and cross-checks a site's keys.
     *
     * @throws ConfigException naming every inconsistent key at once
     */
    static OnPremSettings from(SiteConfig config) {
        return ConfigProblem.orThrow(validate(config));
    }

    /** Reads and cross-checks a site's keys, returning every inconsistency instead of throwing. */
    static Validation<Seq<ConfigProblem>, OnPremSettings> validate(SiteConfig config) {
        return ConfigProblem.flatten(Validation.combine(blob(config), queue(config), dns(config),
                        compute(config))
                .ap((blob, queue, dns, compute) -> new OnPremSettings(config.info(), blob, queue, dns, compute)));
    }

    /** {@code value} once every check passed, else the problems of all of them. */
    private static <T> Validation<Seq<ConfigProblem>, T> after(List<Validation<Seq<ConfigProblem>, Void>> checks, T value) {
        return ConfigProblem.all(checks).map(ignored -> value);
    }

    /** Adds {@code result} to the checks; its value, if it has one. */
    private static <T> Optional<T> keep(List<Validation<Seq<ConfigProblem>, Void>> checks,
                                        Validation<Seq<ConfigProblem>, T> result) {
        checks.add(result.map(ignored -> null));
        return result.isValid() ? Optional.of(result.get()) : Optional.empty();
    }

    private static Validation<Seq<ConfigProblem>, Optional<Blob>> blob(SiteConfig c) {
        List<Validation<Seq<ConfigProblem>, Void>> checks = new ArrayList<>();
        String kindText = c.string(BLOB_KIND).orElse("filesystem").trim().toLowerCase(Locale.ROOT);
        BlobKind kind;
        switch (kindText) {
            case "filesystem" -> kind = BlobKind.FILESYSTEM;
            case "s3" -> kind = BlobKind.S3;
            default -> {
                checks.add(c.invalid(BLOB_KIND, "must be 'filesystem' or 's3', was '" + kindText + "'"));
                return after(checks, Optional.empty());
            }
        }
        Optional<Path> directory = c.path(BLOB_DIRECTORY);
        Optional<URI> endpoint = c.uri(BLOB_ENDPOINT);
        Optional<Secret> access = c.secret(BLOB_ACCESS_KEY);
        Optional<Secret> secret = c.secret(BLOB_SECRET_KEY);
        boolean fsync = c.bool(BLOB_FSYNC).orElse(true);
        Duration timeout = c.duration(BLOB_TIMEOUT).orElse(Duration.ofSeconds(30));
        int retries = c.integer(BLOB_RETRIES).orElse(2);
        if (timeout.isNegative() || timeout.isZero()) {
            checks.add(c.invalid(BLOB_TIMEOUT, "must be positive, was " + timeout));
        }
        if (retries < 0) {
            checks.add(c.invalid(BLOB_RETRIES, "must not be negative, was " + retries));
        }
        if (kind == BlobKind.FILESYSTEM) {
            if (endpoint.isPresent()) {
                checks.add(c.invalid(BLOB_ENDPOINT, "is only used with blob.kind = s3 (blob.kind is filesystem)"));
            }
            if (access.isPresent() || secret.isPresent()) {
                checks.add(c.invalid(access.isPresent() ? BLOB_ACCESS_KEY : BLOB_SECRET_KEY,
                        "is only used with blob.kind = s3 (blob.kind is filesystem)"));
            }
            if (directory.isEmpty()) {
                return after(checks, Optional.empty());
            }
            if (!directory.get().isAbsolute()) {
                checks.add(c.invalid(BLOB_DIRECTORY, "must be an absolute path, was '" + directory.get() + "'"));
            }
            return after(checks, Optional.of(new Blob(kind, directory.map(Path::normalize), fsync, Optional.empty(), Optional.empty(),
                    Optional.empty(), timeout, retries)));
        }
        if (directory.isPresent()) {
            checks.add(c.invalid(BLOB_DIRECTORY, "is only used with blob.kind = filesystem (blob.kind is s3)"));
        }
        if (endpoint.isEmpty()) {
            checks.add(c.invalid(BLOB_ENDPOINT, "missing; blob.kind = s3 needs the store's endpoint, e.g. http://minio:9000"));
        }
        if (access.isEmpty()) {
            checks.add(c.invalid(BLOB_ACCESS_KEY, "missing; blob.kind = s3 needs an access key id"));
        }
        if (secret.isEmpty()) {
            checks.add(c.invalid(BLOB_SECRET_KEY, "missing; blob.kind = s3 needs a secret access key"));
        }
        return after(checks, Optional.of(new Blob(kind, Optional.empty(), fsync, endpoint, access, secret, timeout, retries)));
    }

    private static Validation<Seq<ConfigProblem>, Optional<Queue>> queue(SiteConfig c) {
        List<Validation<Seq<ConfigProblem>, Void>> checks = new ArrayList<>();
        Optional<URI> url = c.uri(QUEUE_URL);
        Optional<Path> journal = c.path(QUEUE_JOURNAL);
        Optional<String> user = c.string(QUEUE_USER);
        Optional<Secret> password = c.secret(QUEUE_PASSWORD);
        Optional<URI> listen = c.uri(QUEUE_LISTEN);
        if (listen.isPresent() && journal.isEmpty()) {
            checks.add(c.invalid(QUEUE_LISTEN, "is only used with the embedded broker (queue.journal-directory)"));
        }
        listen.ifPresent(u -> {
            if (!"tcp".equalsIgnoreCase(u.getScheme()) || u.getPort() < 0) {
                checks.add(c.invalid(QUEUE_LISTEN, "must be tcp://host:port, was '" + u + "'"));
            }
        });
        if (url.isPresent() && journal.isPresent()) {
            checks.add(c.invalid(QUEUE_JOURNAL, "cannot be combined with queue.url: set queue.url for a remote broker or "
                    + "queue.journal-directory for the embedded one"));
        }
        if (url.isEmpty() && (user.isPresent() || password.isPresent())) {
            checks.add(c.invalid(user.isPresent() ? QUEUE_USER : QUEUE_PASSWORD,
                    "is only used with a remote broker (queue.url)"));
        }
        url.ifPresent(u -> {
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!List.of("tcp", "ssl").contains(scheme) || u.getPort() < 0) {
                checks.add(c.invalid(QUEUE_URL, "must be tcp://host:port (or ssl://host:port) of an Artemis acceptor, was '"
                        + u + "'"));
            }
        });
        journal.ifPresent(j -> {
            if (!j.isAbsolute()) {
                checks.add(c.invalid(QUEUE_JOURNAL, "must be an absolute path, was '" + j + "'"));
            }
        });
        String mode = c.string(QUEUE_SEND_MODE).orElse("durable").trim().toLowerCase(Locale.ROOT);
        if (!List.of("durable", "async").contains(mode)) {
            checks.add(c.invalid(QUEUE_SEND_MODE, "must be 'durable' or 'async', was '" + mode + "'"));
        }
        long maxBytes = c.bytes(QUEUE_MAX_MESSAGE).orElse(256L * 1024);
        if (maxBytes < 1 || maxBytes > 8L << 20) {
            checks.add(c.invalid(QUEUE_MAX_MESSAGE, "must be between 1 byte and 8 MiB, was " + maxBytes + " bytes"));
        }
        int cache = c.integer(QUEUE_DEDUP_CACHE).orElse(20_000);
        if (cache < 1) {
            checks.add(c.invalid(QUEUE_DEDUP_CACHE, "must be at least 1, was " + cache));
        }
        Duration window = c.duration(QUEUE_DEDUP_WINDOW).orElse(Duration.ofMinutes(5));
        if (window.isNegative() || window.isZero()) {
            checks.add(c.invalid(QUEUE_DEDUP_WINDOW, "must be positive, was " + window));
        }
        String prefix = c.string(QUEUE_PREFIX).orElse("cloudhop.");
        if (!prefix.matches("[A-Za-z0-9._-]*")) {
            checks.add(c.invalid(QUEUE_PREFIX, "may hold only letters, digits, '.', '-' and '_', was '" + prefix + "'"));
        }
        if (url.isEmpty() && journal.isEmpty()) {
            return after(checks, Optional.empty());
        }
        return after(checks, Optional.of(new Queue(url, user, password, journal.map(Path::normalize), listen, prefix,
                (int) Math.max(1, Math.min(maxBytes, Integer.MAX_VALUE)), window, cache, !"async".equals(mode))));
    }

    private static Validation<Seq<ConfigProblem>, Optional<Dns>> dns(SiteConfig c) {
        List<Validation<Seq<ConfigProblem>, Void>> checks = new ArrayList<>();
        Optional<String> serverText = c.string(DNS_SERVER);
        String admin = c.string(DNS_ZONE_ADMIN).orElse("static").trim().toLowerCase(Locale.ROOT);
        if (!List.of("static", "rndc").contains(admin)) {
            checks.add(c.invalid(DNS_ZONE_ADMIN, "must be 'static' or 'rndc', was '" + admin + "'"));
        }
        Optional<String> tsigName = c.string(DNS_TSIG_NAME);
        Optional<Secret> tsigSecret = c.secret(DNS_TSIG_SECRET);
        String tsigAlgorithm = c.string(DNS_TSIG_ALGORITHM).orElse("hmac-sha256").trim().toLowerCase(Locale.ROOT);
        if (!HMAC_ALGORITHMS.contains(tsigAlgorithm)) {
            checks.add(c.invalid(DNS_TSIG_ALGORITHM, "must be one of " + HMAC_ALGORITHMS + ", was '" + tsigAlgorithm + "'"));
        }
        if (tsigName.isPresent() != tsigSecret.isPresent()) {
            checks.add(c.invalid(tsigName.isPresent() ? DNS_TSIG_SECRET : DNS_TSIG_NAME,
                    "missing; a TSIG key needs both dns.tsig.name and dns.tsig.secret"));
        }
        tsigSecret.ifPresent(s -> {
            if (!isBase64(s.reveal())) {
                checks.add(c.invalid(DNS_TSIG_SECRET, "is not base64 (as in named.conf's key statement); " + s));
            }
        });
        List<String> zones = new ArrayList<>();
        c.string(DNS_ZONES).ifPresent(text -> Arrays.stream(text.split("[,\\s]+")).filter(z -> !z.isBlank()).forEach(z -> {
            try {
                zones.add(DnsNames.normalize(z));
            } catch (IllegalArgumentException e) {
                checks.add(c.invalid(DNS_ZONES, e.getMessage()));
            }
        }));
        Optional<HostPort> server = serverText.flatMap(s -> keep(checks, hostPort(c, s, 53, DNS_SERVER)));
        boolean rndcKeys = c.string(DNS_RNDC_SERVER).isPresent() || c.secret(DNS_RNDC_SECRET).isPresent()
                || c.path(DNS_RNDC_ZONE_DIRECTORY).isPresent();
        Optional<Rndc> rndc = Optional.empty();
        if ("rndc".equals(admin)) {
            rndc = keep(checks, rndc(c)).flatMap(r -> r);
        } else if (rndcKeys) {
            checks.add(c.invalid(DNS_ZONE_ADMIN, "is 'static' but dns.rndc.* keys are set; set dns.zone-admin = rndc to use them"));
        }
        if (serverText.isEmpty()) {
            if (tsigName.isPresent() || !zones.isEmpty() || "rndc".equals(admin)) {
                checks.add(c.invalid(DNS_SERVER, "missing; the other dns.* keys need the DNS server's address"));
            }
            return after(checks, Optional.empty());
        }
        if (server.isEmpty()) {
            return after(checks, Optional.empty());
        }
        if (rndc.isPresent() && tsigName.isEmpty()) {
            checks.add(c.invalid(DNS_TSIG_NAME, "missing; zones added with dns.zone-admin = rndc allow updates by a TSIG key"));
        }
        Optional<Tsig> tsig = tsigName.isPresent() && tsigSecret.isPresent()
                ? Optional.of(new Tsig(tsigName.get(), tsigAlgorithm, tsigSecret.get())) : Optional.empty();
        Duration timeout = c.duration(DNS_TIMEOUT).orElse(Duration.ofSeconds(5));
        if (timeout.isNegative() || timeout.isZero()) {
            checks.add(c.invalid(DNS_TIMEOUT, "must be positive, was " + timeout));
        }
        return after(checks, Optional.of(new Dns(server.get(), tsig, List.copyOf(zones), timeout, rndc)));
    }

    private static Validation<Seq<ConfigProblem>, Optional<Rndc>> rndc(SiteConfig c) {
        List<Validation<Seq<ConfigProblem>, Void>> checks = new ArrayList<>();
        Optional<HostPort> server = c.string(DNS_RNDC_SERVER).flatMap(s -> keep(checks, hostPort(c, s, 953, DNS_RNDC_SERVER)));
        Optional<Secret> secret = c.secret(DNS_RNDC_SECRET);
        Optional<Path> directory = c.path(DNS_RNDC_ZONE_DIRECTORY);
        String algorithm = c.string(DNS_RNDC_ALGORITHM).orElse("hmac-sha256").trim().toLowerCase(Locale.ROOT);
        if (!HMAC_ALGORITHMS.contains(algorithm)) {
            checks.add(c.invalid(DNS_RNDC_ALGORITHM, "must be one of " + HMAC_ALGORITHMS + ", was '" + algorithm + "'"));
        }
        if (c.string(DNS_RNDC_SERVER).isEmpty()) {
            checks.add(c.invalid(DNS_RNDC_SERVER, "missing; dns.zone-admin = rndc needs BIND's control channel address"));
        }
        if (secret.isEmpty()) {
            checks.add(c.invalid(DNS_RNDC_SECRET, "missing; dns.zone-admin = rndc needs the control channel key"));
        } else if (!isBase64(secret.get().reveal())) {
            checks.add(c.invalid(DNS_RNDC_SECRET, "is not base64 (as in rndc.key); " + secret.get()));
        }
        if (directory.isEmpty()) {
            checks.add(c.invalid(DNS_RNDC_ZONE_DIRECTORY, "missing; dns.zone-admin = rndc needs a directory shared with the "
                    + "DNS server to write new zone files into"));
        } else if (!directory.get().isAbsolute()) {
            checks.add(c.invalid(DNS_RNDC_ZONE_DIRECTORY, "must be an absolute path, was '" + directory.get() + "'"));
        }
        String nameserver = c.string(DNS_RNDC_NAMESERVER).orElse("localhost");
        try {
            nameserver = DnsNames.normalize(nameserver);
        } catch (IllegalArgumentException e) {
            checks.add(c.invalid(DNS_RNDC_NAMESERVER, e.getMessage()));
        }
        if (server.isEmpty() || secret.isEmpty() || directory.isEmpty()) {
            return after(checks, Optional.empty());
        }
        String serverDirectory = c.string(DNS_RNDC_SERVER_ZONE_DIRECTORY).orElse(directory.get().toString());
        return after(checks, Optional.of(new Rndc(server.get(), algorithm, secret.get(), directory.get().normalize(), serverDirectory,
                nameserver)));
    }

    private static Validation<Seq<ConfigProblem>, Optional<Compute>> compute(SiteConfig c) {
        List<Validation<Seq<ConfigProblem>, Void>> checks = new ArrayList<>();
        String policyText = c.string(COMPUTE_SSH_HOST_KEY_POLICY).orElse("strict").trim().toLowerCase(Locale.ROOT);
        Optional<HostKeyPolicy> policy = Arrays.stream(HostKeyPolicy.values())
                .filter(p -> ConfigReader.spelling(p).equals(policyText)).findFirst();
        if (policy.isEmpty()) {
            checks.add(c.invalid(COMPUTE_SSH_HOST_KEY_POLICY, "must be one of " + ConfigReader.allowed(HostKeyPolicy.class)
                    + ", was '" + policyText + "'"));
        }
        Optional<Path> knownHosts = c.path(COMPUTE_SSH_KNOWN_HOSTS).map(OnPremSettings::expandHome);
        knownHosts.ifPresent(file -> {
            if (!file.isAbsolute()) {
                checks.add(c.invalid(COMPUTE_SSH_KNOWN_HOSTS, "must be an absolute path (or start with ~/), was '" + file + "'"));
            }
        });
        Optional<Path> inventory = c.path(COMPUTE_INVENTORY);
        if (inventory.isEmpty()) {
            if (knownHosts.isPresent()) {
                checks.add(c.invalid(COMPUTE_SSH_KNOWN_HOSTS, "is only used with compute.inventory"));
            }
            return after(checks, Optional.empty());
        }
        return after(checks, Optional.of(new Compute(inventory.get(), c.path(COMPUTE_STATE_FILE), c.string(COMPUTE_SSH_USER),
                c.secret(COMPUTE_SSH_KEY), knownHosts.orElseGet(() -> expandHome(Path.of("~/.ssh/known_hosts"))).normalize(),
                policy.orElse(HostKeyPolicy.STRICT))));
    }

    /** {@code ~/x} as {@code x} in the user's home directory, as OpenSSH reads it; other paths unchanged. */
    private static Path expandHome(Path path) {
        String text = path.toString();
        return text.equals("~") || text.startsWith("~/")
                ? Path.of(System.getProperty("user.home")).resolve(text.substring(Math.min(2, text.length())))
                : path;
    }

    /** {@code host}, {@code host:port}, {@code [v6]:port} or a bare IPv6 address. */
    static Validation<Seq<ConfigProblem>, HostPort> hostPort(SiteConfig c, String text, int defaultPort, String key) {
        String t = text.trim();
        String host;
        int port = defaultPort;
        try {
            if (t.startsWith("[")) {
                int end = t.indexOf(']');
                host = t.substring(1, end);
                if (end + 1 < t.length()) {
                    port = Integer.parseInt(t.substring(t.indexOf(':', end) + 1));
                }
            } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
                host = t.substring(0, t.indexOf(':'));
                port = Integer.parseInt(t.substring(t.indexOf(':') + 1));
            } else {
                host = t;
            }
        } catch (RuntimeException e) {
            return c.invalid(key, "must be host or host:port, was '" + text + "'");
        }
        return c.check(!host.isBlank() && port >= 1 && port <= 65535, new HostPort(host, port), key,
                "must be host or host:port with a port from 1 to 65535, was '" + text + "'");
    }

    private static boolean isBase64(String text) {
        try {
            return java.util.Base64.getDecoder().decode(text.trim()).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
