package dev.cloudhop.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs blob operations on several threads at once for the TCK, bounded by {@link #TIMEOUT} so that a stuck
 * provider fails a test instead of hanging it.
 */
final class Concurrently {

    /** Threads used for bulk and racing operations. */
    static final int THREADS = 8;

    /** How long a concurrent batch of operations may take before the test fails instead of hanging. */
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private Concurrently() {
    }

    /** What one racing task returned or threw. */
    record Outcome<T>(T value, Throwable error) {
    }

    /** Runs every task on {@value #THREADS} threads; rethrows the first failure in task order. */
    static <T> void runAll(List<? extends Callable<T>> tasks) {
        invokeAll(THREADS, "tck-bulk", tasks);
    }

    /**
     * Runs {@code threads} tasks at once (released together by a barrier) and returns each one's outcome, in
     * task order.
     */
    static <T> List<Outcome<T>> race(int threads, IntFunction<Callable<T>> task) {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<Outcome<T>>> racers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Callable<T> callable = task.apply(i);
            racers.add(() -> {
                start.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                try {
                    return new Outcome<>(callable.call(), null);
                } catch (Exception | AssertionError e) {
                    return new Outcome<T>(null, e);
                }
            });
        }
        return invokeAll(threads, "tck-race", racers);
    }

    private static <T> List<T> invokeAll(int threads, String name, List<? extends Callable<T>> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads(name));
        try {
            List<T> results = new ArrayList<>(tasks.size());
            for (Future<T> f : pool.invokeAll(tasks, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                results.add(resultOf(f));
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The result of a task {@link ExecutorService#invokeAll} has finished or cancelled. */
    private static <T> T resultOf(Future<T> done) throws InterruptedException {
        if (done.isCancelled()) {
            throw new AssertionError("concurrent operations did not finish within " + TIMEOUT);
        }
        try {
            return done.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
