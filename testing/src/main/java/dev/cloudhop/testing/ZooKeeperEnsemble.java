package dev.cloudhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * A ZooKeeper ensemble of real server processes on free loopback ports: each server is its own JVM running
 * {@code org.apache.zookeeper.server.quorum.QuorumPeerMain} from the {@code zookeeper} jar, with its own
 * data directory and {@code myid}, so that a test can kill ({@code SIGKILL}), freeze ({@code SIGSTOP}) and
 * restart one server like any other process in a disaster.
 *
 * <p>The ensemble is ready when every server accepts a client session, which a server does only once it is
 * part of a quorum (a lone server of a three-server ensemble accepts TCP connections but no sessions). The
 * AdminServer (an HTTP port) is disabled; only {@code srvr} and {@code ruok} of the four-letter words are
 * allowed, for people looking at a running test.
 *
 * <pre>{@code
 * try (ZooKeeperEnsemble zk = ZooKeeperEnsemble.start(3)) {
 *     // connect a client or Curator to zk.connectString()
 *     zk.kill(0);
 *     zk.restart(0);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: drive it from one thread.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {

    /** The tick of the servers: sessions time out between 2 and 20 ticks (1 s to 10 s). */
    public static final int TICK_MILLIS = 500;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final int[] clientPorts;
    private final List<ManagedProcess> servers;

    private ZooKeeperEnsemble(Path directory, int[] clientPorts, List<ManagedProcess> servers) {
        this.directory = directory;
        this.clientPorts = clientPorts;
        this.servers = servers;
    }

    /**
     * Starts {@code size} servers (3 tolerates one failure, 5 two) and waits until each accepts sessions.
     *
     * @throws IllegalStateException with a server's log tail if the ensemble does not form within 60 s
     */
    public static ZooKeeperEnsemble start(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive, was " + size);
        }
        try {
            Path dir = Files.createTempDirectory("cloudhop-zookeeper-");
            int[] client = new int[size];
            int[] quorum = new int[size];
            int[] election = new int[size];
            for (int i = 0; i < size; i++) {
                client[i] = FreePorts.find();
                quorum[i] = FreePorts.find();
                election[i] = FreePorts.find();
            }
            String peers = IntStream.range(0, size)
                    .mapToObj(i -> "server." + (i + 1) + "=127.0.0.1:" + quorum[i] + ":" + election[i])
                    .collect(Collectors.joining("\n"));
            List<ManagedProcess> servers = new ArrayList<>();
            ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(dir, client, servers);
            try {
                for (int i = 0; i < size; i++) {
                    Path data = Files.createDirectories(dir.resolve("server" + (i + 1)));
                    Files.writeString(data.resolve("myid"), Integer.toString(i + 1), StandardCharsets.US_ASCII);
                    Path cfg = data.resolve("zoo.cfg");
                    Files.writeString(cfg, String.join("\n",
                            "tickTime=" + TICK_MILLIS,
                            "initLimit=20",
                            "syncLimit=5",
                            "dataDir=" + data,
                            "clientPort=" + client[i],
                            "clientPortAddress=127.0.0.1",
                            "admin.enableServer=false",
                            "4lw.commands.whitelist=srvr,ruok",
                            "standaloneEnabled=false",
                            peers, ""), StandardCharsets.UTF_8);
                    // the port opens before the server joins a quorum: readiness is awaited for all below
                    servers.add(ManagedProcess.builder("zookeeper-" + (i + 1), command(cfg))
                            .log(data.resolve("server.log"))
                            .readyWhenPortOpen(client[i]).startTimeout(READY_TIMEOUT).start());
                }
                for (int i = 0; i < size; i++) {
                    ensemble.awaitServing(i, READY_TIMEOUT);
                }
                return ensemble;
            } catch (RuntimeException e) {
                ensemble.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a ZooKeeper ensemble", e);
        }
    }

    private static List<String> command(Path cfg) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dzookeeper.admin.enableServer=false", "-Dzookeeper.jmx.log4j.disable=true",
                "-cp", System.getProperty("java.class.path"),
                "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg.toString());
    }

    /** The number of servers. */
    public int size() {
        return servers.size();
    }

    /** {@code host:port,...} of every server, for a ZooKeeper client or Curator. */
    public String connectString() {
        return IntStream.range(0, clientPorts.length).mapToObj(this::connectString).collect(Collectors.joining(","));
    }

    /** {@code host:port} of server {@code i} (0-based) alone. */
    public String connectString(int i) {
        return "127.0.0.1:" + clientPorts[i];
    }

    /** The temporary directory holding every server's configuration, data and log. */
    public Path directory() {
        return directory;
    }

    /** Server {@code i}'s process, e.g. for its log. */
    public ManagedProcess server(int i) {
        return servers.get(i);
    }

    /** Kills server {@code i} with SIGKILL: its clients' connections break and its port refuses. */
    public void kill(int i) {
        servers.get(i).kill();
    }

    /** Suspends server {@code i} (SIGSTOP): its peers and clients see it time out, not refuse. */
    public void freeze(int i) {
        servers.get(i).freeze();
    }

    /** Resumes a frozen server {@code i} (SIGCONT). */
    public void thaw(int i) {
        servers.get(i).thaw();
    }

    /**
     * Starts a killed server {@code i} again with its data and waits until it serves sessions (it rejoins
     * the quorum, so a majority of the others must be up).
     *
     * @throws IllegalStateException if it is still running or does not serve within 60 s
     */
    public void restart(int i) {
        servers.set(i, servers.get(i).restart());
        awaitServing(i, READY_TIMEOUT);
    }

    /** Whether server {@code i}'s process runs (a frozen one does). */
    public boolean isAlive(int i) {
        return servers.get(i).isAlive();
    }

    /**
     * Waits until server {@code i} accepts a client session (it is in a quorum).
     *
     * @throws IllegalStateException with the server's log tail if not within {@code timeout}
     */
    public void awaitServing(int i, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (acceptsSession(i, Duration.ofMillis(Math.min(3000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000))))) {
                return;
            }
            if (!servers.get(i).isAlive()) {
                break;
            }
        }
        throw new IllegalStateException("ZooKeeper server " + (i + 1) + " did not serve sessions within " + timeout
                + "; log " + servers.get(i).log() + ":\n" + servers.get(i).logTail(30));
    }

    private boolean acceptsSession(int i, Duration wait) {
        CountDownLatch connected = new CountDownLatch(1);
        Watcher watcher = (WatchedEvent e) -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        };
        ZooKeeper zk = null;
        try {
            zk = new ZooKeeper(connectString(i), 4 * TICK_MILLIS, watcher);
            return connected.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (zk != null) {
                try {
                    zk.close(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Stops every server (SIGTERM, then SIGKILL). Idempotent; the directory is left for post-mortems. */
    @Override
    public void close() {
        servers.forEach(ManagedProcess::close);
    }

    @Override
    public String toString() {
        return "ZooKeeperEnsemble[" + connectString() + "]";
    }
}
