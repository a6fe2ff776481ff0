package dev.cloudhop.api;

/**
 * The request is invalid regardless of the site's state: a bad name, an oversized message or blob, an illegal argument. The message names what was wrong.
 *
 * <p>{@link #retryable()} is {@code false}.
 */
public final class InvalidRequestException extends CloudException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param context where and during what it happened; not null
     * @param message what was wrong, naming the object; not null, never containing secrets
     * @param cause   the vendor exception, or null
     */
    public InvalidRequestException(ErrorContext context, String message, Throwable cause) {
        super(context, message, cause);
    }

    /** Creates the exception without a cause. */
    public InvalidRequestException(ErrorContext context, String message) {
        super(context, message, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
