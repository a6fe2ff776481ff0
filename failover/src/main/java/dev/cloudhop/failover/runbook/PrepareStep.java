package dev.cloudhop.failover.runbook;

import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.KnownResources;
import dev.cloudhop.failover.internal.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Ensures the containers and queues the application uses exist at the target, each queue with the dead-letter
 * policy it was created with through the facade (its dead-letter queue first). The step sits between the fence and the
 * redirect, inside the data-plane RTO, so its calls run side by side: every container at once, and the queues one
 * after the other beside them (a queue's dead-letter queue must exist before it).
 */
final class PrepareStep extends BuiltInStep {

    static final String NAME = "prepare";

    PrepareStep() {
        super(NAME, false);
    }

    @Override
    public String run(RunbookContext c) {
        KnownResources known = c.services().known();
        InterceptedSite target = c.target();
        List<String> containers = List.copyOf(known.containers());
        List<String> queues = List.copyOf(known.queues());
        ExecutorService pool = Executors.newFixedThreadPool(containers.size() + 1, Threads.daemon("cloudhop-prepare"));
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (String container : containers) {
                calls.add(pool.submit(() -> target.blobs().createContainer(container)));
            }
            calls.add(pool.submit(() -> queues.forEach(q -> known.ensureQueue(target.queues(), q))));
            for (Future<?> call : calls) {
                call.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing " + c.to(), e);
        } finally {
            pool.shutdownNow();
        }
        return containers.size() + " containers, " + queues.size() + " queues ensured at " + c.to();
    }
}
