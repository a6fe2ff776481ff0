package dev.cloudhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A real BIND 9 {@code named} (Debian package {@code bind9}) on a free loopback port, for tests of RFC 2136
 * dynamic DNS: a TSIG key (hmac-sha256) allowed to update and transfer, one static zone, and an
 * {@code rndc} control channel with {@code allow-new-zones} so that zones can be added and deleted at run
 * time ({@code rndc addzone}/{@code delzone}).
 *
 * <p>Everything lives in a fresh temporary directory: configuration, keys, zone files and journals. The
 * server is started in the foreground ({@code named -g}) through {@link ManagedProcess}, so it is stopped
 * by {@link #close()} or at the latest when the JVM exits. {@link #dig(String...)} queries it with
 * {@code dig}, a resolver independent of the code under test.
 *
 * <pre>{@code
 * try (BindServer bind = BindServer.start()) {
 *     // point a site at bind.host() + ":" + bind.port(), TSIG bind.tsigKeyName() / bind.tsigSecret()
 *     String answer = bind.dig("+short", "www.cloudhop.test", "A");
 * }
 * }</pre>
 *
 * <p>Not thread-safe to start and close concurrently; the accessors are.
 */
public final class BindServer implements AutoCloseable {

    /** The zone every server serves from its configuration file. */
    public static final String STATIC_ZONE = "cloudhop.test";

    /** The TSIG algorithm of {@link #tsigKeyName()}. */
    public static final String TSIG_ALGORITHM = "hmac-sha256";

    private static final String TSIG_KEY_NAME = "cloudhop-update";
    private static final String CONTROL_KEY_NAME = "cloudhop-rndc";

    private final Path directory;
    private final int port;
    private final int controlPort;
    private final String tsigSecret;
    private final String controlSecret;
    private final ManagedProcess process;

    private BindServer(Path directory, int port, int controlPort, String tsigSecret, String controlSecret,
                       ManagedProcess process) {
        this.directory = directory;
        this.port = port;
        this.controlPort = controlPort;
        this.tsigSecret = tsigSecret;
        this.controlSecret = controlSecret;
        this.process = process;
    }

    /**
     * Writes a configuration into a new temporary directory and starts {@code named} on free loopback
     * ports, waiting until it answers.
     *
     * @throws IllegalStateException if BIND is not installed (with an install hint) or does not start
     */
    public static BindServer start() {
        Path named = Tools.requireExecutable("named", "BIND 9 (Debian package bind9)", "/usr/sbin", "/usr/bin");
        try {
            Path dir = Files.createTempDirectory("cloudhop-bind-").toAbsolutePath();
            String tsigSecret = randomSecret();
            String controlSecret = randomSecret();
            int port = FreePorts.find();
            int controlPort = FreePorts.find();
            while (controlPort == port) {
                controlPort = FreePorts.find();
            }
            Files.createDirectories(dir.resolve("zones"));
            Files.writeString(dir.resolve("zones").resolve(STATIC_ZONE + ".db"), zoneFile(STATIC_ZONE), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("named.conf"), config(dir, port, controlPort, tsigSecret, controlSecret),
                    StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(named.toString(), "-g", "-n", "2", "-c",
                    dir.resolve("named.conf").toString()));
            ManagedProcess process = ManagedProcess.builder("named", command)
                    .log(dir.resolve("named.log"))
                    .workingDir(dir)
                    .startTimeout(Duration.ofSeconds(30))
                    // not "running": named logs "running as: named ..." at the start, before it loads its zones
                    .readyWhenLogContains("all zones loaded")
                    .readyWhenPortOpen(port)
                    .start();
            return new BindServer(dir, port, controlPort, tsigSecret, controlSecret, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a BIND configuration", e);
        }
    }

    private static String randomSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A minimal zone: SOA and NS at the apex, relative names so that the same text serves any origin. */
    static String zoneFile(String zone) {
        return "$TTL 300\n"
                + "@ IN SOA ns." + zone + ". hostmaster." + zone + ". 1 3600 600 86400 60\n"
                + "@ IN NS ns." + zone + ".\n"
                + "ns IN A 127.0.0.1\n";
    }

    private static String config(Path dir, int port, int controlPort, String tsigSecret, String controlSecret) {
        String d = dir.toString();
        return "key \"" + TSIG_KEY_NAME + "\" { algorithm " + TSIG_ALGORITHM + "; secret \"" + tsigSecret + "\"; };\n"
                + "key \"" + CONTROL_KEY_NAME + "\" { algorithm hmac-sha256; secret \"" + controlSecret + "\"; };\n"
                + "controls { inet 127.0.0.1 port " + controlPort + " allow { 127.0.0.1; } keys { \""
                + CONTROL_KEY_NAME + "\"; }; };\n"
                + "options {\n"
                + "  directory \"" + d + "\";\n"
                + "  pid-file \"" + d + "/named.pid\";\n"
                + "  session-keyfile \"" + d + "/session.key\";\n"
                + "  managed-keys-directory \"" + d + "\";\n"
                + "  dump-file \"" + d + "/named.dump\";\n"
                + "  statistics-file \"" + d + "/named.stats\";\n"
                + "  listen-on port " + port + " { 127.0.0.1; };\n"
                + "  listen-on-v6 { none; };\n"
                + "  recursion no;\n"
                + "  allow-query { any; };\n"
                + "  allow-new-zones yes;\n"
                + "  notify no;\n"
                + "  dnssec-validation no;\n"
                + "};\n"
                + "zone \"" + STATIC_ZONE + "\" {\n"
                + "  type primary;\n"
                + "  file \"" + d + "/zones/" + STATIC_ZONE + ".db\";\n"
                + "  allow-update { key \"" + TSIG_KEY_NAME + "\"; };\n"
                + "  allow-transfer { key \"" + TSIG_KEY_NAME + "\"; };\n"
                + "};\n";
    }

    /** The loopback address the server listens on. */
    public String host() {
        return "127.0.0.1";
    }

    /** The DNS port (UDP and TCP). */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, the form Cloudhop's {@code dns.server} key takes. */
    public String address() {
        return host() + ":" + port;
    }

    /** The name of the TSIG key allowed to update and transfer the zones. */
    public String tsigKeyName() {
        return TSIG_KEY_NAME;
    }

    /** The TSIG key's secret, base64 as in {@code named.conf}. */
    public String tsigSecret() {
        return tsigSecret;
    }

    /** The rndc control channel's port on the loopback address. */
    public int controlPort() {
        return controlPort;
    }

    /** {@code 127.0.0.1:port} of the control channel. */
    public String controlAddress() {
        return host() + ":" + controlPort;
    }

    /** The control channel key's secret (hmac-sha256), base64. */
    public String controlSecret() {
        return controlSecret;
    }

    /** The directory zone files live in; writable, and the same path for the server and the tests. */
    public Path zoneDirectory() {
        return directory.resolve("zones");
    }

    /** The server's working directory (configuration, log). */
    public Path directory() {
        return directory;
    }

    /** How long the server took to answer after it was started. */
    public Duration startupTime() {
        return process.startupTime();
    }

    /** The server process, e.g. to kill or freeze it. */
    public ManagedProcess process() {
        return process;
    }

    /** The last lines of the server's log, for failure messages. */
    public String logTail(int lines) {
        return process.logTail(lines);
    }

    /**
     * Runs {@code dig @127.0.0.1 -p PORT +norecurse ARGS...} and returns its standard output: a query by a
     * resolver that shares no code with Cloudhop. Bounded to 15 seconds.
     *
     * @throws IllegalStateException if dig is not installed, fails or times out
     */
    public String dig(String... args) {
        Path dig = Tools.requireExecutable("dig", "dig (Debian package bind9-dnsutils)", "/usr/bin");
        List<String> command = new ArrayList<>(List.of(dig.toString(), "@" + host(), "-p", Integer.toString(port),
                "+norecurse", "+time=2", "+tries=2"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("dig timed out: " + command);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("dig exited with " + p.exitValue() + ": " + command + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running dig", e);
        }
    }

    /** Stops the server. Idempotent. The temporary directory is left for post-mortems. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "BindServer[" + address() + ", control " + controlAddress() + ", " + Objects.toString(directory) + "]";
    }
}
