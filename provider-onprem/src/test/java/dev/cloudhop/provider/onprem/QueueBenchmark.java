package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throughput of the on-prem queue (embedded Artemis, durable journal on local disk), send and receive+ack,
 * in messages per second. Not part of the test run; run it from the repository root with
 * {@code bin/bench queue [messages] [body-bytes]}.
 *
 * Arguments: messages per scenario (default 20,000), body bytes (default 256).
 */
public final class QueueBenchmark {

    private QueueBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int bodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        System.out.printf("queue benchmark: %d messages of %d bytes per scenario, %d cores%n", count, bodyBytes,
                Runtime.getRuntime().availableProcessors());
        for (String mode : List.of("durable", "async")) {
            Path journal = OnPremTestEnvironment.tempDirectory("bench-journal");
            try (Cloud cloud = OnPremTestEnvironment.open("sites { bench { provider = onprem, region = bench, "
                    + "queue.journal-directory = \"" + journal + "\", queue.send-mode = " + mode + " } }").site("bench")) {
                long start = System.nanoTime();
                cloud.queues().createQueue("warmup");
                System.out.printf("%n[%s sends] embedded broker up and first queue created in %d ms%n", mode,
                        (System.nanoTime() - start) / 1_000_000);
                run(cloud, "warmup", Math.min(count, 2_000), bodyBytes, 4, 4, false);
                for (int threads : new int[] {1, 8, 32}) {
                    String queue = "bench-" + mode + "-" + threads;
                    cloud.queues().createQueue(queue);
                    run(cloud, queue, count, bodyBytes, threads, threads, true);
                }
                String mixed = "bench-" + mode + "-mixed";
                cloud.queues().createQueue(mixed);
                mixed(cloud, mixed, count, bodyBytes, 8, 8);
            }
        }
    }

    /** Sends everything, then receives and acknowledges everything. */
    private static void run(Cloud cloud, String queue, int count, int bodyBytes, int producers, int consumers,
                            boolean print) throws Exception {
        byte[] body = new byte[bodyBytes];
        double send = timed(producers, count, () -> cloud.queues().send(queue, OutgoingMessage.of(body)));
        double receive = receiveAll(cloud, queue, count, consumers);
        if (print) {
            System.out.printf(Locale.ROOT, "  %-28s send %,9.0f msg/s (%d threads)   receive+ack %,9.0f msg/s (%d threads)%n",
                    queue, send, producers, receive, consumers);
        }
    }

    /** Producers and consumers at the same time: messages per second through the queue. */
    private static void mixed(Cloud cloud, String queue, int count, int bodyBytes, int producers, int consumers)
            throws Exception {
        byte[] body = new byte[bodyBytes];
        ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            futures.add(pool.submit(() -> {
                while (sent.getAndIncrement() < count) {
                    cloud.queues().send(queue, OutgoingMessage.of(body));
                }
            }));
        }
        for (int c = 0; c < consumers; c++) {
            futures.add(pool.submit(() -> consume(cloud, queue, count, received)));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  %-28s send+receive+ack concurrently: %,9.0f msg/s end to end (%d+%d threads)%n",
                queue, count / seconds, producers, consumers);
    }

    private static double receiveAll(Cloud cloud, String queue, int count, int consumers) throws Exception {
        AtomicInteger received = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(consumers);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            futures.add(pool.submit(() -> consume(cloud, queue, count, received)));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static void consume(Cloud cloud, String queue, int count, AtomicInteger received) {
        ReceiveOptions batch = new ReceiveOptions(10, Duration.ofSeconds(60), Duration.ofMillis(200));
        while (received.get() < count) {
            for (ReceivedMessage m : cloud.queues().receive(queue, batch)) {
                cloud.queues().ack(queue, m.receipt());
                received.incrementAndGet();
            }
        }
    }

    private static double timed(int threads, int count, Runnable op) throws Exception {
        AtomicInteger remaining = new AtomicInteger(count);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                while (remaining.getAndDecrement() > 0) {
                    op.run();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return count / ((System.nanoTime() - start) / 1e9);
    }
}
