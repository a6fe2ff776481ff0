package dev.cloudhop.failover.routing;

import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.internal.EventBus;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The site clients use and the fencing epoch it holds, changed together under one lock, plus the switch
 * window (from a planned move's drain, or a runbook's fence, to its redirect) during which writes wait. Blob writes
 * enter through {@link #admitWrite} and leave through {@link #writeDone}, so that {@link #pauseWrites} can wait for
 * the writes already past the gate. Waiters are woken by every change. Thread-safe.
 */
public final class ActiveSite {

    private final Set<String> siteIds;
    private final EventBus events;
    private final Clock clock;
    private final Object lock = new Object();
    private volatile String active;
    private volatile long epoch;
    private volatile boolean switching;
    /** After adopting another instance's epoch, writes wait this long (the coordinator's stale-writer bound). */
    private volatile long adoptHoldNanos;
    /** {@code System.nanoTime()} until which writes wait after an adoption; 0 when none. */
    private volatile long heldUntilNanos;
    private volatile boolean closed;
    /** Blob writes admitted and not yet done (taken by their site and recorded by replication). */
    private final AtomicInteger writesInFlight = new AtomicInteger();

    /** Not started: {@link #start} sets the first site and epoch. */
    public ActiveSite(Set<String> siteIds, EventBus events, Clock clock) {
        this.siteIds = Set.copyOf(siteIds);
        this.events = events;
        this.clock = clock;
    }

    /** Sets the site and epoch a facade starts with, without an event. */
    public void start(String site, long startEpoch) {
        synchronized (lock) {
            active = site;
            epoch = startEpoch;
        }
    }

    /** The site clients use now. */
    public String site() {
        return active;
    }

    /** The fencing epoch this instance holds. */
    public long epoch() {
        return epoch;
    }

    /**
     * Whether writes wait: a runbook is between fencing and redirecting, or this instance adopted another
     * instance's epoch less than the stale-writer bound ago (an instance that has not seen it may still be
     * acknowledging at the old site until then).
     */
    public boolean switching() {
        long held = heldUntilNanos;
        return switching || (held != 0 && System.nanoTime() - held < 0);
    }

    /**
     * How long writes wait after this instance adopts an epoch another instance raised: the coordinator's
     * stale-writer bound (zero for one instance).
     */
    public void holdWritesAfterAdopting(Duration hold) {
        this.adoptHoldNanos = hold.toNanos();
    }

    /** Whether the facade is closed (waits end at once). */
    public boolean closed() {
        return closed;
    }

    /**
     * Takes a newer epoch and its site seen elsewhere (another instance failed over); ignored unless
     * {@code newEpoch} is newer and {@code site} is one of ours.
     */
    public void adopt(long newEpoch, String site) {
        synchronized (lock) {
            if (newEpoch > epoch && siteIds.contains(site)) {
                String old = active;
                epoch = newEpoch;
                active = site;
                if (adoptHoldNanos > 0) {
                    heldUntilNanos = System.nanoTime() + adoptHoldNanos;
                }
                lock.notifyAll();
                events.publish(new FailoverEvent.ActiveSiteChanged(clock.instant(), old, site, newEpoch));
            }
        }
    }

    /** Moves clients to {@code site} at {@code newEpoch} (a runbook's redirect). */
    public void redirect(String site, long newEpoch) {
        String old;
        synchronized (lock) {
            old = active;
            epoch = newEpoch;
            active = site;
            lock.notifyAll();
        }
        events.publish(new FailoverEvent.ActiveSiteChanged(clock.instant(), old, site, newEpoch));
    }

    /** Opens or closes the switch window. */
    public void switching(boolean on) {
        synchronized (lock) {
            switching = on;
            lock.notifyAll();
        }
    }

    /**
     * Admits a blob write: waits while the switch window is open, at most {@code max}. An admitted write counts as in
     * flight until its caller calls {@link #writeDone()} (once, in a {@code finally}), after the site took it and
     * replication recorded it.
     *
     * @return whether it was admitted; false when the window stayed open, the wait was interrupted (the flag is
     *         restored) or the facade closed
     */
    public boolean admitWrite(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            // counted before the window is read, and the runbook opens the window before it reads the count: one of
            // the two always sees the other, so no write slips past a pause unseen
            writesInFlight.incrementAndGet();
            if (!switching()) {
                return true;
            }
            writeDone();
            long left = deadline - System.nanoTime();
            if (left <= 0 || !awaitUntil(() -> !switching(), Duration.ofNanos(left))) {
                return false;
            }
        }
    }

    /**
     * An admitted write that stepped out with {@link #writeDone()} while it waited for clients to be redirected (its
     * attempt at the old site had failed) is under way again, at the new site; it still ends with {@link #writeDone()}.
     */
    public void resumeWrite() {
        writesInFlight.incrementAndGet();
    }

    /** An admitted write is done (acknowledged or failed). */
    public void writeDone() {
        if (writesInFlight.decrementAndGet() == 0 && switching) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    /**
     * Opens the switch window (new writes wait) and waits until no admitted write is in flight, at most {@code max}.
     * The window stays open either way: {@link #switching(boolean) switching(false)} closes it.
     *
     * @return whether no write is in flight
     */
    public boolean pauseWrites(Duration max) {
        switching(true);
        return awaitUntil(() -> writesInFlight.get() == 0, max);
    }

    /** Blob writes admitted and not yet done. */
    public int writesInFlight() {
        return writesInFlight.get();
    }

    /** Throws {@link IllegalStateException} once the facade is closed (the {@code Cloud.close()} contract). */
    public void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the failover facade is closed");
        }
    }

    /** Ends every wait: the facade is closing. */
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    /**
     * Waits until {@code done} holds, re-checked on every change (and every 20 ms), at most {@code max}.
     *
     * @return whether it holds; false on timeout, interruption (the flag is restored) or close
     */
    public boolean awaitUntil(BooleanSupplier done, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, Math.min(20, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }
}
