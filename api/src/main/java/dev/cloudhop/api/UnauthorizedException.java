package dev.cloudhop.api;

/**
 * The credentials were rejected or lack permission for the operation (HTTP 401/403).
 *
 * <p>{@link #retryable()} is {@code false}.
 */
public final class UnauthorizedException extends CloudException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param context where and during what it happened; not null
     * @param message what was wrong, naming the object; not null, never containing secrets
     * @param cause   the vendor exception, or null
     */
    public UnauthorizedException(ErrorContext context, String message, Throwable cause) {
        super(context, message, cause);
    }

    /** Creates the exception without a cause. */
    public UnauthorizedException(ErrorContext context, String message) {
        super(context, message, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
