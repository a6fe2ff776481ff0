package dev.cloudhop.failover.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link PhiAccrualDetector} on an injected clock: silence raises phi, the jitter profile does not. */
class PhiAccrualDetectorTest {

    private static final double THRESHOLD = 4.0;
    private static final long MS = 1_000_000;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final PhiAccrualDetector detector = new PhiAccrualDetector(now::get, Duration.ofMillis(30),
            Duration.ofMillis(300), PhiAccrualDetector.DEFAULT_WINDOW);

    /** One call that takes {@code ms}, then {@code gapMs} before the next. */
    private void call(long ms, long gapMs) {
        long t = detector.started();
        now.addAndGet(ms * MS);
        detector.answered(t);
        now.addAndGet(gapMs * MS);
    }

    private void steadyTraffic(int calls, SplittableRandom random) {
        for (int i = 0; i < calls; i++) {
            call(5 + random.nextInt(10), random.nextInt(5));
        }
    }

    @Test
    void theNormalTailMatchesKnownValues() {
        // one standard deviation above the mean: P ~ 0.159, phi ~ 0.80; three: P ~ 0.00135, phi ~ 2.87
        assertThat(PhiAccrualDetector.phi(110, 100, 10)).isCloseTo(0.80, within(0.02));
        assertThat(PhiAccrualDetector.phi(130, 100, 10)).isCloseTo(2.87, within(0.05));
        assertThat(PhiAccrualDetector.phi(100, 100, 10)).isCloseTo(Math.log10(2), within(0.01));
    }

    @Test
    void phiRisesWithTheSilenceOfAnOutstandingCall() {
        steadyTraffic(500, new SplittableRandom(1));
        detector.started(); // the site freezes: this call is never answered
        double previous = -1;
        Duration firstSuspected = null;
        for (int ms = 0; ms <= 1_000; ms += 10) {
            double phi = detector.phi();
            assertThat(phi).as("phi never falls while the silence grows (at %d ms)", ms).isGreaterThanOrEqualTo(previous);
            if (firstSuspected == null && phi >= THRESHOLD) {
                firstSuspected = Duration.ofMillis(ms);
            }
            previous = phi;
            now.addAndGet(10 * MS);
        }
        System.out.println("[phi] a frozen site after 5-15 ms calls crosses phi " + THRESHOLD + " after " + firstSuspected);
        assertThat(firstSuspected).as("suspected after the acceptable pause, well before a 1 s timeout")
                .isBetween(Duration.ofMillis(300), Duration.ofMillis(500));
        assertThat(detector.silence()).isEqualTo(Duration.ofMillis(1_010));
    }

    @Test
    void aServiceWithTooFewAnswersIsNotSuspectedYet() {
        for (int i = 0; i < PhiAccrualDetector.MIN_SAMPLES - 1; i++) {
            call(10, 0);
        }
        detector.started();
        now.addAndGet(5_000 * MS);
        assertThat(detector.phi()).as("a 5 s silence after %d answers", PhiAccrualDetector.MIN_SAMPLES - 1).isZero();

        detector.reset();
        call(10, 0); // the answer that completes the minimum
        detector.started();
        now.addAndGet(5_000 * MS);
        assertThat(detector.phi()).isGreaterThan(THRESHOLD);
    }

    @Test
    void latencySpikesAndStopTheWorldPausesStayBelowTheThreshold() {
        SplittableRandom random = new SplittableRandom(7);
        steadyTraffic(300, random);
        double worst = 0;
        for (int i = 0; i < 5_000; i++) {
            int dice = random.nextInt(100);
            if (dice < 5) {
                // a latency spike of 20-80 ms
                long t = detector.started();
                for (int step = 0, ms = 20 + random.nextInt(61); step < ms; step += 5) {
                    now.addAndGet(5 * MS);
                    worst = Math.max(worst, detector.phi());
                }
                detector.answered(t);
            } else if (dice == 5) {
                // a 300 ms stop-the-world pause of the emulator: the call in flight waits it out, plus its latency
                long t = detector.started();
                for (int ms = 0; ms < 300 + 15; ms += 5) {
                    now.addAndGet(5 * MS);
                    worst = Math.max(worst, detector.phi());
                }
                detector.answered(t);
            } else {
                call(5 + random.nextInt(10), random.nextInt(5));
            }
        }
        System.out.println("[phi] worst phi over 5000 calls with spikes and 300 ms pauses: " + worst);
        assertThat(worst).isLessThan(THRESHOLD);
    }

    @Test
    void anIdleServiceAndALongTransferBesideAnsweredCallsAreNotSilent() {
        steadyTraffic(200, new SplittableRandom(3));
        now.addAndGet(60_000 * MS);
        assertThat(detector.phi()).as("nothing outstanding: idle, not silent").isZero();

        long upload = detector.started();
        for (int i = 0; i < 100; i++) {
            call(10, 190); // the probes go on being answered during a 20 s upload
            assertThat(detector.phi()).isLessThan(1.0);
        }
        detector.answered(upload);
        assertThat(detector.inFlight()).isZero();
    }

    @Test
    void anAbandonedCallIsNoLongerSilenceAndUnavailableAnswersAreNoLatency() {
        steadyTraffic(100, new SplittableRandom(5));
        long t = detector.started();
        now.addAndGet(2_000 * MS);
        assertThat(detector.phi()).isGreaterThan(THRESHOLD);
        detector.abandoned(t);
        assertThat(detector.phi()).isZero();
        assertThat(detector.silence()).isEqualTo(Duration.ZERO);
    }

    @Test
    void cancellingInterruptsTheThreadsWaitingOnCallsAndTheirEndReportsIt() throws Exception {
        steadyTraffic(50, new SplittableRandom(9));
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Boolean> ended = new java.util.concurrent.CompletableFuture<>();
        Thread caller = new Thread(() -> {
            long t = detector.started();
            waiting.countDown();
            try {
                Thread.sleep(60_000); // a call the frozen site holds
                ended.complete(false);
            } catch (InterruptedException e) {
                ended.complete(detector.abandoned(t));
            }
        });
        caller.start();
        waiting.await();
        long answeredBefore = detector.started();
        detector.answered(answeredBefore);

        assertThat(detector.cancelAll()).isEqualTo(1);
        assertThat(ended.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("the end knows it was cancelled").isTrue();
        assertThat(detector.cancelAll()).as("nothing left to cancel").isZero();
        caller.join();
    }
}
