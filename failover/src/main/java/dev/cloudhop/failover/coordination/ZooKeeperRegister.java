package dev.cloudhop.failover.coordination;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ZooKeeperCoordinator}'s copy of the {@code /register} znode: the newest value read, by znode version,
 * the listeners told when it changes, and the znode's encoding, {@code "<epoch> <activeSite>"} in UTF-8.
 *
 * <p>Thread-safe.
 */
final class ZooKeeperRegister {

    // the coordinator's logger: the register is part of what it reports
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCoordinator.class);

    /** A register value and the znode version that held it. */
    private record Versioned(Register value, int version) {
    }

    private final String instanceId;
    private final List<Consumer<Register>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<Versioned> register = new AtomicReference<>();

    ZooKeeperRegister(String instanceId) {
        this.instanceId = instanceId;
    }

    /** Adds a listener told every later change of the value. */
    void onChange(Consumer<Register> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The newest value read, or null before the first read. */
    Register valueOrNull() {
        Versioned v = register.get();
        return v == null ? null : v.value();
    }

    /** Keeps the newest value (by znode version) and tells the listeners when the value changed. */
    void accept(Register value, int version) {
        Versioned before = register.getAndUpdate(old -> old == null || version > old.version()
                ? new Versioned(value, version) : old);
        if (before != null && version > before.version() && !before.value().equals(value)) {
            LOG.info("instance {}: register {} -> {}", instanceId, before.value(), value);
            for (Consumer<Register> listener : listeners) {
                try {
                    listener.accept(value);
                } catch (RuntimeException e) {
                    LOG.warn("instance {}: a register listener failed on {}", instanceId, value, e);
                }
            }
        }
    }

    /** Decodes and {@linkplain #accept accepts} {@code data}; false, logged, when it is no register. */
    boolean acceptOrLog(byte[] data, int version) {
        try {
            accept(decode(data), version);
            return true;
        } catch (CoordinationException e) {
            LOG.error("instance {}: {}", instanceId, e.getMessage());
            return false;
        }
    }

    static byte[] encode(Register value) {
        return (value.epoch() + " " + value.activeSite()).getBytes(StandardCharsets.UTF_8);
    }

    /** @throws CoordinationException when {@code data} is not {@code "<epoch> <activeSite>"} */
    static Register decode(byte[] data) {
        String text = data == null ? "" : new String(data, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        try {
            return new Register(Long.parseLong(text.substring(0, space)), text.substring(space + 1));
        } catch (RuntimeException e) {
            throw new CoordinationException("the register holds '" + text + "', not '<epoch> <activeSite>'", e);
        }
    }
}
