package dev.cloudhop.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedProcessTest {

    @Test
    void waitsForTheReadyLineAndStops() {
        try (ManagedProcess p = ManagedProcess.builder("echo", List.of("sh", "-c", "echo starting; sleep 0.2; echo Ready.; sleep 30"))
                .readyWhenLogContains("Ready.").startTimeout(Duration.ofSeconds(10)).start()) {
            assertThat(p.isAlive()).isTrue();
            assertThat(p.startupTime()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            assertThat(p.logTail(5)).contains("starting", "Ready.");
            p.close();
            assertThat(p.isAlive()).isFalse();
        }
    }

    @Test
    void aProcessThatExitsEarlyFailsLoudlyWithItsLog() {
        assertThatThrownBy(() -> ManagedProcess.builder("broken", List.of("sh", "-c", "echo boom; exit 3"))
                .readyWhenLogContains("never").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with status 3").hasMessageContaining("boom");
    }

    @Test
    void killRefusesConnectionsAndFreezeHangsThem() throws Exception {
        int port = FreePorts.find();
        try (ManagedProcess p = ManagedProcess.builder("listener", List.of("python3", "-c",
                        "import socket,time\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                                + "s.bind(('127.0.0.1'," + port + "));s.listen(8)\nwhile True:\n c,_=s.accept();c.sendall(b'hi');c.close()"))
                .readyWhenPortOpen(port).startTimeout(Duration.ofSeconds(10)).start()) {
            p.freeze();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(300);
                assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(java.net.SocketTimeoutException.class);
            }
            p.thaw();
            p.kill();
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(IOException.class);
        }
    }

    @Test
    void missingToolsFailWithAnInstallHint() {
        assertThatThrownBy(() -> Tools.require("definitely/not/here", "The frobnicator"))
                .hasMessageContaining("The frobnicator is not installed").hasMessageContaining("bin/test");
    }
}
