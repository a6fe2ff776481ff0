package dev.cloudhop.api;

import java.util.Objects;

/**
 * The one unchecked exception family every Cloudhop service throws.
 *
 * <p>The set of subclasses is fixed (sealed) so that callers, and the failover facade, can reason about
 * every error exhaustively. Providers translate vendor exceptions into exactly one of these at their
 * boundary; the vendor exception is kept as the {@linkplain #getCause() cause}.
 *
 * <p>Only {@link UnavailableException} (and sustained {@link ThrottledException}) say anything about the
 * health of a site; every other subclass is the caller's problem and never triggers failover.
 *
 * <p>Messages name what was wrong (the blob, queue or record, the size, the key) and never contain
 * credentials.
 */
public abstract sealed class CloudException extends RuntimeException
        permits NotFoundException, ConflictException, ThrottledException, UnavailableException,
        UnauthorizedException, InvalidRequestException, UnsupportedCapabilityException {

    private static final long serialVersionUID = 1L;

    private final ErrorContext context;

    CloudException(ErrorContext context, String message, Throwable cause) {
        super(Objects.requireNonNull(context, "context").describe() + ": " + Objects.requireNonNull(message, "message"),
                cause);
        this.context = context;
    }

    /** Where and during what the error happened; never null. */
    public ErrorContext context() {
        return context;
    }

    /** The site the failed operation ran against; never null. */
    public SiteInfo site() {
        return context.site();
    }

    /** The provider id of that site, e.g. {@code "aws"}; never null. */
    public String provider() {
        return context.site().provider();
    }

    /** The operation name, e.g. {@code "blob.get"}; never null. */
    public String operation() {
        return context.operation();
    }

    /**
     * Whether repeating the same call unchanged may succeed (transient errors: unavailability and
     * throttling). Caller errors are never retryable.
     */
    public abstract boolean retryable();
}
