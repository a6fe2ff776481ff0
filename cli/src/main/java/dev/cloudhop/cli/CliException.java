package dev.cloudhop.cli;

/** A failure of a command whose message is the one line the operator needs (it names the site, key or file). */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
