package dev.cloudhop.jclouds;

import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.PutOptions;
import java.util.Objects;

/**
 * How {@link JcloudsBlobStore} honours {@code ifMatch} / {@code ifNoneMatch}, which jclouds' portable API
 * cannot express: {@link #inProcessLock()}, {@link #unsupported()}, or {@link #nativeWith(Native)} a
 * provider's own client (S3 {@code If-None-Match}, Azure access conditions).
 */
public final class ConditionalWrites {

    /** A provider's native conditional upload. */
    @FunctionalInterface
    public interface Native {
        /**
         * Uploads {@code content} only if the condition of {@code options} holds.
         *
         * @throws dev.cloudhop.api.ConflictException when it does not hold; nothing is written
         */
        BlobInfo put(BlobId id, BlobContent content, PutOptions options, ErrorContext context);
    }

    enum Mode { IN_PROCESS_LOCK, UNSUPPORTED, NATIVE }

    private final Mode mode;
    private final Native nativePut;

    private ConditionalWrites(Mode mode, Native nativePut) {
        this.mode = mode;
        this.nativePut = nativePut;
    }

    /**
     * Check then write under a per-blob lock held in this JVM. Atomic only when this process is the only
     * writer of the store, which holds for in-process stores (jclouds {@code transient}) and for a
     * filesystem store owned by one process. Remote providers must not use it.
     */
    public static ConditionalWrites inProcessLock() {
        return new ConditionalWrites(Mode.IN_PROCESS_LOCK, null);
    }

    /** Conditional puts throw {@link dev.cloudhop.api.UnsupportedCapabilityException}. */
    public static ConditionalWrites unsupported() {
        return new ConditionalWrites(Mode.UNSUPPORTED, null);
    }

    /** Conditional puts go to the provider's own atomic implementation. */
    public static ConditionalWrites nativeWith(Native put) {
        return new ConditionalWrites(Mode.NATIVE, Objects.requireNonNull(put, "put"));
    }

    Mode mode() {
        return mode;
    }

    Native nativePut() {
        return nativePut;
    }
}
