package dev.cloudhop.provider.local;

import com.google.inject.Module;
import dev.cloudhop.api.Capability;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.spi.CloudProvider;
import dev.cloudhop.api.spi.ConfigKey;
import dev.cloudhop.api.spi.SiteConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The in-memory reference provider, id {@code local}: jclouds {@code transient} blobs, jclouds {@code stub}
 * compute, and in-memory queues and DNS with the semantics of the real services (visibility timeouts,
 * redelivery, dedup windows, upsert-replaces). Every opened site starts empty and lives as long as the
 * process. It enforces the intersection of every cloud's naming rules, so names that work here work
 * everywhere. Use it for fast tests, for the TCK self-test and for zero-install runs.
 *
 * <p>Config keys (all optional): {@code queue.dedup-window} (default 5 minutes),
 * {@code queue.max-message-size} (default 256 KiB).
 */
public final class LocalProvider implements CloudProvider {

    /** The provider id. */
    public static final String ID = "local";

    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.BLOB, Capability.BLOB_CONDITIONAL_WRITE,
            Capability.QUEUE, Capability.QUEUE_DEDUP, Capability.QUEUE_DELAY, Capability.QUEUE_DEAD_LETTER,
            Capability.DNS, Capability.COMPUTE,
            Capability.COMPUTE_LAUNCH));

    static final String DEDUP_WINDOW = "queue.dedup-window";
    static final String MAX_MESSAGE_SIZE = "queue.max-message-size";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "in-memory reference provider (jclouds transient blobs and stub compute, in-memory queues and DNS)";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(
                ConfigKey.withDefault(DEDUP_WINDOW, ConfigKey.Type.DURATION, "5 minutes",
                        "how long a queue remembers a dedup key"),
                ConfigKey.withDefault(MAX_MESSAGE_SIZE, ConfigKey.Type.BYTES, "256 KiB",
                        "largest queue message (body plus attributes)"));
    }

    @Override
    public NamingRules namingRules() {
        return NamingRules.LOCAL;
    }

    @Override
    public Module module(SiteConfig site) {
        return new LocalModule();
    }

    @Override
    public String toString() {
        return "LocalProvider";
    }
}
