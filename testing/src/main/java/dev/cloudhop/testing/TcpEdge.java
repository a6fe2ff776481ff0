package dev.cloudhop.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A site's network edge as a separate OS process: it forwards loopback TCP ports to a server's ports, so
 * that a disaster test can {@code SIGKILL} the edge (connections refused, as in a region outage) while the
 * storage behind it keeps what it acknowledged, as a cloud's replicated storage does.
 *
 * <p>Why not kill the emulator itself: Azurite with {@code --location} saves its metadata every 5 s
 * ({@code autosaveInterval: 5000} in its Loki stores), so a {@code SIGKILL} drops writes it had acknowledged
 * in the last seconds, which real Azure Storage never does; LocalStack and moto keep nothing at all. Freezing
 * ({@code SIGSTOP}) the emulator itself loses nothing and is used as it is.
 *
 * <p>{@link #restart()} brings a killed edge back on the same ports. Run as {@code java dev.cloudhop.testing.TcpEdge LISTEN:TARGET ...}; prints {@code edge ready} when all
 * ports listen.
 */
public final class TcpEdge extends EmulatorServer {

    private final List<Integer> ports;

    private TcpEdge(ManagedProcess process, List<Integer> ports) {
        super(process, null);
        this.ports = ports;
    }

    /**
     * Starts an edge process on free loopback ports, one per target port, with this JVM's Java and class path.
     *
     * @return the edge; {@link #port(int)} gives the listening port for each target, in order
     */
    public static TcpEdge start(String name, int... targetPorts) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", ownClassPath(), TcpEdge.class.getName()));
        List<Integer> ports = new ArrayList<>();
        ManagedProcess.Builder b;
        for (int target : targetPorts) {
            int port = FreePorts.find();
            ports.add(port);
            command.add(port + ":" + target);
        }
        b = ManagedProcess.builder(name, command).readyWhenLogContains("edge ready").startTimeout(Duration.ofSeconds(30));
        for (int port : ports) {
            b.readyWhenPortOpen(port);
        }
        return new TcpEdge(b.start(), List.copyOf(ports));
    }

    /** Where this class was loaded from (its main needs nothing else): works under surefire and exec:java alike. */
    private static String ownClassPath() {
        try {
            return Path.of(TcpEdge.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return System.getProperty("java.class.path");
        }
    }

    /** The listening port in front of the {@code index}-th target port. */
    public int port(int index) {
        return ports.get(index);
    }

    /** The edge process's main. */
    public static void main(String[] args) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (String arg : args) {
            String[] parts = arg.split(":");
            int listen = Integer.parseInt(parts[0]);
            int target = Integer.parseInt(parts[1]);
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(loopback, listen), 200);
            Thread acceptor = new Thread(() -> accept(server, loopback, target), "edge-" + listen);
            acceptor.start();
        }
        System.out.println("edge ready");
        System.out.flush();
    }

    private static void accept(ServerSocket server, InetAddress loopback, int target) {
        while (true) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(loopback, target);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection closed on either side
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }
}
