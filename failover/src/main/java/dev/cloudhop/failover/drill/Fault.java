package dev.cloudhop.failover.drill;

import java.time.Duration;
import java.util.Objects;

/** A fault the {@link Switchboard} injects into calls of a site's service. */
public sealed interface Fault {

    /** Calls fail at once with {@link dev.cloudhop.api.UnavailableException} (a refused connection, a 503). */
    record Unavailable() implements Fault {
    }

    /** Calls are delayed by {@code delay} and then proceed (network latency). */
    record Latency(Duration delay) implements Fault {
        /** Validates. */
        public Latency {
            Objects.requireNonNull(delay, "delay");
        }
    }

    /** Calls hang for the facade's call timeout and then fail as unavailable (a black-holed network). */
    record Blackhole() implements Fault {
    }

    /** Calls fail with {@link dev.cloudhop.api.ThrottledException}. */
    record Throttle() implements Fault {
    }

    /** {@link Unavailable}. */
    static Fault unavailable() {
        return new Unavailable();
    }

    /** {@link Latency} of {@code delay}. */
    static Fault latency(Duration delay) {
        return new Latency(delay);
    }

    /** {@link Blackhole}. */
    static Fault blackhole() {
        return new Blackhole();
    }

    /** {@link Throttle}. */
    static Fault throttle() {
        return new Throttle();
    }
}
