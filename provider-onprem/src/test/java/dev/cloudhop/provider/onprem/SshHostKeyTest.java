package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.compute.ScriptResult;
import dev.cloudhop.testing.SshdServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.schmizz.sshj.common.Buffer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Host key verification against a real sshd: a script reaches a machine only when its host key is trusted
 * ({@code compute.ssh.known-hosts}, {@code compute.ssh.host-key-policy}). "Nothing ran" is checked on the disk:
 * the script would create a marker file.
 */
class SshHostKeyTest {

    private static final NodeSpec SPEC = NodeSpec.of("web", OnPremTestEnvironment.IMAGE, OnPremTestEnvironment.SIZE);

    @Test
    void theRightKeyRunsTheScript() throws IOException {
        SshdServer sshd = OnPremTestEnvironment.sshd();
        Path knownHosts = knownHosts(sshd.knownHostsLine());
        Path marker = marker();

        try (Cloud site = site("right", OnPremTestEnvironment.inventory(), knownHosts, "strict")) {
            ScriptResult result = runMarkerScript(site, marker);

            assertThat(result.exitCode()).isZero();
            assertThat(marker).exists();
        }
    }

    @Test
    void aWrongKeyIsRefusedNamingHostPortAndFingerprintAndNothingRuns() throws Exception {
        SshdServer sshd = OnPremTestEnvironment.sshd();
        String otherKey = "[127.0.0.1]:" + sshd.port() + " ssh-rsa " + randomRsaKey();
        Path knownHosts = knownHosts(otherKey);
        Path marker = marker();

        try (Cloud site = site("wrong", OnPremTestEnvironment.inventory(), knownHosts, "strict")) {
            assertRefused(() -> runMarkerScript(site, marker), sshd)
                    .hasMessageContaining("has CHANGED")
                    .hasMessageContaining(knownHosts.toString());
        }
        assertThat(marker).doesNotExist();
        assertThat(Files.readString(knownHosts)).isEqualTo(otherKey + "\n");
    }

    @Test
    void anUnknownHostIsRefusedUnderStrict() throws Exception {
        SshdServer sshd = OnPremTestEnvironment.sshd();
        Path knownHosts = knownHosts("# other machines only\n[10.0.0.1]:" + sshd.port() + " ssh-rsa " + randomRsaKey());
        String before = Files.readString(knownHosts);
        Path marker = marker();

        try (Cloud site = site("unknown", OnPremTestEnvironment.inventory(), knownHosts, "strict")) {
            assertRefused(() -> runMarkerScript(site, marker), sshd)
                    .hasMessageContaining("is not trusted")
                    .hasMessageContaining("has no line for [127.0.0.1]:" + sshd.port())
                    .hasMessageContaining("compute.ssh.known-hosts")
                    .hasMessageContaining(knownHosts.toString());
        }
        assertThat(marker).doesNotExist();
        assertThat(Files.readString(knownHosts)).isEqualTo(before);
    }

    @Test
    void acceptNewRecordsAnUnknownHostOnceAndTrustsItAfterwards() throws Exception {
        SshdServer sshd = OnPremTestEnvironment.sshd();
        // an operator's file whose last line has no line end: the recorded line must still be a line of its own
        Path knownHosts = knownHosts("# other machines only");
        Files.writeString(knownHosts, "# other machines only", StandardCharsets.UTF_8);
        Path marker = marker();

        try (Cloud site = site("acceptnew", OnPremTestEnvironment.inventory(), knownHosts, "accept-new")) {
            assertThat(runMarkerScript(site, marker).exitCode()).isZero();
            assertThat(marker).exists();
            assertThat(Files.readAllLines(knownHosts)).containsExactly("# other machines only", sshd.knownHostsLine());

            Files.delete(marker);
            assertThat(runMarkerScript(site, marker).exitCode()).isZero();
            assertThat(marker).exists();
        }
        assertThat(Files.readAllLines(knownHosts)).containsExactly("# other machines only", sshd.knownHostsLine());
    }

    @Test
    void acceptNewCreatesAMissingFile() throws Exception {
        SshdServer sshd = OnPremTestEnvironment.sshd();
        Path knownHosts = OnPremTestEnvironment.tempDirectory("known-hosts").resolve("known_hosts");
        Path marker = marker();

        try (Cloud site = site("acceptmissing", OnPremTestEnvironment.inventory(), knownHosts, "accept-new")) {
            assertThat(runMarkerScript(site, marker).exitCode()).isZero();
        }
        assertThat(Files.readAllLines(knownHosts)).containsExactly(sshd.knownHostsLine());
    }

    @Test
    void aChangedKeyIsRefusedUnderBothPoliciesWithBothFingerprints() throws Exception {
        SshdServer original = SshdServer.start();
        Path inventory = inventory(original);
        Path knownHosts = knownHosts(original.knownHostsLine());
        Path marker = marker();
        try (SshdServer impostor = original.restartWithNewHostKey()) {
            for (String policy : List.of("strict", "accept-new")) {
                // the impostor accepts the same login: only the host key check keeps the script away from it
                try (Cloud site = site("changed" + policy.replace("-", ""), original, inventory, knownHosts, policy)) {
                    assertRefused(() -> runMarkerScript(site, marker), impostor)
                            .as(policy)
                            .hasMessageContaining("has CHANGED")
                            .hasMessageContaining(original.hostKeyFingerprint())
                            .hasMessageContaining("someone else answers at its address");
                }
                assertThat(marker).as(policy).doesNotExist();
                assertThat(Files.readAllLines(knownHosts)).as(policy).containsExactly(original.knownHostsLine());
            }
        }
    }

