package dev.cloudhop.failover.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.testing.ZooKeeperEnsemble;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code zookeeper} coordination mode against three real ZooKeeper server processes, killed and frozen.
 * Each test works in its own namespace; a test that harms servers brings them back before it ends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZooKeeperCoordinatorTest {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCoordinatorTest.class);
    private static final Duration SESSION = Duration.ofSeconds(4);
    private static final Duration QUICK = Duration.ofSeconds(15);
    private static final Duration RECOVERY = Duration.ofSeconds(60);
    private static final Pattern REMOTE_PORT = Pattern.compile("remoteserver:\\S*:(\\d+)");
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private static ZooKeeperEnsemble ensemble;

    private final List<ZooKeeperCoordinator> opened = new ArrayList<>();
    private String namespace;

    @BeforeAll
    static void startEnsemble() {
        ensemble = ZooKeeperEnsemble.start(3);
    }

    @AfterAll
    static void stopEnsemble() {
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @BeforeEach
    void freshNamespace() {
        namespace = "test-" + NAMESPACES.incrementAndGet();
    }

    @AfterEach
    void closeCoordinators() {
        opened.forEach(ZooKeeperCoordinator::close);
    }

    private ZooKeeperCoordinator open(String instanceId) {
        ZooKeeperCoordinator coordinator = new ZooKeeperCoordinator(
                new ZooKeeperSettings(ensemble.connectString(), namespace, SESSION, ZooKeeperSettings.MAJORITY, instanceId));
        opened.add(coordinator);
        return coordinator;
    }

    private ZooKeeperCoordinator joined(String instanceId, Register initial) {
        ZooKeeperCoordinator coordinator = open(instanceId);
        coordinator.join(initial);
        return coordinator;
    }

    /** The 0-based index of the server the coordinator's session talks to now, -1 while it talks to none. */
    private static int serverOf(ZooKeeperCoordinator coordinator) {
        Matcher m = REMOTE_PORT.matcher(coordinator.describeConnection());
        if (!m.find()) {
            return -1;
        }
        String address = "127.0.0.1:" + m.group(1);
        return IntStream.range(0, ensemble.size())
                .filter(i -> ensemble.connectString(i).equals(address))
                .findFirst().orElse(-1);
    }

    @Test
    void theFirstJoinCreatesTheRegisterAndLaterOnesReadIt() {
        ZooKeeperCoordinator first = joined("app-1", new Register(1, "s1"));
        ZooKeeperCoordinator second = joined("app-2", new Register(1, "s2"));

        assertThat(first.current()).isEqualTo(new Register(1, "s1"));
        assertThat(second.current()).isEqualTo(new Register(1, "s1"));
        assertThat(second.mayAcknowledge()).isTrue();
        assertThatThrownBy(() -> second.join(new Register(1, "s1"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void concurrentMovesFromOneValueHaveExactlyOneWinner() throws Exception {
        Register start = new Register(1, "s1");
        ZooKeeperCoordinator a = joined("app-1", start);
        ZooKeeperCoordinator b = joined("app-2", start);
        List<Register> seenByB = new CopyOnWriteArrayList<>();
        b.onChange(seenByB::add);

        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<Boolean> moveA = () -> {
                go.await();
                return a.compareAndSet(start, start.next("s2"));
            };
            Callable<Boolean> moveB = () -> {
                go.await();
                return b.compareAndSet(start, start.next("s3"));
            };
            Future<Boolean> wonA = pool.submit(moveA);
            Future<Boolean> wonB = pool.submit(moveB);
            go.countDown();
            boolean aWon = wonA.get(30, TimeUnit.SECONDS);
            boolean bWon = wonB.get(30, TimeUnit.SECONDS);

            assertThat(aWon ^ bWon).as("exactly one of a=%s, b=%s wins", aWon, bWon).isTrue();
            Register winner = aWon ? start.next("s2") : start.next("s3");
            ZooKeeperCoordinator loser = aWon ? b : a;
            await().atMost(QUICK).until(() -> loser.current().equals(winner));
            assertThat(a.current()).isEqualTo(winner);
            assertThat(b.current().epoch()).isEqualTo(2);
            await().atMost(QUICK).until(() -> seenByB.contains(winner));
            // the stale value cannot move it any more
            assertThat(loser.compareAndSet(start, start.next("s1"))).isFalse();
            assertThat(loser.compareAndSet(winner, winner.next("s1"))).isTrue();
            await().atMost(QUICK).until(() -> (aWon ? a : b).current().equals(new Register(3, "s1")));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void exactlyOneOfThreeLeadsAndClosingItElectsAnother() {
        Register start = new Register(1, "s1");
        List<ZooKeeperCoordinator> fleet = List.of(joined("app-1", start), joined("app-2", start), joined("app-3", start));

        await().atMost(QUICK).until(() -> fleet.stream().filter(Coordinator::isLeader).count() == 1);
        ZooKeeperCoordinator leader = fleet.stream().filter(Coordinator::isLeader).findFirst().orElseThrow();
        leader.close();
        leader.close();

        assertThat(leader.isLeader()).isFalse();
        assertThat(leader.mayAcknowledge()).isFalse();
        List<ZooKeeperCoordinator> rest = fleet.stream().filter(c -> c != leader).toList();
        await().atMost(QUICK).until(() -> rest.stream().filter(Coordinator::isLeader).count() == 1);
    }

    @Test
    void theFleetSeesDownWhatAMajorityOfLiveViewsSees() {
        Register start = new Register(1, "s1");
        ZooKeeperCoordinator a = joined("app-1", start);
        ZooKeeperCoordinator b = joined("app-2", start);
        ZooKeeperCoordinator c = joined("app-3", start);

        a.publishView(Set.of("s1"));
        b.publishView(Set.of("s1"));
        c.publishView(Set.of());
        for (ZooKeeperCoordinator each : List.of(a, b, c)) {
            await().atMost(QUICK).until(() -> each.fleetDown().equals(Set.of("s1")));
        }

        c.publishView(Set.of("s2"));
        await().atMost(QUICK).until(() -> a.fleetDown().equals(Set.of("s1")) && c.fleetDown().equals(Set.of("s1")));

        // b's session ends: its view no longer counts, and one of two live views is no majority
        b.close();
        await().atMost(QUICK).until(() -> a.fleetDown().isEmpty() && c.fleetDown().isEmpty());

        c.publishView(Set.of("s1", "s2"));
        await().atMost(QUICK).until(() -> a.fleetDown().equals(Set.of("s1")));
    }

    @Test
    void oneServerKilledChangesNothingTheFleetCanSee() {
        Register start = new Register(1, "s1");
        ZooKeeperCoordinator a = joined("app-1", start);
        ZooKeeperCoordinator b = joined("app-2", start);
        await().atMost(QUICK).until(() -> a.isLeader() ^ b.isLeader());
        ZooKeeperCoordinator leader = a.isLeader() ? a : b;
        ZooKeeperCoordinator other = leader == a ? b : a;
        int server = serverOf(leader);
        assertThat(server).as("leader's server: %s", leader.describeConnection()).isNotNegative();

        ensemble.kill(server);
        try {
            await().atMost(QUICK).until(() -> serverOf(leader) >= 0 && serverOf(leader) != server
                    && leader.mayAcknowledge() && other.mayAcknowledge());
            // the session lived, so leadership stayed
            assertThat(leader.isLeader()).isTrue();
            assertThat(other.isLeader()).isFalse();
            assertThat(leader.sessionsLost()).isZero();

            assertThat(leader.compareAndSet(start, start.next("s2"))).isTrue();
            await().atMost(QUICK).until(() -> other.current().equals(start.next("s2")));
        } finally {
            ensemble.restart(server);
        }
    }

    @Test
    void frozenEnsembleStopsAcknowledgingWithinTheSessionTimeoutAndThawingRestoresIt() {
        Register start = new Register(1, "s1");
        ZooKeeperCoordinator a = joined("app-1", start);
        a.publishView(Set.of("s2"));
        assertThat(a.compareAndSet(start, start.next("s2"))).isTrue();
        await().atMost(QUICK).until(() -> a.fleetDown().equals(Set.of("s2")));

        long frozenAt = System.nanoTime();
        IntStream.range(0, ensemble.size()).forEach(ensemble::freeze);
        try {
            await().atMost(SESSION.plusSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() -> !a.mayAcknowledge());
            LOG.info("MEASURED all servers frozen -> mayAcknowledge() false after {} ms (session timeout {} ms)",
                    (System.nanoTime() - frozenAt) / 1_000_000, SESSION.toMillis());
            assertThatThrownBy(() -> a.compareAndSet(start.next("s2"), new Register(3, "s1")))
                    .isInstanceOf(CoordinationException.class);
        } finally {
            IntStream.range(0, ensemble.size()).forEach(ensemble::thaw);
        }
        long thawedAt = System.nanoTime();
        await().atMost(RECOVERY).until(a::mayAcknowledge);
        LOG.info("MEASURED thawed -> mayAcknowledge() true after {} ms", (System.nanoTime() - thawedAt) / 1_000_000);

        assertThat(a.current()).isEqualTo(new Register(2, "s2"));
        ZooKeeperCoordinator newcomer = joined("app-2", start);
        assertThat(newcomer.current()).isEqualTo(new Register(2, "s2"));
        // a lone view of s2 is the fleet's view only while it is the only live one
        newcomer.close();
        assertThat(a.compareAndSet(new Register(2, "s2"), new Register(3, "s1"))).isTrue();
        await().atMost(QUICK).until(() -> a.fleetDown().equals(Set.of("s2")));
    }

    @Test
    void quorumLostEndsTheSessionAndANewOneRestoresViewLeadershipAndRegister() {
        Register start = new Register(1, "s1");
        ZooKeeperCoordinator a = joined("app-1", start);
        a.publishView(Set.of("s3"));
        await().atMost(QUICK).until(() -> a.isLeader() && a.fleetDown().equals(Set.of("s3")));
        int kept = serverOf(a);
        assertThat(kept).as("a's server: %s", a.describeConnection()).isNotNegative();
        List<Integer> killed = IntStream.range(0, ensemble.size()).filter(i -> i != kept).boxed().toList();

        long killedAt = System.nanoTime();
        killed.forEach(ensemble::kill);
        try {
            await().atMost(SESSION.plusSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> !a.mayAcknowledge());
            LOG.info("MEASURED two of three servers killed -> mayAcknowledge() false after {} ms",
                    (System.nanoTime() - killedAt) / 1_000_000);
            assertThatThrownBy(() -> a.compareAndSet(start, start.next("s2"))).isInstanceOf(CoordinationException.class);
            await().atMost(SESSION.plusSeconds(15)).until(() -> a.sessionsLost() >= 1);
            assertThat(a.isLeader()).isFalse();
        } finally {
            killed.forEach(ensemble::restart);
        }
        await().atMost(RECOVERY).until(a::mayAcknowledge);
        assertThat(a.current()).isEqualTo(start);
        await().atMost(QUICK).until(() -> a.isLeader() && a.fleetDown().equals(Set.of("s3")));
        assertThat(a.compareAndSet(start, start.next("s2"))).isTrue();
    }
}
