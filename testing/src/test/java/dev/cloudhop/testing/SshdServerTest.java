package dev.cloudhop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SshdServerTest {

    @Test
    void acceptsTheGeneratedClientKeyAndRunsACommand() throws Exception {
        try (SshdServer sshd = SshdServer.start()) {
            assertThat(sshd.clientKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");

            Process ssh = new ProcessBuilder(List.of("ssh", "-i", sshd.clientKey().toString(), "-p",
                    Integer.toString(sshd.port()), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", sshd.user() + "@" + sshd.host(), "echo hello-from-sshd"))
                    .redirectErrorStream(true).start();
            String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ssh.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(out).as("ssh output; sshd log:%n%s", sshd.logTail(20)).contains("hello-from-sshd");
            assertThat(ssh.exitValue()).isZero();
        }
    }

    @Test
    void knownHostsLineIsTrustedByOpenSshAndARestartChangesOnlyTheHostKey() throws Exception {
        SshdServer first = SshdServer.start();
        try (SshdServer second = first.restartWithNewHostKey()) {
            assertThat(second.port()).isEqualTo(first.port());
            assertThat(second.hostPublicKey()).isNotEqualTo(first.hostPublicKey());
            assertThat(second.hostKeyFingerprint()).isNotEqualTo(first.hostKeyFingerprint());

            Process keygen = new ProcessBuilder(List.of("ssh-keygen", "-l", "-f",
                    second.directory().resolve("host_ed25519_key.pub").toString())).redirectErrorStream(true).start();
            String listed = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(keygen.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(listed).contains(second.hostKeyFingerprint());

            assertThat(strictSsh(second, second.knownHostsFile().toString())).as("with its own key").contains("hello-from-sshd");
            assertThat(strictSsh(second, first.knownHostsFile().toString())).as("with the replaced key")
                    .contains("REMOTE HOST IDENTIFICATION HAS CHANGED").doesNotContain("hello-from-sshd");
        }
    }

    /** Runs {@code echo} through the OpenSSH client, trusting only the host keys of {@code knownHosts}. */
    private static String strictSsh(SshdServer sshd, String knownHosts) throws Exception {
        Process ssh = new ProcessBuilder(List.of("ssh", "-i", sshd.clientKey().toString(), "-p",
                Integer.toString(sshd.port()), "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                sshd.user() + "@" + sshd.host(), "echo hello-from-sshd"))
                .redirectErrorStream(true).start();
        String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ssh.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
