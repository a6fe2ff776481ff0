package dev.cloudhop.jclouds;

import java.io.Closeable;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A jclouds context created on first use (so that binding a site does no I/O) and closed once.
 * Thread-safe.
 *
 * @param <C> the context type
 */
public final class LazyContext<C extends Closeable> implements AutoCloseable {

    private final Supplier<C> factory;
    private C context;
    private boolean closed;

    /** @param factory builds the context; called at most once */
    public LazyContext(Supplier<C> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * The context, built on the first call.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized C get() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (context == null) {
            context = factory.get();
        }
        return context;
    }

    /** Closes the context if it was built. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (context != null) {
            try {
                context.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                context = null;
            }
        }
    }
}
