package dev.cloudhop.failover.event;

import java.util.List;
import java.util.function.Consumer;

/**
 * The facade's events, for subscribers: listeners are called synchronously on the thread that published
 * the event (keep them quick), and the last {@value #HISTORY} events are kept for reports. Only the facade
 * publishes. Thread-safe.
 */
public interface EventStream {

    /** Events kept in {@link #history()}. */
    int HISTORY = 10_000;

    /**
     * Calls {@code listener} for every later event. A listener that throws is logged and does not stop
     * the others or the facade.
     *
     * @return closing it unsubscribes
     */
    AutoCloseable subscribe(Consumer<? super FailoverEvent> listener);

    /** The most recent events, oldest first. */
    List<FailoverEvent> history();
}
