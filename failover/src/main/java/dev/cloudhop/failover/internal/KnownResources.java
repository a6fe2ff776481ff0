package dev.cloudhop.failover.internal;

import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.api.queue.QueueService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers and queues the application has used through the facade, and the dead-letter policies it
 * created queues with: a runbook ensures them at the new site (a queue with its policy, the dead-letter queue
 * first), replays land in them, and merges look for stranded messages in these queues. Thread-safe.
 */
public final class KnownResources {

    private static final Logger LOG = LoggerFactory.getLogger(KnownResources.class);

    private final Set<String> containers = ConcurrentHashMap.newKeySet();
    private final Set<String> queues = ConcurrentHashMap.newKeySet();
    private final Map<String, DeadLetterPolicy> policies = new ConcurrentHashMap<>();

    /** Live view of the containers used. */
    public Set<String> containers() {
        return containers;
    }

    /** Live view of the queues used (remove a deleted one here). */
    public Set<String> queues() {
        return queues;
    }

    /** Remembers {@code queue}, with its dead-letter policy if it has one (and the policy's target queue). */
    public void rememberQueue(String queue, Optional<DeadLetterPolicy> policy) {
        queues.add(queue);
        policy.ifPresentOrElse(p -> {
            queues.add(p.targetQueue());
            policies.put(queue, p);
        }, () -> policies.remove(queue));
    }

    /** Forgets a deleted queue and its policy. */
    public void forgetQueue(String queue) {
        queues.remove(queue);
        policies.remove(queue);
    }

    /** The dead-letter policy {@code queue} was created with through the facade, if any. */
    public Optional<DeadLetterPolicy> policy(String queue) {
        return Optional.ofNullable(policies.get(queue));
    }

    /**
     * The known queues, every queue before the dead-letter queue its policy names: a merge in this order moves
     * a source's messages before its dead-letter queue's, so messages a receive of the merge dead-letters at the
     * failed site still move in the same merge.
     */
    public List<String> queuesSourcesFirst() {
        Set<String> targets = new HashSet<>();
        policies.values().forEach(p -> targets.add(p.targetQueue()));
        List<String> out = new ArrayList<>();
        queues.stream().filter(q -> !targets.contains(q)).sorted().forEach(out::add);
        queues.stream().filter(targets::contains).sorted().forEach(out::add);
        return out;
    }

    /**
     * Creates {@code queue} at a site if it is missing, with its remembered dead-letter policy; the policy's
     * target is ensured first (with its own policy, if it has one). Idempotent, like
     * {@link QueueService#createQueue}: a queue that exists is left as it is. A site without dead-letter queues
     * gets the queue without its policy, and a warning says so.
     *
     * @return true if {@code queue} was created
     */
    public boolean ensureQueue(QueueService site, String queue) {
        return ensure(site, queue, new HashSet<>());
    }

    private boolean ensure(QueueService site, String queue, Set<String> visiting) {
        Optional<DeadLetterPolicy> policy = visiting.add(queue) ? policy(queue) : Optional.empty();
        if (policy.isEmpty()) {
            return site.createQueue(queue);
        }
        ensure(site, policy.get().targetQueue(), visiting);
        return create(site, queue, policy);
    }

    /**
     * Creates {@code queue} at a site with {@code policy}, whose target must exist there; without a policy, or
     * at a site without dead-letter queues (with a warning), a plain queue. Idempotent.
     *
     * @return true if {@code queue} was created
     */
    public static boolean create(QueueService site, String queue, Optional<DeadLetterPolicy> policy) {
        if (policy.isEmpty()) {
            return site.createQueue(queue);
        }
        try {
            return site.createQueue(queue, policy.get());
        } catch (UnsupportedOperationException e) {
            LOG.warn("queue {} created without its dead-letter policy {}: {}", queue, policy.get(), e.getMessage());
            return site.createQueue(queue);
        }
    }
}
