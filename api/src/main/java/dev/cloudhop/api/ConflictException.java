package dev.cloudhop.api;

/**
 * The request conflicts with the current state: a precondition (if-match / if-none-match) failed, the resource already exists in an incompatible form, or it is in use.
 *
 * <p>{@link #retryable()} is {@code false}.
 */
public final class ConflictException extends CloudException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param context where and during what it happened; not null
     * @param message what was wrong, naming the object; not null, never containing secrets
     * @param cause   the vendor exception, or null
     */
    public ConflictException(ErrorContext context, String message, Throwable cause) {
        super(context, message, cause);
    }

    /** Creates the exception without a cause. */
    public ConflictException(ErrorContext context, String message) {
        super(context, message, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
