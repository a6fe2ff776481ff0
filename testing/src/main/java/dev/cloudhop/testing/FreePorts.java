package dev.cloudhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback interface, for servers that tests start. They are drawn at random from below
 * the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}), not with a bind to port 0:
 * a port from the ephemeral range can be taken, between the draw and the server's bind, by any outgoing
 * connection of any process (a busy machine running ZooKeeper quorums and instance JVMs does this often). A port
 * is handed out once per JVM. Where the range cannot be read, the kernel picks (bind to port 0).
 */
public final class FreePorts {

    /** Lowest port drawn: above the well-known and most registered service ports. */
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 200;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int BELOW_EPHEMERAL = ephemeralLow();

    private FreePorts() {
    }

    /** A port nothing listens on right now (another process may still take it before you bind it). */
    public static int find() {
        if (BELOW_EPHEMERAL > LOWEST + ATTEMPTS) {
            for (int i = 0; i < ATTEMPTS; i++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, BELOW_EPHEMERAL);
                if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the ephemeral range, or 0 when it cannot be read. */
    private static int ephemeralLow() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
