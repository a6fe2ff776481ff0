package dev.cloudhop.failover.internal;

import dev.cloudhop.failover.event.EventStream;
import dev.cloudhop.failover.event.FailoverEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link EventStream} the facade's parts publish to; users see it only as the stream. Thread-safe. */
public final class EventBus implements EventStream {

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final List<Consumer<? super FailoverEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<FailoverEvent> history = new ArrayDeque<>();

    @Override
    public AutoCloseable subscribe(Consumer<? super FailoverEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Publishes an event to the history and every listener. A failing listener does not stop the others. */
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
            } catch (RuntimeException e) {
                // a listener's bug must not break failover, but it is a bug the application must see
                LOG.error("event listener {} failed on {}", l, event, e);
            }
        }
    }

    @Override
    public List<FailoverEvent> history() {
        synchronized (history) {
            return new ArrayList<>(history);
        }
    }
}
