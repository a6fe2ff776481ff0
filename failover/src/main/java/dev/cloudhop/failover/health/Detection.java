package dev.cloudhop.failover.health;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link HealthMonitor} decides that a site's service is down, read from the {@code failover.detection}
 * section:
 * <pre>{@code
 * detection { kind = phi,                # phi (default) | count
 *             phi-threshold = 4,         # phi mode: suspicion that marks a service down
 *             min-std-deviation = 30 ms, acceptable-pause = 500 ms, check-interval = 20 ms }
 * }</pre>
 * In both kinds, {@code probe.tolerated-failures} failed probes in a row and {@code passive.consecutive-failures}
 * unavailable calls in a row mark a service down. {@link Kind#PHI} adds a {@link PhiAccrualDetector} per site
 * for blob and queue (compute and DNS keep count detection): every {@code check-interval}, a service whose calls
 * (live or probes) have gone unanswered for longer than its recent latencies make likely is marked down before any
 * timeout fires. With the defaults that is about 0.6 s of silence after fast calls: the acceptable pause is 500 ms
 * because with 300 ms the soak benchmark's 300 ms {@code SIGSTOP}s of a healthy Azurite, and LocalStack's own
 * stalls, caused false failovers. Phi is the default kind: the soak benchmark at these settings (10 minutes of
 * steady traffic, latency spikes, 300 ms pauses of the primary's Azurite, a loaded CPU) caused no failover, and it
 * finds a frozen Azurite in about 0.6 s where count detection takes the probe timeout times the tolerated failures.
 *
 * @param kind             count only, or count plus the phi accrual detector
 * @param phiThreshold     phi mode: the suspicion that marks a service down (phi 4: a 0.01% chance it is fine)
 * @param minStdDeviation  phi mode: floor of the latency distribution's standard deviation
 * @param acceptablePause  phi mode: silence always tolerated on top of the mean latency (a GC or VM pause)
 * @param checkInterval    phi mode: how often the suspicion is evaluated
 */
public record Detection(Kind kind, double phiThreshold, Duration minStdDeviation, Duration acceptablePause,
                        Duration checkInterval) {

    /** The default: count detection plus the phi accrual detector, at phi 4 with a 500 ms acceptable pause. */
    public static final Detection DEFAULT = new Detection(Kind.PHI, 4.0, Duration.ofMillis(30), Duration.ofMillis(500),
            Duration.ofMillis(20));

    /** Count-based detection only ({@code kind = count}), with the default phi settings should the kind change. */
    public static final Detection COUNT = DEFAULT.withKind(Kind.COUNT);

    /** Which evidence marks a service down. */
    public enum Kind {
        /** Consecutive failed probes and consecutive failed calls. */
        COUNT,
        /** As {@link #COUNT}, plus the phi accrual detector's suspicion of unanswered calls. */
        PHI
    }

    /** Rejects nulls (ranges are checked by the configuration's rules). */
    public Detection {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(minStdDeviation, "minStdDeviation");
        Objects.requireNonNull(acceptablePause, "acceptablePause");
        Objects.requireNonNull(checkInterval, "checkInterval");
    }

    /** This detection with another kind. */
    public Detection withKind(Kind newKind) {
        return new Detection(newKind, phiThreshold, minStdDeviation, acceptablePause, checkInterval);
    }
}
