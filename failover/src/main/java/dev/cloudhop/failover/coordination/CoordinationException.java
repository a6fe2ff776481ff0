package dev.cloudhop.failover.coordination;

/**
 * The fleet's register could not be read or changed, or the outcome of a change is unknown (no quorum of
 * sites answered, the coordination session was lost). Callers treat the register as unknown: they refuse or
 * wait, never assume.
 */
public final class CoordinationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With a message saying what could not be done and why. */
    public CoordinationException(String message, Throwable cause) {
        super(message, cause);
    }

    /** With a message saying what could not be done and why. */
    public CoordinationException(String message) {
        super(message);
    }
}
