package dev.cloudhop.failover.coordination;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code zookeeper} coordination mode: the fleet's register, leader and health views kept in a ZooKeeper
 * ensemble through Apache Curator.
 *
 * <p>Znodes, under the Curator namespace {@code cloudhop/<namespace>}:
 * <ul>
 *   <li>{@code /register}: {@code "<epoch> <activeSite>"} in UTF-8, created once by the first instance to
 *       join and changed only by {@link #compareAndSet} as a versioned {@code setData};</li>
 *   <li>{@code /leader}: a {@link LeaderLatch} whose participant id is the instance id; with
 *       {@link SessionConnectionStateErrorPolicy} leadership survives a broken connection while the session
 *       lives (one server killed) and ends with the session;</li>
 *   <li>{@code /views/<instanceId>}: an ephemeral node per instance listing the sites it sees down, one per
 *       line; it vanishes with its instance's session, so the children of {@code /views} are the live
 *       instances.</li>
 * </ul>
 *
 * <p>The register and the views are cached and watched, so {@link #current()}, {@link #fleetDown()} and
 * {@link #mayAcknowledge()} never call ZooKeeper. {@link #mayAcknowledge()} turns false as soon as the
 * connection is suspended (the client heard nothing from its server for two thirds of the session timeout)
 * and true again once the connection is back and the register has been read again; after a lost session
 * Curator opens a new one, the view node is created again and the latch rejoins the election.
 *
 * <p>Thread-safe. {@link #close()} is idempotent.
 */
public final class ZooKeeperCoordinator implements Coordinator {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCoordinator.class);

    private static final String REGISTER = "/register";
    private static final String LEADER = "/leader";

    private final ZooKeeperSettings settings;
    private final CuratorFramework client;
    private final ZooKeeperRegister register;
    private final ZooKeeperViews views;
    private final AtomicInteger sessionsLost = new AtomicInteger();
    private final Object lock = new Object();

    // guarded by lock: the connection state, bumped on every change so that a register read started under one
    // connection cannot make an instance acknowledge under a later one
    private long generation;
    private boolean connected;
    private boolean registerFresh;
    private boolean joined;
    private boolean closed;

    private volatile LeaderLatch latch;
    private volatile CuratorCache registerCache;

    /** Configures a coordinator; nothing connects before {@link #join}. */
    public ZooKeeperCoordinator(ZooKeeperSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        int sessionMs = (int) Math.min(Integer.MAX_VALUE, settings.sessionTimeout().toMillis());
        this.client = CuratorFrameworkFactory.builder()
                .connectString(settings.connect())
                .namespace("cloudhop/" + settings.namespace())
                .sessionTimeoutMs(sessionMs)
                // an operation waits for a connection at most one session timeout, then fails (bounded retries)
                .connectionTimeoutMs(sessionMs)
                .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 3))
                // leadership ends with the session, not with each broken connection
                .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy())
                .build();
        this.register = new ZooKeeperRegister(settings.instanceId());
        this.views = new ZooKeeperViews(settings, client);
        client.getConnectionStateListenable().addListener((c, state) -> stateChanged(state));
    }

    /** The settings this coordinator runs with. */
    public ZooKeeperSettings settings() {
        return settings;
    }

    /**
     * Connects (waiting up to twice the session timeout), creates the register with {@code initial} unless it
     * exists (a concurrent creator loses cleanly and reads the winner's), reads and watches it, joins the
     * leader election and publishes this instance's view.
     *
     * @throws CoordinationException when the ensemble cannot be reached or the register is unreadable; the
     *                               coordinator is then of no further use and is to be closed
     * @throws IllegalStateException when called twice or after {@link #close()}
     */
    @Override
    public Register join(Register initial) {
        Objects.requireNonNull(initial, "initial");
        long generationAtRead;
        synchronized (lock) {
            if (closed || joined) {
                throw new IllegalStateException(closed ? "closed" : "already joined");
            }
            joined = true;
        }
        LOG.info("instance {} joining coordination {} at {}", settings.instanceId(), client.getNamespace(),
                settings.connect());
        client.start();
        try {
            if (!client.blockUntilConnected((int) (2 * settings.sessionTimeout().toMillis()), TimeUnit.MILLISECONDS)) {
                throw new CoordinationException("instance " + settings.instanceId() + " could not connect to ZooKeeper "
                        + settings.connect() + " within " + settings.sessionTimeout().multipliedBy(2));
            }
            try {
                client.create().creatingParentsIfNeeded().forPath(REGISTER, ZooKeeperRegister.encode(initial));
                LOG.info("instance {} created the register {} with {}", settings.instanceId(), client.getNamespace(), initial);
            } catch (KeeperException.NodeExistsException e) {
                LOG.debug("register {} exists; instance {} reads it", client.getNamespace(), settings.instanceId());
            }
            views.createParent();
            synchronized (lock) {
                generationAtRead = generation;
            }
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(REGISTER);
            register.accept(ZooKeeperRegister.decode(data), stat.getVersion());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinationException("interrupted while joining coordination " + client.getNamespace(), e);
        } catch (CoordinationException e) {
            throw e;
        } catch (Exception e) {
            throw new CoordinationException("instance " + settings.instanceId() + " could not create or read the register "
                    + client.getNamespace() + REGISTER + ": " + e, e);
        }
        startWatching();
        markFresh(generationAtRead);
        return current();
    }

    private void startWatching() {
        CuratorCache registerWatch = CuratorCache.build(client, REGISTER, CuratorCache.Options.SINGLE_NODE_CACHE);
        registerWatch.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> register.acceptOrLog(after.getData(), after.getStat().getVersion()))
                .forDeletes(gone -> LOG.error("register {} was deleted; instance {} keeps {} and refuses to move it",
                        client.getNamespace(), settings.instanceId(), register.valueOrNull()))
                .build());
        registerWatch.start();
        registerCache = registerWatch;

        views.start();

        LeaderLatch election = new LeaderLatch(client, LEADER, settings.instanceId());
        election.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                LOG.info("instance {} leads coordination {}", settings.instanceId(), client.getNamespace());
            }

            @Override
            public void notLeader() {
                LOG.info("instance {} no longer leads coordination {}", settings.instanceId(), client.getNamespace());
            }
        });
        try {
            election.start();
        } catch (Exception e) {
            throw new CoordinationException("instance " + settings.instanceId() + " could not join the leader election", e);
        }
        latch = election;
    }

    @Override
    public Register current() {
        Register value = register.valueOrNull();
        if (value == null) {
            throw new IllegalStateException("instance " + settings.instanceId() + " has not joined");
        }
        return value;
    }

    /**
     * An instance cut off from the ensemble acknowledges until its client sees the connection suspended, within
     * the session timeout.
     */
    @Override
    public Duration staleWriterBound() {
        return settings.sessionTimeout();
    }

    /**
     * True while the session is connected and the register has been read on the current connection; false
     * while the connection is suspended or the session lost, before {@link #join} and after {@link #close()}.
     */
    @Override
    public boolean mayAcknowledge() {
        synchronized (lock) {
            return joined && !closed && connected && registerFresh;
        }
    }

    /**
     * Reads the register and, if it holds {@code expected}, writes {@code next} with a {@code setData} at the
     * znode version that was read, so that of concurrent moves from one value exactly one succeeds. The write is
     * not retried: a connection lost during it leaves its outcome unknown. False also when this instance's
     * server is behind the value {@code expected} came from; {@link #current()} then catches up.
     *
     * @throws IllegalArgumentException when {@code next.epoch()} is not {@code expected.epoch() + 1}
     * @throws CoordinationException    when this instance may not acknowledge now, or the outcome is unknown
     */
    @Override
    public boolean compareAndSet(Register expected, Register next) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(next, "next");
        if (next.epoch() != expected.epoch() + 1) {
            throw new IllegalArgumentException("an epoch moves by one: " + expected + " -> " + next);
        }
        if (!mayAcknowledge()) {
            throw new CoordinationException("instance " + settings.instanceId() + " has no current ZooKeeper session; "
                    + "cannot move the register from " + expected + " to " + next);
        }
        String path = ZKPaths.makePath(client.getNamespace(), REGISTER);
        try {
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(REGISTER);
            Register stored = ZooKeeperRegister.decode(data);
            register.accept(stored, stat.getVersion());
            if (!stored.equals(expected)) {
                LOG.info("instance {}: register is {}, not {}; not moving it to {}", settings.instanceId(), stored,
                        expected, next);
                return false;
            }
            // the bare ZooKeeper handle: Curator's retry would turn a lost reply to a successful write into BadVersion
            Stat written = client.getZookeeperClient().getZooKeeper().setData(path, ZooKeeperRegister.encode(next), stat.getVersion());
            register.accept(next, written.getVersion());
            LOG.info("instance {} moved the register from {} to {}", settings.instanceId(), expected, next);
            return true;
        } catch (KeeperException.BadVersionException e) {
            LOG.info("instance {}: another instance moved the register from {} first", settings.instanceId(), expected);
            refreshInBackground(-1);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinationException("interrupted moving the register to " + next + "; outcome unknown", e);
        } catch (Exception e) {
            throw new CoordinationException("instance " + settings.instanceId() + " could not move the register from "
                    + expected + " to " + next + "; outcome unknown: " + e, e);
        }
    }

    /** Whether the leader latch holds leadership (it keeps it across a broken connection while the session lives). */
    @Override
    public boolean isLeader() {
        LeaderLatch election = latch;
        return election != null && !isClosed() && election.hasLeadership();
    }

    /**
     * Publishes the view as this instance's ephemeral node (in the background; kept and published again after
     * a new session). Before {@link #join} the view is kept and published by it.
     */
    @Override
    public void publishView(Set<String> sitesDown) {
        Set<String> view = views.keep(sitesDown);
        if (!isClosed()) {
            views.publish(view);
        }
    }

    /** The sites more than the configured share of the live views name, from the watched cache of {@code /views}. */
    @Override
    public Set<String> fleetDown() {
        return views.fleetDown();
    }

    @Override
    public void onChange(Consumer<Register> listener) {
        register.onChange(listener);
    }

    /** The number of sessions this instance has lost (each one ended its view and leadership). */
    int sessionsLost() {
        return sessionsLost.get();
    }

    /** The ZooKeeper handle's description (state, session id, the server it talks to), for tests and logs. */
    String describeConnection() {
        try {
            return client.getZookeeperClient().getZooKeeper().toString();
        } catch (Exception e) {
            return "no connection: " + e;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // leaving the election and deleting the view first, while the session can still do it
        closeQuietly(latch, "leader latch", settings.instanceId());
        views.close();
        closeQuietly(registerCache, "register watch", settings.instanceId());
        client.close();
        LOG.info("instance {} left coordination {}", settings.instanceId(), client.getNamespace());
    }

    @Override
    public String toString() {
        return "ZooKeeperCoordinator[" + settings.instanceId() + " in " + client.getNamespace() + " at "
                + settings.connect() + "]";
    }

    /** Closes {@code part} unless it is null, logging a failure instead of throwing it. */
    static void closeQuietly(Closeable part, String what, String instanceId) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("instance {} could not close its {} cleanly: {}", instanceId, what, e.toString());
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void stateChanged(ConnectionState state) {
        long g;
        boolean readAgain;
        synchronized (lock) {
            g = ++generation;
            connected = state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED;
            registerFresh = false;
            readAgain = connected && joined && !closed && register.valueOrNull() != null;
        }
        if (state == ConnectionState.LOST) {
            sessionsLost.incrementAndGet();
            LOG.warn("instance {} lost its ZooKeeper session in {}; it stops acknowledging writes and leading",
                    settings.instanceId(), client.getNamespace());
        } else if (state == ConnectionState.SUSPENDED) {
            LOG.warn("instance {}: ZooKeeper connection suspended in {}; it stops acknowledging writes",
                    settings.instanceId(), client.getNamespace());
        } else {
            LOG.info("instance {}: ZooKeeper connection {} in {}", settings.instanceId(), state, client.getNamespace());
        }
        if (readAgain) {
            refreshInBackground(g);
        }
    }

    /** Reads the register again; with a generation, marks it fresh for that connection when the read succeeds. */
    private void refreshInBackground(long forGeneration) {
        try {
            client.getData().inBackground((c, event) -> registerRead(event, forGeneration)).forPath(REGISTER);
        } catch (Exception e) {
            LOG.warn("instance {} could not read the register again: {}", settings.instanceId(), e.toString());
        }
    }

    private void registerRead(CuratorEvent event, long forGeneration) {
        if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
            LOG.warn("instance {} could not read the register again: {}", settings.instanceId(),
                    KeeperException.Code.get(event.getResultCode()));
            return;
        }
        if (register.acceptOrLog(event.getData(), event.getStat().getVersion()) && forGeneration >= 0) {
            markFresh(forGeneration);
        }
    }

    private void markFresh(long forGeneration) {
        synchronized (lock) {
            if (generation == forGeneration && connected) {
                registerFresh = true;
            }
        }
    }
}
