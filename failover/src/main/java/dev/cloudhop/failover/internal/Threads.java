package dev.cloudhop.failover.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories of the facade's executors. */
public final class Threads {

    private Threads() {
    }

    /** Daemon threads named {@code name-1}, {@code name-2}, ...: the facade never keeps a JVM alive. */
    public static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
