package dev.cloudhop.failover.internal;

import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueLimits;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One site's queues as the facade sees it: each call passes the interceptors first and reports its
 * outcome to health tracking ({@link SiteCall}).
 *
 * <p>{@link #limits()} is local metadata, not a call to the site: it is not intercepted.
 */
final class InterceptedQueueService implements QueueService {

    private final QueueService target;
    private final SiteCall call;

    InterceptedQueueService(QueueService target, SiteCall call) {
        this.target = target;
        this.call = call;
    }

    @Override
    public QueueLimits limits() {
        return target.limits();
    }

    @Override
    public boolean createQueue(String queue) {
        SiteCall.Started t = call.before("createQueue");
        try {
            return call.succeeded(t, target.createQueue(queue));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public boolean createQueue(String queue, DeadLetterPolicy policy) {
        SiteCall.Started t = call.before("createQueue");
        try {
            return call.succeeded(t, target.createQueue(queue, policy));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public Optional<DeadLetterPolicy> deadLetterPolicy(String queue) {
        SiteCall.Started t = call.before("deadLetterPolicy");
        try {
            return call.succeeded(t, target.deadLetterPolicy(queue));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public int redrive(String deadLetterQueue, String targetQueue, int maxMessages) {
        SiteCall.Started t = call.before("redrive");
        try {
            int moved = target.redrive(deadLetterQueue, targetQueue, maxMessages);
            call.succeeded(t);
            return moved;
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public boolean deleteQueue(String queue) {
        SiteCall.Started t = call.before("deleteQueue");
        try {
            return call.succeeded(t, target.deleteQueue(queue));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public boolean queueExists(String queue) {
        SiteCall.Started t = call.before("queueExists");
        try {
            return call.succeeded(t, target.queueExists(queue));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public Stream<String> listQueues() {
        SiteCall.Started t = call.before("listQueues");
        try {
            return call.succeeded(t, target.listQueues());
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public String send(String queue, OutgoingMessage message) {
        SiteCall.Started t = call.before("send");
        try {
            return call.succeeded(t, target.send(queue, message));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public List<ReceivedMessage> receive(String queue, ReceiveOptions options) {
        SiteCall.Started t = call.before("receive");
        try {
            return call.succeeded(t, target.receive(queue, options));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public void ack(String queue, String receipt) {
        SiteCall.Started t = call.before("ack");
        try {
            target.ack(queue, receipt);
            call.succeeded(t);
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public void extendVisibility(String queue, String receipt, Duration visibility) {
        SiteCall.Started t = call.before("extendVisibility");
        try {
            target.extendVisibility(queue, receipt, visibility);
            call.succeeded(t);
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public long approximateDepth(String queue) {
        SiteCall.Started t = call.before("approximateDepth");
        try {
            long result = target.approximateDepth(queue);
            call.succeeded(t);
            return result;
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public String toString() {
        return "Intercepted[" + call + "]";
    }
}
