package dev.cloudhop.samples.commerce;

/** Ordering cannot work right now (reduced functionality); the rest of the shop still serves. */
public final class OrderingUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    OrderingUnavailableException(String message) {
        super(message);
    }
}
