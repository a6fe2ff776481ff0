package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.queue.OutgoingMessage;

/**
 * The sender process of {@link QueueDurabilityTest}: runs an embedded broker on a journal directory, sends
 * durable messages from four threads (group-committed; every tenth with a dedup key), prints
 * {@code SENT n} and waits to be killed with SIGKILL.
 *
 * <p>Arguments: {@code journalDir queue count}.
 */
public final class CrashingQueueSender {

    private CrashingQueueSender() {
    }

    public static void main(String[] args) throws Exception {
        String journal = args[0];
        String queue = args[1];
        int count = Integer.parseInt(args[2]);
        Cloud cloud = OnPremTestEnvironment.open("sites { sender { provider = onprem, region = dc-test, "
                + "queue.journal-directory = \"" + journal + "\" } }").site("sender");
        cloud.queues().createQueue(queue);
        // four senders at once, so that sends are group-committed; every tenth with a dedup key
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            done.add(senders.submit(() -> {
                for (int i = first; i < count; i += 4) {
                    OutgoingMessage m = OutgoingMessage.of("durable-" + i);
                    cloud.queues().send(queue, i % 10 == 0 ? m.withDedupKey("key-" + i) : m);
                }
            }));
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get();
        }
        System.out.println("SENT " + count);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // killed here, the broker never stopped cleanly
    }
}
