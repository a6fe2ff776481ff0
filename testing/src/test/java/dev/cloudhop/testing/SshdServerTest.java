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
}
