package dev.cloudhop.failover;

import java.util.Locale;

/** The four services of a site, as the facade tracks their health. */
public enum Service {
    /** Blob storage. */
    BLOB,
    /** Queues. */
    QUEUE,
    /** DNS. */
    DNS,
    /** Compute. */
    COMPUTE;

    /** The name used in configuration and metrics: {@code blob}, {@code queue}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The service of a configuration name. */
    public static Service of(String key) {
        return valueOf(key.trim().toUpperCase(Locale.ROOT));
    }
}
