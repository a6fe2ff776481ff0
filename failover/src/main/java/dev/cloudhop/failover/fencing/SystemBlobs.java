package dev.cloudhop.failover.fencing;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.failover.internal.InterceptedSite;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Cloudhop's own small text records in {@link Fence#CONTAINER} on a site (the fence, the fleet's register, the
 * runbook lease, health views), read with their ETag and written conditionally where the site declares
 * {@link Capability#BLOB_CONDITIONAL_WRITE}. Stateless.
 */
public final class SystemBlobs {

    /** What a read found. */
    public sealed interface Read {
        /** The record as text, if it was found. */
        default Optional<String> found() {
            return this instanceof Found f ? Optional.of(f.text()) : Optional.empty();
        }
    }

    /** The site answered: no such record (a fresh site). */
    public record Absent() implements Read {
    }

    /** The site answered with the record and its ETag. */
    public record Found(String text, String etag) implements Read {
    }

    /** Not read: write without a condition (records only their owner writes, such as an instance's view). */
    public record Unconditional() implements Read {
    }

    /** The site did not answer: the record is unknown, which is never the same as absent. */
    public record Unreadable(CloudException cause) implements Read {
    }

    private SystemBlobs() {
    }

    /** The blob id of record {@code name}. */
    public static BlobId id(String name) {
        return BlobId.of(Fence.CONTAINER, name);
    }

    /** Reads record {@code name} at {@code site}; never throws a {@link CloudException}. */
    public static Read read(InterceptedSite site, String name) {
        try {
            Optional<Blob> blob = site.blobs().get(id(name));
            if (blob.isEmpty()) {
                return new Absent();
            }
            try (Blob b = blob.get()) {
                return new Found(new String(b.readAllBytes(), StandardCharsets.UTF_8), b.info().etag());
            }
        } catch (NotFoundException e) {
            return new Absent(); // no container yet: a fresh site
        } catch (CloudException e) {
            return new Unreadable(e);
        } catch (UncheckedIOException e) {
            return new Unreadable(new UnavailableException(ErrorContext.of(site.raw().site(), "blob.get", id(name).toString()),
                    "record " + name + " could not be read: " + e.getMessage(), e));
        }
    }

    /** Whether writes at {@code site} can carry a condition. */
    public static boolean conditional(InterceptedSite site) {
        return site.raw().supports(Capability.BLOB_CONDITIONAL_WRITE);
    }

    /**
     * Writes {@code text} as record {@code name} at {@code site} only if the record is still what {@code seen}
     * found ({@code ifNoneMatch} after {@link Absent}, {@code ifMatch} its ETag after {@link Found}); a site
     * without conditional writes is written unconditionally.
     *
     * @return false when the condition failed (someone wrote the record since {@code seen})
     * @throws CloudException any other failure of the site, and {@link IllegalArgumentException} for an
     *                        {@link Unreadable} {@code seen}
     */
    public static boolean write(InterceptedSite site, String name, String text, Read seen) {
        PutOptions options = PutOptions.DEFAULT.withContentType("text/plain");
        if (conditional(site) && !(seen instanceof Unconditional)) {
            if (seen instanceof Unreadable) {
                throw new IllegalArgumentException("a record that could not be read cannot be replaced");
            }
            options = seen instanceof Found f ? options.withIfMatch(f.etag()) : options.withIfNoneMatch();
        }
        try {
            return put(site, name, text, options);
        } catch (NotFoundException e) {
            site.blobs().createContainer(Fence.CONTAINER); // a fresh site
            return put(site, name, text, options);
        }
    }

    private static boolean put(InterceptedSite site, String name, String text, PutOptions options) {
        try {
            site.blobs().put(id(name), BlobContent.ofUtf8(text), options);
            return true;
        } catch (ConflictException e) {
            return false;
        }
    }
}
