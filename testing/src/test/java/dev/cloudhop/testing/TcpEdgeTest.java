package dev.cloudhop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TcpEdgeTest {

    @Test
    void forwardsUntilKilledRefusesThenForwardsAgainAfterARestart() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                for (int i = 0; i < 10; i++) { // bounded: the test makes 2 connections
                    try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        out.write(in.readNBytes(5));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            try (TcpEdge edge = TcpEdge.start("edge-test", echo.getLocalPort())) {
                assertThat(roundTrip(edge.port(0))).isEqualTo("hello");
                edge.process().kill();
                assertThat(roundTrip(edge.port(0))).isEqualTo("refused");
                edge.restart();
                assertThat(roundTrip(edge.port(0))).isEqualTo("hello");
            }
        }
    }

    private static String roundTrip(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII);
        } catch (java.net.ConnectException e) {
            return "refused";
        } catch (IOException e) {
            return "error: " + e;
        }
    }
}
