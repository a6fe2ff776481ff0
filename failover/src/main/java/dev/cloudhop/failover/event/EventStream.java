package dev.cloudhop.failover.event;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The facade's event publisher: listeners are called synchronously on the publishing thread (keep them
 * quick), and the last {@value #HISTORY} events are kept for reports. Thread-safe.
 */
public final class EventStream {

    /** Events kept in {@link #history()}. */
    public static final int HISTORY = 10_000;

    private final List<Consumer<? super FailoverEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<FailoverEvent> history = new ArrayDeque<>();

    /**
     * Calls {@code listener} for every later event.
     *
     * @return closing it unsubscribes
     */
    public AutoCloseable subscribe(Consumer<? super FailoverEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Publishes an event. A failing listener does not stop the others. */
    public void publish(FailoverEvent event) {
        synchronized (history) {
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(event);
        }
        for (Consumer<? super FailoverEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException ignored) {
                // a listener's bug must not break failover
            }
        }
    }

    /** The most recent events, oldest first. */
    public List<FailoverEvent> history() {
        synchronized (history) {
            return new ArrayList<>(history);
        }
    }
}
