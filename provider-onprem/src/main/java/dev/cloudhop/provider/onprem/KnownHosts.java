package dev.cloudhop.provider.onprem;

import static dev.cloudhop.provider.onprem.OnPremProvider.COMPUTE_SSH_HOST_KEY_POLICY;
import static dev.cloudhop.provider.onprem.OnPremProvider.COMPUTE_SSH_KNOWN_HOSTS;

import com.google.common.net.HostAndPort;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.config.ConfigReader;
import dev.cloudhop.provider.onprem.OnPremSettings.HostKeyPolicy;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts.KnownHostEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH host keys a site trusts: an OpenSSH {@code known_hosts} file ({@code compute.ssh.known-hosts}), parsed
 * by sshj (plain and {@code [host]:port} names, patterns, hashed {@code |1|} names, {@code @revoked} lines), and
 * what to do with a machine it does not list ({@code compute.ssh.host-key-policy}).
 *
 * <p>A host is <em>known</em> when any line names it, whatever its key type; a known host whose offered key no
 * line of that host holds has a <em>changed</em> key and is refused under every policy (a server that merely
 * offers another key type must not get around a recorded key). Under {@code accept-new} an unknown host's key
 * is appended to the file, under a lock held across the JVM's threads and, through a file lock, other
 * processes, after reading the file again. The file is read anew for every connection, so lines added by
 * an operator count at once. Thread-safe.
 */
final class KnownHosts {

    private static final Logger LOG = LoggerFactory.getLogger(KnownHosts.class);

    /** One lock per file, shared by every site of the JVM that records into it. */
    private static final ConcurrentMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final HostKeyPolicy policy;

    KnownHosts(Path file, HostKeyPolicy policy) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * A verifier for one connection, over the file as it is now.
     *
     * @param context where a refusal is reported (the site, {@code compute.ssh}, the host and port)
     * @throws InvalidRequestException naming {@code compute.ssh.known-hosts} and the file when it cannot be read,
     *         or does not exist under {@code strict}
     */
    Verifier verifier(ErrorContext context) {
        return new Verifier(context, read(context));
    }