    @Test
    void hashedHostNamesAreMatched() throws Exception {
        SshdServer sshd = OnPremTestEnvironment.sshd();
        String keyFields = sshd.knownHostsLine().substring(sshd.knownHostsLine().indexOf(' ') + 1);
        Path knownHosts = knownHosts(hashed("[127.0.0.1]:" + sshd.port()) + " " + keyFields);
        Path marker = marker();

        try (Cloud site = site("hashed", OnPremTestEnvironment.inventory(), knownHosts, "strict")) {
            assertThat(runMarkerScript(site, marker).exitCode()).isZero();
        }
        assertThat(marker).exists();
    }

    @Test
    void aMissingFileUnderStrictNamesTheKeyAndTheFile() {
        Path knownHosts = OnPremTestEnvironment.tempDirectory("known-hosts").resolve("absent_known_hosts");
        Path marker = marker();

        try (Cloud site = site("missing", OnPremTestEnvironment.inventory(), knownHosts, "strict")) {
            assertThatThrownBy(() -> runMarkerScript(site, marker))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("compute.ssh.known-hosts")
                    .hasMessageContaining(knownHosts + " does not exist")
                    .satisfies(e -> assertThat(((CloudException) e).retryable()).isFalse());
        }
        assertThat(marker).doesNotExist();
    }

    /** The refusal: unauthorized, not retryable (no outage), naming host, port and the offered key, no secret. */
    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            ThrowingCallable call, SshdServer offering) {
        return assertThatThrownBy(call)
                .isInstanceOf(UnauthorizedException.class)
                .satisfies(e -> {
                    assertThat(((CloudException) e).retryable()).isFalse();
                    OnPremTestEnvironment.credentials().forEach(secret -> assertThat(e.getMessage()).doesNotContain(secret));
                })
                .hasMessageContaining("host key of 127.0.0.1:" + offering.port())
                .hasMessageContaining("ssh-ed25519 key " + offering.hostKeyFingerprint())
                .hasMessageContaining("nothing was sent to it");
    }

    private static Cloud site(String id, Path inventory, Path knownHosts, String policy) {
        return site(id, OnPremTestEnvironment.sshd(), inventory, knownHosts, policy);
    }

    /** A compute-only site logging in with {@code sshd}'s client key. */
    private static Cloud site(String id, SshdServer sshd, Path inventory, Path knownHosts, String policy) {
        return OnPremTestEnvironment.open("sites { " + id + " { provider = onprem, region = dc-test, compute {\n"
                + "  inventory = \"" + inventory + "\"\n"
                + "  ssh { user = " + sshd.user() + ", private-key = \"file:" + sshd.clientKey() + "\"\n"
                + "        known-hosts = \"" + knownHosts + "\", host-key-policy = " + policy + " }\n"
                + "} } }").site(id);
    }

    private static ScriptResult runMarkerScript(Cloud site, Path marker) {
        String node = site.compute().listNodes("web").stream().findFirst()
                .orElseGet(() -> site.compute().launch(SPEC, 1).get(0)).id();
        return site.compute().runScript(node, "touch '" + marker + "'", Duration.ofSeconds(30));
    }

    private static Path marker() {
        return OnPremTestEnvironment.tempDirectory("marker").resolve("script-ran");
    }

    private static Path knownHosts(String text) throws IOException {
        Path file = OnPremTestEnvironment.tempDirectory("known-hosts").resolve("known_hosts");
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        return file;
    }

    /** A one-machine inventory at {@code sshd}. */
    private static Path inventory(SshdServer sshd) throws IOException {
        Path file = OnPremTestEnvironment.tempDirectory("inventory").resolve("inventory.yaml");
        Files.writeString(file, "machines:\n  - { id: m1, host: 127.0.0.1, port: " + sshd.port() + ", image: "
                + OnPremTestEnvironment.IMAGE + ", size: " + OnPremTestEnvironment.SIZE + " }\n", StandardCharsets.UTF_8);
        return file;
    }

    /** The base64 of a fresh RSA public key in SSH encoding: a key no test server has. */
    private static String randomRsaKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
        return Base64.getEncoder().encodeToString(new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
    }

    /** OpenSSH's hashed form of a host name ({@code ssh-keygen -H}): {@code |1|salt|HMAC-SHA1(salt, name)}. */
    private static String hashed(String host) throws Exception {
        byte[] salt = new byte[20];
        new java.security.SecureRandom().nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        Base64.Encoder b64 = Base64.getEncoder();
        return "|1|" + b64.encodeToString(salt) + "|" + b64.encodeToString(mac.doFinal(host.getBytes(StandardCharsets.UTF_8)));
    }
}
