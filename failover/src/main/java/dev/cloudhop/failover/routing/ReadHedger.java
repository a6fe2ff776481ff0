package dev.cloudhop.failover.routing;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.Threads;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hedged reads ("The Tail at Scale", Dean and Barroso, 2013): a read that has run longer than its site's recent
 * {@code hedge.percentile} latency is sent a second time to an up-to-date replica, and the first answer wins. The
 * loser's answer is discarded (a blob's stream closed). Writes are never hedged.
 *
 * <p>Each site keeps the latencies of its last {@value #WINDOW} answered reads. Until it has {@value #MIN_SAMPLES},
 * or when no replica may serve the read, the read runs on the caller's thread as if hedging were off. A hedged read
 * runs on a pool thread while the caller waits, so calls in flight are still cancelled when their site is found down.
 * Thread-safe.
 */
public final class ReadHedger implements AutoCloseable {

    /** Latencies kept per site. */
    static final int WINDOW = 256;
    /** Answers a site needs before its reads are hedged. */
    static final int MIN_SAMPLES = 20;

    private final boolean enabled;
    private final double percentile;
    private final long minDelayNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong hedged = new AtomicLong();
    private final AtomicLong won = new AtomicLong();
    private final ExecutorService pool = Executors.newCachedThreadPool(Threads.daemon("cloudhop-hedged-read"));

    /**
     * @param enabled    whether reads are hedged at all
     * @param percentile the latency percentile (of the site's recent reads) after which a read is hedged
     * @param minDelay   a read is never hedged sooner than this
     */
    public ReadHedger(boolean enabled, double percentile, Duration minDelay) {
        this.enabled = enabled;
        this.percentile = percentile;
        this.minDelayNanos = minDelay.toNanos();
    }

    /** Reads sent a second time so far. */
    public long hedged() {
        return hedged.get();
    }

    /** Hedged reads the replica answered first. */
    public long wonByReplica() {
        return won.get();
    }

    /** How long a read at {@code site} runs before it is hedged now; empty while the site has too few samples. */
    public Optional<Duration> delay(String site) {
        Window w = windows.get(site);
        long p = w == null ? -1 : w.percentile(percentile);
        return p < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(Math.max(minDelayNanos, p)));
    }

    /**
     * Reads at {@code first}; if it has not answered within the hedge delay, also at the first of {@code replicas}.
     *
     * @param replicas sites that may serve this read (up, and holding every write of what is read), in order; asked
     *                 for only when the read is hedged
     * @param op       the read
     * @param discard  what to do with an answer that lost (close its stream)
     * @throws CloudException what the read at {@code first} threw (its replica's failure is logged in the answer only
     *                        when both failed)
     */
    public <T> T read(InterceptedSite first, Supplier<List<InterceptedSite>> replicas, Function<InterceptedSite, T> op,
                      Consumer<T> discard) {
        if (!enabled) {
            return op.apply(first);
        }
        Optional<Duration> delay = delay(first.id());
        if (delay.isEmpty()) {
            return timed(first, op);
        }
        CompletableFuture<T> primary = CompletableFuture.supplyAsync(() -> timed(first, op), pool);
        try {
            return primary.get(delay.get().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException slow) {
            List<InterceptedSite> candidates = replicas.get();
            if (candidates.isEmpty()) {
                return await(primary, first);
            }
            return race(primary, candidates.get(0), op, discard);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            primary.thenAccept(discard);
            throw new UnavailableException(ErrorContext.of(first.raw().site(), "blob.get"),
                    "interrupted while waiting for the read's answer", e);
        }
    }

    private static <T> T await(CompletableFuture<T> primary, InterceptedSite first) {
        try {
            return primary.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(ErrorContext.of(first.raw().site(), "blob.get"),
                    "interrupted while waiting for the read's answer", e);
        }
    }

    private <T> T race(CompletableFuture<T> primary, InterceptedSite replica, Function<InterceptedSite, T> op, Consumer<T> discard) {
        hedged.incrementAndGet();
        ErrorContext context = ErrorContext.of(replica.raw().site(), "blob.get");
        CompletableFuture<T> hedge = CompletableFuture.supplyAsync(() -> timed(replica, op), pool);
        CompletableFuture<T> winner = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean decided = new java.util.concurrent.atomic.AtomicBoolean();
        primary.whenComplete((v, e) -> {
            if (e == null) {
                if (decided.compareAndSet(false, true)) {
                    winner.complete(v);
                } else {
                    discard.accept(v);
                }
            } else {
                hedge.whenComplete((v2, e2) -> {
                    if (e2 != null && decided.compareAndSet(false, true)) {
                        winner.completeExceptionally(e); // both failed: the first site's failure is the answer
                    }
                });
            }
        });
        hedge.whenComplete((v, e) -> {
            if (e == null) {
                if (decided.compareAndSet(false, true)) {
                    won.incrementAndGet(); // before the caller wakes, so that the count is there when it returns
                    winner.complete(v);
                } else {
                    discard.accept(v);
                }
            } else {
                primary.whenComplete((v2, e2) -> {
                    if (e2 != null && decided.compareAndSet(false, true)) {
                        winner.completeExceptionally(e2);
                    }
                });
            }
        });
        try {
            return winner.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(context, "interrupted while waiting for a hedged read's answer", e);
        }
    }

    private <T> T timed(InterceptedSite site, Function<InterceptedSite, T> op) {
        long t = System.nanoTime();
        T value = op.apply(site);
        windows.computeIfAbsent(site.id(), id -> new Window()).add(System.nanoTime() - t);
        return value;
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                ? c.getCause() : e.getCause();
        return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }

    /** Stops the pool; reads in flight finish on their own. */
    @Override
    public void close() {
        pool.shutdown();
    }

    /** The last {@value #WINDOW} latencies of one site. */
    private static final class Window {
        private final long[] nanos = new long[WINDOW];
        private int next;
        private int size;
        /** The last percentile computed, and the additions since (it is computed again every 16). */
        private long cached = -1;
        private int stale = Integer.MAX_VALUE;

        synchronized void add(long latency) {
            nanos[next] = latency;
            next = (next + 1) % WINDOW;
            size = Math.min(size + 1, WINDOW);
            stale = stale == Integer.MAX_VALUE ? stale : stale + 1;
        }

        /** Nearest-rank percentile; -1 with fewer than {@value #MIN_SAMPLES} samples. */
        synchronized long percentile(double p) {
            if (size < MIN_SAMPLES) {
                return -1;
            }
            if (stale < 16) {
                return cached;
            }
            stale = 0;
            long[] sorted = Arrays.copyOf(nanos, size);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p / 100.0 * size);
            cached = sorted[Math.max(0, Math.min(size - 1, rank - 1))];
            return cached;
        }
    }
}