    /** The file's entries; none when it does not exist under {@code accept-new}. */
    private OpenSSHKnownHosts read(ErrorContext context) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return new OpenSSHKnownHosts(new StringReader(text));
        } catch (NoSuchFileException e) {
            if (policy == HostKeyPolicy.ACCEPT_NEW) {
                return empty();
            }
            throw new InvalidRequestException(context, COMPUTE_SSH_KNOWN_HOSTS + ": the known_hosts file " + file
                    + " does not exist; with " + COMPUTE_SSH_HOST_KEY_POLICY + " = strict only the host keys listed there "
                    + "are trusted (add them, e.g. with ssh-keyscan after checking their fingerprints, or set "
                    + COMPUTE_SSH_HOST_KEY_POLICY + " = accept-new)", e);
        } catch (IOException e) {
            throw new InvalidRequestException(context, COMPUTE_SSH_KNOWN_HOSTS + ": cannot read the known_hosts file "
                    + file + ": " + e, e);
        }
    }

    private static OpenSSHKnownHosts empty() {
        try {
            return new OpenSSHKnownHosts(new StringReader(""));
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse an empty known_hosts text", e);
        }
    }

    /**
     * OpenSSH's fingerprint of a key: {@code SHA256:} and the unpadded base64 of the SHA-256 digest of the key's
     * SSH encoding, as {@code ssh-keygen -l} and OpenSSH's own warnings print it.
     */
    static String fingerprint(PublicKey key) {
        return fingerprint(new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
    }

    private static String fingerprint(byte[] blob) {
        try {
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(blob));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** How OpenSSH names a host in known_hosts: the lower-case name, bracketed with the port unless it is 22. */
    static String hostPattern(String host, int port) {
        String lower = host.toLowerCase(Locale.ROOT);
        return port == 22 ? lower : "[" + lower + "]:" + port;
    }

    @Override
    public String toString() {
        return "KnownHosts[" + file + ", " + ConfigReader.spelling(policy) + "]";
    }

    /** What the file says about one host and key. */
    private enum Verdict { TRUSTED, UNKNOWN, CHANGED, REVOKED }

    /**
     * Checks the key one connection's server offers; when it refuses, {@link #refusal()} says why. Used by one
     * connection (one thread) at a time.
     */
    final class Verifier implements HostKeyVerifier {
        private final ErrorContext context;
        private final OpenSSHKnownHosts entries;
        // written by sshj's reader thread, read by the connecting one
        private volatile CloudException refusal;

        private Verifier(ErrorContext context, OpenSSHKnownHosts entries) {
            this.context = context;
            this.entries = entries;
        }

        /** Why the server's key was refused; empty when it was not (or no key was offered yet). */
        Optional<CloudException> refusal() {
            return Optional.ofNullable(refusal);
        }

        @Override
        public boolean verify(String hostname, int port, PublicKey key) {
            String host = hostPattern(hostname, port);
            try {
                Verdict verdict = verdict(entries, host, key);
                if (verdict == Verdict.UNKNOWN && policy == HostKeyPolicy.ACCEPT_NEW) {
                    verdict = recordIfStillUnknown(host, key);
                }
                if (verdict == Verdict.TRUSTED) {
                    return true;
                }
                refusal = refused(verdict, hostname, port, host, key);
                LOG.warn("{}", refusal.getMessage());
            } catch (IOException | RuntimeException e) {
                // sshj would log and drop an exception thrown from here: keep it for the caller instead
                refusal = e instanceof CloudException ce ? ce : new InvalidRequestException(context,
                        COMPUTE_SSH_KNOWN_HOSTS + ": cannot check or record the host key of "
                                + HostAndPort.fromParts(hostname, port)
                                + " in the known_hosts file " + file + ": " + e, e);
            }
            return false;
        }

        @Override
        public List<String> findExistingAlgorithms(String hostname, int port) {
            // offer first the key types the file holds for the host, so that its recorded key is the one negotiated
            return entries.findExistingAlgorithms(hostname, port);
        }

        private Verdict recordIfStillUnknown(String host, PublicKey key) throws IOException {
            synchronized (LOCKS.computeIfAbsent(file, f -> new Object())) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND); FileLock ignored = channel.lock()) {
                    Verdict now = verdict(read(context), host, key);
                    if (now != Verdict.UNKNOWN) {
                        return now;
                    }
                    String line = new OpenSSHKnownHosts.HostEntry(null, host, KeyType.fromKey(key), key).getLine();
                    String separator = endsWithoutNewline() ? "\n" : "";
                    channel.write(StandardCharsets.UTF_8.encode(separator + line + "\n"));
                    channel.force(false);
                }
                LOG.info("compute.ssh: recorded the host key {} of {} in {} ({} = accept-new)", fingerprint(key), host,
                        file, COMPUTE_SSH_HOST_KEY_POLICY);
                return Verdict.TRUSTED;
            }
        }

        private boolean endsWithoutNewline() throws IOException {
            long size = Files.size(file);
            if (size == 0) {
                return false;
            }
            try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer last = ByteBuffer.allocate(1);
                reader.read(last, size - 1);
                return last.get(0) != '\n';
            }
        }

        private CloudException refused(Verdict verdict, String hostname, int port, String host, PublicKey key) {
            String offered = "the server offered the " + KeyType.fromKey(key) + " key " + fingerprint(key);
            String at = HostAndPort.fromParts(hostname, port).toString();
            String fileNamed = "the known_hosts file " + file + " (" + COMPUTE_SSH_KNOWN_HOSTS + ")";
            String nothing = "; nothing was sent to it";
            return switch (verdict) {
                case UNKNOWN -> new UnauthorizedException(context, "host key of " + at + " is not trusted: " + fileNamed
                        + " has no line for " + host + " and " + COMPUTE_SSH_HOST_KEY_POLICY + " is strict; " + offered
                        + nothing + ". Add the host's key once its fingerprint is checked (e.g. ssh-keyscan -p " + port
                        + " " + hostname + " >> " + file + ")");
                case CHANGED -> new UnauthorizedException(context, "host key of " + at + " has CHANGED: " + offered
                        + ", but " + fileNamed + " lists " + String.join(", ", knownFingerprints(host)) + " for " + host + nothing
                        + ". Either the machine was reinstalled (then replace its line after checking the new "
                        + "fingerprint) or someone else answers at its address");
                case REVOKED -> new UnauthorizedException(context, "host key of " + at + " is revoked: " + offered
                        + ", which " + fileNamed + " marks @revoked" + nothing);
                case TRUSTED -> throw new IllegalStateException("a trusted key is not refused");
            };
        }

        /** The fingerprints of the keys the file holds for {@code host}, for the "changed" message. */
        private List<String> knownFingerprints(String host) {
            List<String> known = new ArrayList<>();
            for (KnownHostEntry entry : entries.entries()) {
                if (applies(entry, host)) {
                    String[] fields = entry.getLine().trim().split("\\s+");
                    int keyField = fields[0].startsWith("@") ? 3 : 2;
                    try {
                        known.add(fields[keyField - 1] + " " + fingerprint(Base64.getDecoder().decode(fields[keyField])));
                    } catch (RuntimeException e) {
                        known.add(fields[keyField - 1] + " (unreadable key)");
                    }
                }
            }
            return known;
        }
    }

    /**
     * TRUSTED when a line of {@code host} holds {@code key}; REVOKED when a {@code @revoked} line holds it;
     * CHANGED when lines name the host but none holds the key; else UNKNOWN.
     */
    private static Verdict verdict(OpenSSHKnownHosts file, String host, PublicKey key) throws IOException {
        boolean known = false;
        for (KnownHostEntry entry : file.entries()) {
            if (entry.getLine().startsWith("@revoked") && sameKey(entry, key)) {
                return Verdict.REVOKED;
            }
        }
        for (KnownHostEntry entry : file.entries()) {
            if (applies(entry, host)) {
                known = true;
                if (entry.appliesTo(KeyType.fromKey(key), host) && entry.verify(key)) {
                    return Verdict.TRUSTED;
                }
            }
        }
        return known ? Verdict.CHANGED : Verdict.UNKNOWN;
    }

    private static boolean sameKey(KnownHostEntry entry, PublicKey key) {
        String[] fields = entry.getLine().trim().split("\\s+");
        return fields.length > 3
                && fields[3].equals(Base64.getEncoder().encodeToString(new Buffer.PlainBuffer().putPublicKey(key).getCompactData()));
    }

    private static boolean applies(KnownHostEntry entry, String host) {
        try {
            return entry.appliesTo(host);
        } catch (IOException e) {
            return false;
        }
    }
}
