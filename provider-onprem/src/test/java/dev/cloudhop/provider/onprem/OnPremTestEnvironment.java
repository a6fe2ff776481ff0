package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.testing.BindServer;
import dev.cloudhop.testing.SshdServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The real servers the on-prem tests run against, started once per test JVM on free loopback ports and
 * stopped when it exits: BIND 9 ({@code named}) with a TSIG key, a static zone and an rndc channel, and
 * OpenSSH {@code sshd} with generated keys (its host key in its own known_hosts file). Artemis is embedded in each site, the blob store is a temp
 * directory. Nothing is skipped: a missing server fails the tests with an install hint.
 */
final class OnPremTestEnvironment {

    /** Machines of the test inventory; all are the same sshd, as many "hosts" of one data centre. */
    static final int MACHINES = 6;
    static final String IMAGE = "debian-12";
    static final String SIZE = "small";

    private static BindServer bind;
    private static SshdServer sshd;
    private static Path inventory;

    private OnPremTestEnvironment() {
    }

    static synchronized BindServer bind() {
        if (bind == null) {
            bind = BindServer.start();
            System.out.println("[onprem-tests] BIND " + bind.address() + " ready in " + bind.startupTime().toMillis() + " ms");
        }
        return bind;
    }

    static synchronized SshdServer sshd() {
        if (sshd == null) {
            sshd = SshdServer.start();
            System.out.println("[onprem-tests] sshd 127.0.0.1:" + sshd.port() + " ready in " + sshd.startupTime().toMillis() + " ms");
        }
        return sshd;
    }

    /** An inventory of {@link #MACHINES} machines, all reached at the test sshd. */
    static synchronized Path inventory() {
        if (inventory == null) {
            StringBuilder yaml = new StringBuilder("machines:\n");
            for (int i = 1; i <= MACHINES; i++) {
                yaml.append("  - id: m").append(i).append('\n')
                        .append("    host: 127.0.0.1\n")
                        .append("    port: ").append(sshd().port()).append('\n')
                        .append("    image: ").append(IMAGE).append('\n')
                        .append("    size: ").append(SIZE).append('\n')
                        .append("    os-family: debian\n")
                        .append("    tags: { rack: r").append(i % 2).append(" }\n");
            }
            try {
                inventory = Files.createTempDirectory("cloudhop-inventory-").resolve("inventory.yaml");
                Files.writeString(inventory, yaml, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return inventory;
    }

    private static final java.util.List<Path> TEMP_DIRECTORIES = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        // blob stores and broker journals (20 MiB of preallocated files each) are removed when the JVM ends
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TEMP_DIRECTORIES.forEach(OnPremTestEnvironment::deleteTree),
                "onprem-test-cleanup"));
    }

    /** A new temporary directory, deleted with its contents when the test JVM exits. */
    static Path tempDirectory(String prefix) {
        try {
            Path dir = Files.createTempDirectory("cloudhop-" + prefix + "-");
            TEMP_DIRECTORIES.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    /** The keys of a fully configured site (blob, embedded queue, DNS with rndc, compute), as HOCON. */
    static String fullSite(Path blobs, Path journal) {
        BindServer b = bind();
        SshdServer s = sshd();
        return "provider = onprem, region = dc-test\n"
                + "blob.directory = \"" + blobs + "\"\n"
                + "queue.journal-directory = \"" + journal + "\"\n"
                + "dns {\n"
                + "  server = \"" + b.address() + "\"\n"
                + "  tsig { name = " + b.tsigKeyName() + ", secret = \"literal:" + b.tsigSecret() + "\" }\n"
                + "  zones = " + BindServer.STATIC_ZONE + "\n"
                + "  zone-admin = rndc\n"
                + "  rndc { server = \"" + b.controlAddress() + "\", secret = \"literal:" + b.controlSecret()
                + "\", zone-directory = \"" + b.zoneDirectory() + "\" }\n"
                + "}\n"
                + "compute {\n"
                + "  inventory = \"" + inventory() + "\"\n"
                + "  ssh { user = " + s.user() + ", private-key = \"file:" + s.clientKey() + "\", known-hosts = \""
                + s.knownHostsFile() + "\" }\n"
                + "}\n";
    }

    /** Opens sites from configuration text, the way an application would. */
    static Sites open(String hocon) {
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(hocon, "onprem-test.conf", Map.of(), providers);
        return Cloudhop.open(config, providers);
    }

    /** One fully configured site named {@code id} on fresh blob and journal directories. */
    static Cloud openFullSite(String id) {
        String site = fullSite(tempDirectory("blobs"), tempDirectory("journal"));
        return open("sites { " + id + " {\n" + site + "} }").site(id);
    }

    /**
     * The secrets of {@link #fullSite}: no exception may contain them. The SSH private key is there whole and as
     * each line of its base64 body, so that a fragment of it in a message is caught too.
     */
    static Set<String> credentials() {
        String pem = sshd().clientKeyPem();
        Set<String> secrets = new java.util.HashSet<>(Set.of(bind().tsigSecret(), bind().controlSecret(), pem.trim()));
        pem.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("-----")).forEach(secrets::add);
        return Set.copyOf(secrets);
    }
}
