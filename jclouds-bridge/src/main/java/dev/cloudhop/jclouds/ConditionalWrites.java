package dev.cloudhop.jclouds;

/**
 * How {@link JcloudsBlobStore} honours {@code ifMatch} / {@code ifNoneMatch}, which jclouds' portable API
 * cannot express.
 */
public enum ConditionalWrites {
    /**
     * Check then write under a per-blob lock held in this JVM. Atomic only when this process is the only
     * writer of the store, which holds for in-process stores (jclouds {@code transient}) and for a
     * filesystem store owned by one process. Providers with a native conditional write must not use it.
     */
    IN_PROCESS_LOCK,
    /** Conditional puts throw {@link dev.cloudhop.api.UnsupportedCapabilityException}. */
    UNSUPPORTED
}
