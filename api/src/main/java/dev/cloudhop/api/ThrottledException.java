package dev.cloudhop.api;

/**
 * The site refused the request because of rate limits (HTTP 429, SlowDown, ServerBusy). Sustained throttling counts against a site's health.
 *
 * <p>{@link #retryable()} is {@code true}.
 */
public final class ThrottledException extends CloudException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param context where and during what it happened; not null
     * @param message what was wrong, naming the object; not null, never containing secrets
     * @param cause   the vendor exception, or null
     */
    public ThrottledException(ErrorContext context, String message, Throwable cause) {
        super(context, message, cause);
    }

    /** Creates the exception without a cause. */
    public ThrottledException(ErrorContext context, String message) {
        super(context, message, null);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
