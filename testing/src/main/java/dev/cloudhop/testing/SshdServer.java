package dev.cloudhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH {@code sshd} (Debian package {@code openssh-server}) on a free loopback port, for tests of
 * SSH-managed compute: its own generated ed25519 host key (see {@link #knownHostsLine()} for clients that check
 * it), and a generated RSA client key (PEM) authorised for the current OS user. Password and
 * keyboard-interactive logins are off.
 *
 * <p>Everything lives in a fresh temporary directory. {@code sshd} runs in the foreground ({@code -D -e})
 * through {@link ManagedProcess}: stopped by {@link #close()} or when the JVM exits. It needs its
 * privilege-separation directory {@code /run/sshd}, which is created when missing (possible as root).
 *
 * <p>Accessors are thread-safe.
 */
public final class SshdServer implements AutoCloseable {

    private final Path directory;
    private final int port;
    private final String user;
    private final ManagedProcess process;

    private SshdServer(Path directory, int port, String user, ManagedProcess process) {
        this.directory = directory;
        this.port = port;
        this.user = user;
        this.process = process;
    }

    /**
     * Generates keys and a configuration in a new temporary directory and starts {@code sshd} on a free
     * loopback port, waiting until it listens.
     *
     * @throws IllegalStateException if OpenSSH is not installed (with an install hint) or does not start
     */
    public static SshdServer start() {
        return start(FreePorts.find(), null);
    }

    /**
     * Stops this server and starts another on the same port with a newly generated host key, authorising the
     * same client key: what a client sees when a machine was reinstalled, or when someone else answers at its
     * address. This server's directory (and {@link #knownHostsFile()}) stays as it was.
     *
     * @return the new server; close it too
     * @throws IllegalStateException if the new server does not start
     */
    public SshdServer restartWithNewHostKey() {
        close();
        return start(port, clientKey());
    }

    /** Starts a server on {@code port}; {@code clientKey} is copied, or a new one generated when null. */
    private static SshdServer start(int port, Path clientKey) {
        Path sshd = Tools.requireExecutable("sshd", "OpenSSH server (Debian package openssh-server)", "/usr/sbin");
        Path keygen = Tools.requireExecutable("ssh-keygen", "ssh-keygen (Debian package openssh-client)", "/usr/bin");
        try {
            Path dir = Files.createTempDirectory("cloudhop-sshd-").toAbsolutePath();
            ensurePrivilegeSeparationDirectory();
            run(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "cloudhop-test-host", "-f",
                    dir.resolve("host_ed25519_key").toString());
            if (clientKey == null) {
                run(keygen.toString(), "-q", "-t", "rsa", "-b", "3072", "-m", "PEM", "-N", "", "-C", "cloudhop-test-client",
                        "-f", dir.resolve("client_rsa").toString());
            } else {
                Files.copy(clientKey, dir.resolve("client_rsa"));
                Files.copy(clientKey.resolveSibling(clientKey.getFileName() + ".pub"), dir.resolve("client_rsa.pub"));
                Files.setPosixFilePermissions(dir.resolve("client_rsa"), PosixFilePermissions.fromString("rw-------"));
            }
            Files.copy(dir.resolve("client_rsa.pub"), dir.resolve("authorized_keys"));
            Files.setPosixFilePermissions(dir.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-------"));
            String user = System.getProperty("user.name");
            Files.writeString(dir.resolve("sshd_config"), config(dir, port, user), StandardCharsets.UTF_8);
            ManagedProcess process = ManagedProcess.builder("sshd", List.of(sshd.toString(), "-D", "-e", "-f",
                            dir.resolve("sshd_config").toString()))
                    .log(dir.resolve("sshd.log"))
                    .startTimeout(Duration.ofSeconds(30))
                    .readyWhenLogContains("Server listening")
                    .readyWhenPortOpen(port)
                    .start();
            return new SshdServer(dir, port, user, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare an sshd configuration", e);
        }
    }

    private static void ensurePrivilegeSeparationDirectory() {
        Path privsep = Path.of("/run/sshd");
        if (Files.isDirectory(privsep)) {
            return;
        }
        try {
            Files.createDirectories(privsep);
            Files.setPosixFilePermissions(privsep, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new IllegalStateException("sshd needs its privilege separation directory /run/sshd; create it as "
                    + "root (mkdir -p /run/sshd)", e);
        }
    }

    private static String config(Path dir, int port, String user) {
        String d = dir.toString();
        boolean root = "root".equals(user);
        return "Port " + port + "\n"
                + "ListenAddress 127.0.0.1\n"
                + "HostKey " + d + "/host_ed25519_key\n"
                + "PidFile " + d + "/sshd.pid\n"
                + "AuthorizedKeysFile " + d + "/authorized_keys\n"
                + "PubkeyAuthentication yes\n"
                + "PasswordAuthentication no\n"
                + "KbdInteractiveAuthentication no\n"
                + "PermitRootLogin " + (root ? "prohibit-password" : "no") + "\n"
                + "AllowUsers " + user + "\n"
                + "UsePAM no\n"
                // the key files live in a temp directory whose modes sshd's strict checks would reject
                + "StrictModes no\n"
                + "PrintMotd no\n"
                + "MaxStartups 50:30:100\n"
                + "MaxSessions 50\n"
                + "Subsystem sftp internal-sftp\n"
                + "LogLevel INFO\n";
    }

    private static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("command failed: " + String.join(" ", command) + "\n"
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** The loopback address the server listens on. */
    public String host() {
        return "127.0.0.1";
    }

    /** The SSH port. */
    public int port() {
        return port;
    }

    /** The OS user whose logins the server accepts (the user running the tests). */
    public String user() {
        return user;
    }

    /** The authorised client's private key: an unencrypted RSA key in PEM form. */
    public Path clientKey() {
        return directory.resolve("client_rsa");
    }

    /** The text of {@link #clientKey()}. */
    public String clientKeyPem() {
        try {
            return Files.readString(clientKey(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's public host key as OpenSSH writes it: {@code ssh-ed25519 AAAA... cloudhop-test-host}. */
    public String hostPublicKey() {
        try {
            return Files.readString(directory.resolve("host_ed25519_key.pub"), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The host key's fingerprint as OpenSSH prints it ({@code ssh-keygen -l}): {@code SHA256:} and the base64 of
     * the SHA-256 digest of the key blob, without padding.
     */
    public String hostKeyFingerprint() {
        byte[] blob = Base64.getDecoder().decode(hostPublicKey().split(" ")[1]);
        try {
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(blob));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * The server's line for an OpenSSH {@code known_hosts} file, without line end:
     * {@code [127.0.0.1]:port ssh-ed25519 AAAA...} (the bracketed form, as the port is not 22).
     */
    public String knownHostsLine() {
        String[] key = hostPublicKey().split(" ");
        return "[" + host() + "]:" + port + " " + key[0] + " " + key[1];
    }

    /**
     * A {@code known_hosts} file in the server's directory holding {@link #knownHostsLine()} alone, written on
     * the first call.
     */
    public synchronized Path knownHostsFile() {
        Path file = directory.resolve("known_hosts");
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, knownHostsLine() + "\n", StandardCharsets.US_ASCII);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's working directory (configuration, keys, log). */
    public Path directory() {
        return directory;
    }

    /** How long the server took to listen after it was started. */
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

    /** Stops the server. Idempotent. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "SshdServer[" + host() + ":" + port + ", user " + user + "]";
    }
}
