package dev.cloudhop.failover.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.internal.EventBus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {

    private final EventBus events = new EventBus();
    private final List<String> changes = new ArrayList<>();
    private final HealthMonitor health = new HealthMonitor(List.of("a", "b"), 2, 3, Clock.systemUTC(), events,
            (site, service) -> changes.add(site + "/" + service.key()));

    @Test
    void everyServiceStartsUp() {
        assertThat(health.allUp("a", Set.of(Service.values()))).isTrue();
        assertThat(health.snapshot()).containsOnlyKeys("a", "b");
    }

    @Test
    void consecutiveFailedCallsMarkAServiceDownAndASuccessBreaksTheRun() {
        health.callFailed("a", Service.BLOB, "refused");
        health.callFailed("a", Service.BLOB, "refused");
        health.callSucceeded("a", Service.BLOB);
        health.callFailed("a", Service.BLOB, "refused");
        health.callFailed("a", Service.BLOB, "refused");
        assertThat(health.isUp("a", Service.BLOB)).isTrue();

        health.callFailed("a", Service.BLOB, "refused");

        assertThat(health.isUp("a", Service.BLOB)).isFalse();
        assertThat(health.isUp("a", Service.QUEUE)).as("other services are unaffected").isTrue();
        assertThat(changes).containsExactly("a/blob");
        assertThat(events.history()).singleElement().isInstanceOfSatisfying(FailoverEvent.SiteHealthChanged.class,
                e -> assertThat(e.reason()).contains("3 consecutive calls failed: refused"));
    }

    @Test
    void probesToleratesFailuresAndOneSuccessBringsAServiceBack() {
        health.probed("b", Service.QUEUE, false, "timeout");
        assertThat(health.isUp("b", Service.QUEUE)).isTrue();
        health.probed("b", Service.QUEUE, false, "timeout");
        assertThat(health.isUp("b", Service.QUEUE)).isFalse();

        health.probed("b", Service.QUEUE, true, "");

        assertThat(health.isUp("b", Service.QUEUE)).isTrue();
        assertThat(changes).containsExactly("b/queue", "b/queue");
    }

    @Test
    void anUnknownSiteIsNamed() {
        assertThatThrownBy(() -> health.isUp("x", Service.BLOB)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown site 'x'");
    }

    @Test
    void withPhiDetectionAnUnansweredCallMarksTheServiceDownAndARecoveryForgetsIt() {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        List<String> reasons = new ArrayList<>();
        events.subscribe(e -> {
            if (e instanceof FailoverEvent.SiteHealthChanged h) {
                reasons.add(h.site() + "/" + h.service().key() + " " + (h.up() ? "up" : "down") + ": " + h.reason());
            }
        });
        HealthMonitor phi = new HealthMonitor(List.of("a", "b"), 2, 3, Detection.COUNT.withKind(Detection.Kind.PHI),
                nanos::get, Clock.systemUTC(), events, (site, service) -> { });
        for (int i = 0; i < 50; i++) {
            long t = phi.callStarted("a", Service.BLOB);
            nanos.addAndGet(10_000_000);
            phi.callAnswered("a", Service.BLOB, t);
        }
        phi.callStarted("a", Service.BLOB); // never answered: the site froze
        nanos.addAndGet(400_000_000);
        phi.evaluate();
        assertThat(phi.isUp("a", Service.BLOB)).as("400 ms is within the acceptable pause (500 ms)").isTrue();

        nanos.addAndGet(300_000_000);
        phi.evaluate();
        assertThat(phi.isUp("a", Service.BLOB)).isFalse();
        assertThat(phi.isUp("a", Service.QUEUE)).isTrue();
        assertThat(reasons).singleElement().asString().startsWith("a/blob down: phi ").contains("1 call(s) unanswered for 700 ms");

        phi.probed("a", Service.BLOB, true, "");
        assertThat(phi.phi("a", Service.BLOB)).as("the stuck call is forgotten with the recovery").isZero();
        phi.evaluate();
        assertThat(phi.isUp("a", Service.BLOB)).isTrue();
        phi.close();
    }

    @Test
    void withCountDetectionCallsAreNotTracked() {
        long t = health.callStarted("a", Service.BLOB);
        health.evaluate();
        assertThat(health.phi("a", Service.BLOB)).isZero();
        health.callAbandoned("a", Service.BLOB, t);
        assertThat(health.isUp("a", Service.BLOB)).isTrue();
    }

    @Test
    void phiWatchesTheDataPlaneOnlySoALongComputeCallIsNoSilence() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        Detection phi = Detection.COUNT.withKind(Detection.Kind.PHI);
        try (HealthMonitor m = new HealthMonitor(List.of("a"), 2, 3, phi, now::get, Clock.systemUTC(), events, (x, y) -> { })) {
            for (Service service : List.of(Service.BLOB, Service.COMPUTE)) {
                for (int i = 0; i < 100; i++) {
                    long t = m.callStarted("a", service);
                    now.addAndGet(10_000_000L);
                    m.callAnswered("a", service, t);
                }
                m.callStarted("a", service); // a launch, or a frozen blob store: 10 s without an answer
            }
            now.addAndGet(10_000_000_000L);
            m.evaluate();

            assertThat(m.isUp("a", Service.BLOB)).isFalse();
            assertThat(m.phi("a", Service.COMPUTE)).isZero();
            assertThat(m.isUp("a", Service.COMPUTE)).as("compute keeps count-based detection").isTrue();
        }
    }

    @Test
    void aSuspicionAsksForOneConfirmationWhoseAnswerEndsTheSilenceAndWhoseSilenceMarksTheServiceDown() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        List<String> asked = new ArrayList<>();
        try (HealthMonitor m = new HealthMonitor(List.of("a"), 2, 3, Detection.DEFAULT, now::get, Clock.systemUTC(), events,
                (x, y) -> { })) {
            m.onSuspicion((site, service) -> asked.add(site + "/" + service.key()));
            for (int i = 0; i < 50; i++) {
                long t = m.callStarted("a", Service.BLOB);
                now.addAndGet(10_000_000L);
                m.callAnswered("a", Service.BLOB, t);
            }
            m.callStarted("a", Service.BLOB); // a long upload, alone: nothing else asks the blob store anything

            // 10 s of it, a confirmation asked and answered in 10 ms whenever the suspicion reaches half the threshold
            for (int ms = 0; ms < 10_000; ms += 20) {
                now.addAndGet(20_000_000L);
                int before = asked.size();
                m.evaluate();
                m.evaluate();
                assertThat(asked.size() - before).as("one confirmation at a time").isLessThanOrEqualTo(1);
                if (asked.size() > before) {
                    assertThat(m.phi("a", Service.BLOB)).isBetween(2.0, 4.0);
                    long probe = m.callStarted("a", Service.BLOB);
                    now.addAndGet(10_000_000L);
                    m.callAnswered("a", Service.BLOB, probe);
                    m.confirmationEnded("a", Service.BLOB);
                }
            }
            assertThat(m.isUp("a", Service.BLOB)).as("a long call is no silence while the confirmations are answered").isTrue();
            assertThat(asked).hasSizeBetween(10, 20).containsOnly("a/blob");

            // the site freezes: the next confirmation is not answered, and the suspicion goes on to the threshold
            int before = asked.size();
            while (asked.size() == before) {
                now.addAndGet(20_000_000L);
                m.evaluate();
            }
            m.callStarted("a", Service.BLOB);
            now.addAndGet(100_000_000L);
            m.evaluate();
            assertThat(m.isUp("a", Service.BLOB)).isFalse();
        }
    }
}
