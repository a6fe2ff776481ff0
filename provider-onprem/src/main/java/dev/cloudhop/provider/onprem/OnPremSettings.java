package dev.cloudhop.provider.onprem;

import static dev.cloudhop.provider.onprem.OnPremProvider.*;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.api.dns.DnsNames;
import dev.cloudhop.api.spi.Secret;
import dev.cloudhop.api.spi.SiteConfig;
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

    record Compute(Path inventory, Optional<Path> stateFile, Optional<String> sshUser, Optional<Secret> sshKey) {
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
        queue.ifPresent(q -> caps.addAll(List.of(Capability.QUEUE, Capability.QUEUE_DEDUP, Capability.QUEUE_DELAY)));
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
        Problems problems = new Problems(config);
        Optional<Blob> blob = blob(config, problems);
        Optional<Queue> queue = queue(config, problems);
        Optional<Dns> dns = dns(config, problems);
        Optional<Compute> compute = compute(config);
        problems.throwIfAny();
        return new OnPremSettings(config.info(), blob, queue, dns, compute);
    }

    private static Optional<Blob> blob(SiteConfig c, Problems problems) {
        String kindText = c.string(BLOB_KIND).orElse("filesystem").trim().toLowerCase(Locale.ROOT);
        BlobKind kind;
        switch (kindText) {
            case "filesystem" -> kind = BlobKind.FILESYSTEM;
            case "s3" -> kind = BlobKind.S3;
            default -> {
                problems.add(BLOB_KIND, "must be 'filesystem' or 's3', was '" + kindText + "'");
                return Optional.empty();
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
            problems.add(BLOB_TIMEOUT, "must be positive, was " + timeout);
        }
        if (retries < 0) {
            problems.add(BLOB_RETRIES, "must not be negative, was " + retries);
        }
        if (kind == BlobKind.FILESYSTEM) {
            if (endpoint.isPresent()) {
                problems.add(BLOB_ENDPOINT, "is only used with blob.kind = s3 (blob.kind is filesystem)");
            }
            if (access.isPresent() || secret.isPresent()) {
                problems.add(access.isPresent() ? BLOB_ACCESS_KEY : BLOB_SECRET_KEY,
                        "is only used with blob.kind = s3 (blob.kind is filesystem)");
            }
            if (directory.isEmpty()) {
                return Optional.empty();
            }
            if (!directory.get().isAbsolute()) {
                problems.add(BLOB_DIRECTORY, "must be an absolute path, was '" + directory.get() + "'");
            }
            return Optional.of(new Blob(kind, directory.map(Path::normalize), fsync, Optional.empty(), Optional.empty(),
                    Optional.empty(), timeout, retries));
        }
        if (directory.isPresent()) {
            problems.add(BLOB_DIRECTORY, "is only used with blob.kind = filesystem (blob.kind is s3)");
        }
        if (endpoint.isEmpty()) {
            problems.add(BLOB_ENDPOINT, "missing; blob.kind = s3 needs the store's endpoint, e.g. http://minio:9000");
        }
        if (access.isEmpty()) {
            problems.add(BLOB_ACCESS_KEY, "missing; blob.kind = s3 needs an access key id");
        }
        if (secret.isEmpty()) {
            problems.add(BLOB_SECRET_KEY, "missing; blob.kind = s3 needs a secret access key");
        }
        return Optional.of(new Blob(kind, Optional.empty(), fsync, endpoint, access, secret, timeout, retries));
    }

    private static Optional<Queue> queue(SiteConfig c, Problems problems) {
        Optional<URI> url = c.uri(QUEUE_URL);
        Optional<Path> journal = c.path(QUEUE_JOURNAL);
        Optional<String> user = c.string(QUEUE_USER);
        Optional<Secret> password = c.secret(QUEUE_PASSWORD);
        Optional<URI> listen = c.uri(QUEUE_LISTEN);
        if (listen.isPresent() && journal.isEmpty()) {
            problems.add(QUEUE_LISTEN, "is only used with the embedded broker (queue.journal-directory)");
        }
        listen.ifPresent(u -> {
            if (!"tcp".equalsIgnoreCase(u.getScheme()) || u.getPort() < 0) {
                problems.add(QUEUE_LISTEN, "must be tcp://host:port, was '" + u + "'");
            }
        });
        if (url.isPresent() && journal.isPresent()) {
            problems.add(QUEUE_JOURNAL, "cannot be combined with queue.url: set queue.url for a remote broker or "
                    + "queue.journal-directory for the embedded one");
        }
        if (url.isEmpty() && (user.isPresent() || password.isPresent())) {
            problems.add(user.isPresent() ? QUEUE_USER : QUEUE_PASSWORD,
                    "is only used with a remote broker (queue.url)");
        }
        url.ifPresent(u -> {
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!List.of("tcp", "ssl").contains(scheme) || u.getPort() < 0) {
                problems.add(QUEUE_URL, "must be tcp://host:port (or ssl://host:port) of an Artemis acceptor, was '"
                        + u + "'");
            }
        });
        journal.ifPresent(j -> {
            if (!j.isAbsolute()) {
                problems.add(QUEUE_JOURNAL, "must be an absolute path, was '" + j + "'");
            }
        });
        String mode = c.string(QUEUE_SEND_MODE).orElse("durable").trim().toLowerCase(Locale.ROOT);
        if (!List.of("durable", "async").contains(mode)) {
            problems.add(QUEUE_SEND_MODE, "must be 'durable' or 'async', was '" + mode + "'");
        }
        long maxBytes = c.bytes(QUEUE_MAX_MESSAGE).orElse(256L * 1024);
        if (maxBytes < 1 || maxBytes > 8L << 20) {
            problems.add(QUEUE_MAX_MESSAGE, "must be between 1 byte and 8 MiB, was " + maxBytes + " bytes");
        }
        int cache = c.integer(QUEUE_DEDUP_CACHE).orElse(20_000);
        if (cache < 1) {
            problems.add(QUEUE_DEDUP_CACHE, "must be at least 1, was " + cache);
        }
        Duration window = c.duration(QUEUE_DEDUP_WINDOW).orElse(Duration.ofMinutes(5));
        if (window.isNegative() || window.isZero()) {
            problems.add(QUEUE_DEDUP_WINDOW, "must be positive, was " + window);
        }
        String prefix = c.string(QUEUE_PREFIX).orElse("cloudhop.");
        if (!prefix.matches("[A-Za-z0-9._-]*")) {
            problems.add(QUEUE_PREFIX, "may hold only letters, digits, '.', '-' and '_', was '" + prefix + "'");
        }
        if (url.isEmpty() && journal.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Queue(url, user, password, journal.map(Path::normalize), listen, prefix,
                (int) Math.max(1, Math.min(maxBytes, Integer.MAX_VALUE)), window, cache, !"async".equals(mode)));
    }

    private static Optional<Dns> dns(SiteConfig c, Problems problems) {
        Optional<String> serverText = c.string(DNS_SERVER);
        String admin = c.string(DNS_ZONE_ADMIN).orElse("static").trim().toLowerCase(Locale.ROOT);
        if (!List.of("static", "rndc").contains(admin)) {
            problems.add(DNS_ZONE_ADMIN, "must be 'static' or 'rndc', was '" + admin + "'");
        }
        Optional<String> tsigName = c.string(DNS_TSIG_NAME);
        Optional<Secret> tsigSecret = c.secret(DNS_TSIG_SECRET);
        String tsigAlgorithm = c.string(DNS_TSIG_ALGORITHM).orElse("hmac-sha256").trim().toLowerCase(Locale.ROOT);
        if (!HMAC_ALGORITHMS.contains(tsigAlgorithm)) {
            problems.add(DNS_TSIG_ALGORITHM, "must be one of " + HMAC_ALGORITHMS + ", was '" + tsigAlgorithm + "'");
        }
        if (tsigName.isPresent() != tsigSecret.isPresent()) {
            problems.add(tsigName.isPresent() ? DNS_TSIG_SECRET : DNS_TSIG_NAME,
                    "missing; a TSIG key needs both dns.tsig.name and dns.tsig.secret");
        }
        tsigSecret.ifPresent(s -> {
            if (!isBase64(s.reveal())) {
                problems.add(DNS_TSIG_SECRET, "is not base64 (as in named.conf's key statement); " + s);
            }
        });
        List<String> zones = new ArrayList<>();
        c.string(DNS_ZONES).ifPresent(text -> Arrays.stream(text.split("[,\\s]+")).filter(z -> !z.isBlank()).forEach(z -> {
            try {
                zones.add(DnsNames.normalize(z));
            } catch (IllegalArgumentException e) {
                problems.add(DNS_ZONES, e.getMessage());
            }
        }));
        Optional<HostPort> server = serverText.flatMap(s -> hostPort(s, 53, DNS_SERVER, problems));
        boolean rndcKeys = c.string(DNS_RNDC_SERVER).isPresent() || c.secret(DNS_RNDC_SECRET).isPresent()
                || c.path(DNS_RNDC_ZONE_DIRECTORY).isPresent();
        Optional<Rndc> rndc = Optional.empty();
        if ("rndc".equals(admin)) {
            rndc = rndc(c, problems);
        } else if (rndcKeys) {
            problems.add(DNS_ZONE_ADMIN, "is 'static' but dns.rndc.* keys are set; set dns.zone-admin = rndc to use them");
        }
        if (serverText.isEmpty()) {
            if (tsigName.isPresent() || !zones.isEmpty() || "rndc".equals(admin)) {
                problems.add(DNS_SERVER, "missing; the other dns.* keys need the DNS server's address");
            }
            return Optional.empty();
        }
        if (server.isEmpty()) {
            return Optional.empty();
        }
        if (rndc.isPresent() && tsigName.isEmpty()) {
            problems.add(DNS_TSIG_NAME, "missing; zones added with dns.zone-admin = rndc allow updates by a TSIG key");
        }
        Optional<Tsig> tsig = tsigName.isPresent() && tsigSecret.isPresent()
                ? Optional.of(new Tsig(tsigName.get(), tsigAlgorithm, tsigSecret.get())) : Optional.empty();
        Duration timeout = c.duration(DNS_TIMEOUT).orElse(Duration.ofSeconds(5));
        if (timeout.isNegative() || timeout.isZero()) {
            problems.add(DNS_TIMEOUT, "must be positive, was " + timeout);
        }
        return Optional.of(new Dns(server.get(), tsig, List.copyOf(zones), timeout, rndc));
    }

    private static Optional<Rndc> rndc(SiteConfig c, Problems problems) {
        Optional<HostPort> server = c.string(DNS_RNDC_SERVER).flatMap(s -> hostPort(s, 953, DNS_RNDC_SERVER, problems));
        Optional<Secret> secret = c.secret(DNS_RNDC_SECRET);
        Optional<Path> directory = c.path(DNS_RNDC_ZONE_DIRECTORY);
        String algorithm = c.string(DNS_RNDC_ALGORITHM).orElse("hmac-sha256").trim().toLowerCase(Locale.ROOT);
        if (!HMAC_ALGORITHMS.contains(algorithm)) {
            problems.add(DNS_RNDC_ALGORITHM, "must be one of " + HMAC_ALGORITHMS + ", was '" + algorithm + "'");
        }
        if (c.string(DNS_RNDC_SERVER).isEmpty()) {
            problems.add(DNS_RNDC_SERVER, "missing; dns.zone-admin = rndc needs BIND's control channel address");
        }
        if (secret.isEmpty()) {
            problems.add(DNS_RNDC_SECRET, "missing; dns.zone-admin = rndc needs the control channel key");
        } else if (!isBase64(secret.get().reveal())) {
            problems.add(DNS_RNDC_SECRET, "is not base64 (as in rndc.key); " + secret.get());
        }
        if (directory.isEmpty()) {
            problems.add(DNS_RNDC_ZONE_DIRECTORY, "missing; dns.zone-admin = rndc needs a directory shared with the "
                    + "DNS server to write new zone files into");
        } else if (!directory.get().isAbsolute()) {
            problems.add(DNS_RNDC_ZONE_DIRECTORY, "must be an absolute path, was '" + directory.get() + "'");
        }
        String nameserver = c.string(DNS_RNDC_NAMESERVER).orElse("localhost");
        try {
            nameserver = DnsNames.normalize(nameserver);
        } catch (IllegalArgumentException e) {
            problems.add(DNS_RNDC_NAMESERVER, e.getMessage());
        }
        if (server.isEmpty() || secret.isEmpty() || directory.isEmpty()) {
            return Optional.empty();
        }
        String serverDirectory = c.string(DNS_RNDC_SERVER_ZONE_DIRECTORY).orElse(directory.get().toString());
        return Optional.of(new Rndc(server.get(), algorithm, secret.get(), directory.get().normalize(), serverDirectory,
                nameserver));
    }

    private static Optional<Compute> compute(SiteConfig c) {
        return c.path(COMPUTE_INVENTORY).map(inventory -> new Compute(inventory, c.path(COMPUTE_STATE_FILE),
                c.string(COMPUTE_SSH_USER), c.secret(COMPUTE_SSH_KEY)));
    }

    /** {@code host}, {@code host:port}, {@code [v6]:port} or a bare IPv6 address. */
    static Optional<HostPort> hostPort(String text, int defaultPort, String key, Problems problems) {
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
            problems.add(key, "must be host or host:port, was '" + text + "'");
            return Optional.empty();
        }
        if (host.isBlank() || port < 1 || port > 65535) {
            problems.add(key, "must be host or host:port with a port from 1 to 65535, was '" + text + "'");
            return Optional.empty();
        }
        return Optional.of(new HostPort(host, port));
    }

    private static boolean isBase64(String text) {
        try {
            return java.util.Base64.getDecoder().decode(text.trim()).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Collects problems of one site; thrown together. */
    static final class Problems {
        private final SiteConfig config;
        private final List<ConfigProblem> problems = new ArrayList<>();

        Problems(SiteConfig config) {
            this.config = config;
        }

        void add(String key, String message) {
            problems.add(new ConfigProblem("site " + config.id() + " (provider onprem)", "sites." + config.id() + "." + key,
                    message));
        }

        void throwIfAny() {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }
    }
}
