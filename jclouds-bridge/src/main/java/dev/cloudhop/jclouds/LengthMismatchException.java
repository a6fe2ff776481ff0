package dev.cloudhop.jclouds;

import java.io.IOException;

/** A stream yielded more or fewer bytes than its declared length; mapped to an invalid request. */
final class LengthMismatchException extends IOException {

    private static final long serialVersionUID = 1L;

    LengthMismatchException(String message) {
        super(message);
    }
}
