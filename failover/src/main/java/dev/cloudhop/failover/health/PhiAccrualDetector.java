package dev.cloudhop.failover.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Suspicion of one (site, service) as a phi value (Hayashibara et al., "The phi accrual failure detector",
 * 2004): {@code phi = -log10(P)}, where {@code P} is the probability, under the service's recent behaviour,
 * of the silence now observed. Phi 1 means a 10% chance the service is fine, phi 3 a 0.1% chance.
 *
 * <p>The silence is the time during which calls (probes or live calls) were outstanding and none was answered:
 * from the later of the last answer and the start of the oldest call in flight, until now. It is judged
 * against the distribution of the service's recent latencies (mean and standard deviation over a sliding
 * window). A frozen site answers nothing, so the silence grows while every timeout is still far off: this is
 * the evidence that comes first. An idle application is not silent (nothing is outstanding), and one long
 * transfer is not either while other calls or the probes are answered.
 *
 * The distribution is widened the way long pauses need: its standard deviation is at least
 * {@code minStdDeviation}, and {@code acceptablePause} is added to its mean, so that a stop-the-world pause
 * of that length (a garbage collection, a VM migration, a loaded host) does not raise phi to a failure.
 *
 * <p>Calls that failed as unavailable are not answers: they neither end a silence nor count as latency. The
 * detector also knows the thread waiting on each call, so that the calls of a service found down can be
 * cancelled ({@link #cancelAll()}) instead of waiting out their timeouts.
 * Thread-safe; time comes from the {@code nanoClock} given (tests inject one).
 */
public final class PhiAccrualDetector {

    /** Default size of the latency window. */
    public static final int DEFAULT_WINDOW = 200;

    /**
     * Answers needed before the detector suspects anything: a distribution of a handful of latencies (a service's
     * first calls, slowed by connection set-up and a cold JIT) says too little about what a long silence means.
     */
    public static final int MIN_SAMPLES = 30;

    private final LongSupplier nanoClock;
    private final double minStdDevNanos;
    private final double acceptablePauseNanos;
    private final Window latencies;
    /** Calls in flight by token: start time and the thread waiting on them. */
    private final Map<Long, Call> outstanding = new HashMap<>();
    /** Tokens {@link #cancelAll()} cancelled that have not ended yet (kept across {@link #reset()}). */
    private final Set<Long> cancelled = new HashSet<>();
    private long nextCall;
    private long lastAnswerNanos = Long.MIN_VALUE;

    /**
     * A detector with no history: until the first answers arrive, phi is 0.
     *
     * @param nanoClock       monotonic time in nanoseconds ({@code System::nanoTime} in production)
     * @param minStdDeviation floor of each standard deviation
     * @param acceptablePause silence that is always tolerated on top of the mean
     * @param window          latencies kept
     */
    public PhiAccrualDetector(LongSupplier nanoClock, Duration minStdDeviation, Duration acceptablePause, int window) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (minStdDeviation.isNegative() || minStdDeviation.isZero()) {
            throw new IllegalArgumentException("minStdDeviation must be positive, was " + minStdDeviation);
        }
        if (acceptablePause.isNegative()) {
            throw new IllegalArgumentException("acceptablePause must not be negative, was " + acceptablePause);
        }
        this.minStdDevNanos = minStdDeviation.toNanos();
        this.acceptablePauseNanos = acceptablePause.toNanos();
        this.latencies = new Window(window);
    }

    private record Call(long startNanos, Thread thread) {
    }

    /** A call (probe or live) starts on the current thread; returns the token to end it with. */
    public synchronized long started() {
        long token = nextCall++;
        outstanding.put(token, new Call(nanoClock.getAsLong(), Thread.currentThread()));
        return token;
    }

    /**
     * The call of {@code token} was answered (successfully, or with an error that is the caller's).
     *
     * @return whether {@link #cancelAll()} had cancelled it (its thread may still carry the interrupt)
     */
    public synchronized boolean answered(long token) {
        Call call = outstanding.remove(token);
        boolean wasCancelled = cancelled.remove(token);
        long now = nanoClock.getAsLong();
        if (call != null && !wasCancelled) {
            latencies.add(now - call.startNanos());
        }
        lastAnswerNanos = Math.max(lastAnswerNanos, now);
        return wasCancelled;
    }

    /**
     * The call of {@code token} failed as unavailable or ended otherwise without an answer.
     *
     * @return whether {@link #cancelAll()} had cancelled it
     */
    public synchronized boolean abandoned(long token) {
        outstanding.remove(token);
        return cancelled.remove(token);
    }

    /**
     * Cancels every call in flight: interrupts the thread waiting on each (a call that honours interrupts ends
     * at once; the others end when they would have) and remembers it, so that its end reports the cancellation.
     *
     * @return the calls cancelled now
     */
    public synchronized int cancelAll() {
        int n = 0;
        for (Map.Entry<Long, Call> e : outstanding.entrySet()) {
            if (cancelled.add(e.getKey())) {
                e.getValue().thread().interrupt();
                n++;
            }
        }
        return n;
    }

    /** Calls in flight now. */
    public synchronized int inFlight() {
        return outstanding.size();
    }

    /** The suspicion now (see the class comment): 0 with no call outstanding or fewer than {@link #MIN_SAMPLES} answers yet. */
    public synchronized double phi() {
        if (outstanding.isEmpty() || latencies.size() < MIN_SAMPLES) {
            return 0;
        }
        return phi(silenceNanos(nanoClock.getAsLong()), latencies.mean() + acceptablePauseNanos,
                Math.max(minStdDevNanos, latencies.stdDev()));
    }

    /** The silence now (see the class comment), zero when no call is outstanding. */
    public synchronized Duration silence() {
        return outstanding.isEmpty() ? Duration.ZERO : Duration.ofNanos(silenceNanos(nanoClock.getAsLong()));
    }

    private long silenceNanos(long now) {
        long oldest = outstanding.values().stream().mapToLong(Call::startNanos).min().orElse(now);
        return now - Math.max(oldest, lastAnswerNanos);
    }

    /**
     * Forgets the silence (not the distributions): after a recovery the service starts unsuspected. Cancelled
     * calls stay known as such until they end.
     */
    public synchronized void reset() {
        outstanding.clear();
        lastAnswerNanos = Long.MIN_VALUE;
    }

    /**
     * {@code -log10(P(X > elapsed))} for a normal {@code X} of this mean and standard deviation, with the
     * logistic approximation of the normal tail (accurate to about 1e-4 and cheap, with no erf).
     */
    static double phi(double elapsed, double mean, double std) {
        double y = (elapsed - mean) / std;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        // e / (1 + e) is P(X > elapsed); the two forms keep precision on each side of the mean
        return elapsed > mean ? -Math.log10(e / (1.0 + e)) : -Math.log10(1.0 - 1.0 / (1.0 + e));
    }

    /** A fixed-size ring of samples with running sums. */
    private static final class Window {
        private final long[] samples;
        private int next;
        private int size;
        private double sum;
        private double sumSquares;

        Window(int capacity) {
            if (capacity < 2) {
                throw new IllegalArgumentException("window must hold at least 2 samples, was " + capacity);
            }
            samples = new long[capacity];
        }

        void add(long v) {
            if (size == samples.length) {
                long old = samples[next];
                sum -= old;
                sumSquares -= (double) old * old;
            } else {
                size++;
            }
            samples[next] = v;
            next = (next + 1) % samples.length;
            sum += v;
            sumSquares += (double) v * v;
        }

        int size() {
            return size;
        }

        double mean() {
            return sum / size;
        }

        double stdDev() {
            double m = mean();
            return Math.sqrt(Math.max(0, sumSquares / size - m * m));
        }
    }
}
