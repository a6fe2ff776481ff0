package dev.cloudhop.failover.coordination;

import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One application instance deciding alone ({@code coordination.kind = single}): the register is the instance's
 * own active site and epoch, its view is the fleet's, it always leads and may always acknowledge. Safe only when
 * one instance runs on the configuration: two instances each decide by their own view. Thread-safe.
 */
public final class SingleCoordinator implements Coordinator {

    private final Supplier<Register> own;
    private volatile Set<String> view = Set.of();

    /** @param own the instance's own active site and epoch */
    public SingleCoordinator(Supplier<Register> own) {
        this.own = own;
    }

    @Override
    public Register join(Register initial) {
        return initial;
    }

    @Override
    public Register current() {
        return own.get();
    }

    /** No other instance can hold an older register. */
    @Override
    public java.time.Duration staleWriterBound() {
        return java.time.Duration.ZERO;
    }

    @Override
    public boolean mayAcknowledge() {
        return true;
    }

    /** Moves when this instance still holds {@code expected}: the runbook's redirect applies {@code next}. */
    @Override
    public boolean compareAndSet(Register expected, Register next) {
        return own.get().equals(expected);
    }

    @Override
    public boolean isLeader() {
        return true;
    }

    @Override
    public void publishView(Set<String> sitesDown) {
        view = Set.copyOf(sitesDown);
    }

    @Override
    public Set<String> fleetDown() {
        return view;
    }

    /** Nobody else changes the register: never called. */
    @Override
    public void onChange(Consumer<Register> listener) {
    }

    @Override
    public void close() {
    }
}
