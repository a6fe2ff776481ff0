package dev.cloudhop.failover.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.failover.event.EventStream;
import dev.cloudhop.failover.event.FailoverEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBusTest {

    private final EventBus bus = new EventBus();
    private final EventStream stream = bus;

    private static FailoverEvent event(String site) {
        return new FailoverEvent.WriteFenced(Instant.EPOCH, site, 1, 2);
    }

    @Test
    void subscribersSeeLaterEventsUntilTheyUnsubscribe() throws Exception {
        List<FailoverEvent> seen = new ArrayList<>();
        AutoCloseable subscription = stream.subscribe(seen::add);
        bus.publish(event("a"));
        subscription.close();
        bus.publish(event("b"));
        assertThat(seen).containsExactly(event("a"));
        assertThat(stream.history()).containsExactly(event("a"), event("b"));
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        List<FailoverEvent> seen = new ArrayList<>();
        stream.subscribe(e -> {
            throw new IllegalStateException("listener bug");
        });
        stream.subscribe(seen::add);
        bus.publish(event("a"));
        assertThat(seen).containsExactly(event("a"));
    }

    @Test
    void historyKeepsTheNewestEvents() {
        for (int i = 0; i < EventStream.HISTORY + 5; i++) {
            bus.publish(event("s" + i));
        }
        assertThat(stream.history()).hasSize(EventStream.HISTORY).first().isEqualTo(event("s5"));
    }
}
