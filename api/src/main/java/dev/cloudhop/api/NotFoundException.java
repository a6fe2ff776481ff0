package dev.cloudhop.api;

/**
 * The addressed container, blob, queue, zone, record set or node does not exist.
 *
 * <p>{@link #retryable()} is {@code false}.
 */
public final class NotFoundException extends CloudException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param context where and during what it happened; not null
     * @param message what was wrong, naming the object; not null, never containing secrets
     * @param cause   the vendor exception, or null
     */
    public NotFoundException(ErrorContext context, String message, Throwable cause) {
        super(context, message, cause);
    }

    /** Creates the exception without a cause. */
    public NotFoundException(ErrorContext context, String message) {
        super(context, message, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
