package dev.cloudhop.failover.capture;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.KnownResources;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers captured sends to a site, oldest first, with their dedup keys and attributes; a message leaves the
 * journal only once the site accepted it. A queue missing at the site is created first, with the dead-letter
 * policy it had when the message was captured (and the policy's target). Stops at the first failure: the rest waits for the next replay. Callers
 * serialise replays (the orchestrator thread runs them).
 */
public final class CaptureReplay {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureReplay.class);

    private final CaptureJournal journal;
    private final EventBus events;
    private final Clock clock;

    /** Replays from {@code journal}, publishing {@link FailoverEvent.MessagesReplayed} per queue. */
    public CaptureReplay(CaptureJournal journal, EventBus events, Clock clock) {
        this.journal = journal;
        this.events = events;
        this.clock = clock;
    }

    /** Whether anything waits for replay. */
    public boolean pending() {
        return !journal.list(Optional.empty()).isEmpty();
    }

    /**
     * Sends captured messages to {@code target}.
     *
     * @return how many were delivered
     */
    public int replayTo(InterceptedSite target) {
        int replayed = 0;
        Map<String, Integer> perQueue = new LinkedHashMap<>();
        Set<String> ensured = new HashSet<>();
        for (CaptureJournal.Captured c : journal.list(Optional.empty())) {
            try {
                if (ensured.add(c.queue()) && !target.queues().queueExists(c.queue())) {
                    c.policy().ifPresent(p -> target.queues().createQueue(p.targetQueue()));
                    KnownResources.create(target.queues(), c.queue(), c.policy());
                }
                target.queues().send(c.queue(), c.message());
                journal.remove(c);
                replayed++;
                perQueue.merge(c.queue(), 1, Integer::sum);
            } catch (CloudException e) {
                LOG.info("replay of captured sends to site {} queue {} stopped (queue.send): {}; the rest waits",
                        target.id(), c.queue(), e.toString());
                break;
            }
        }
        perQueue.forEach((q, n) -> events.publish(new FailoverEvent.MessagesReplayed(clock.instant(), q, n, target.id(), "capture")));
        return replayed;
    }
}
