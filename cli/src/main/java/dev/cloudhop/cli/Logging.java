package dev.cloudhop.cli;

/**
 * The libraries' logging for a command: warnings (slf4j-simple) and jclouds' SEVERE retries (java.util.logging) would
 * interleave with the command's own output, which already reports every failure as one line. {@code --verbose} keeps
 * them.
 */
final class Logging {

    /** Held: java.util.logging keeps loggers only weakly. */
    private static final java.util.logging.Logger JCLOUDS = java.util.logging.Logger.getLogger("org.jclouds");
    /** JUnit's warnings about the suites `cloudhop tck` runs; the command reports failed suites itself. */
    private static final java.util.logging.Logger JUNIT = java.util.logging.Logger.getLogger("org.junit");

    private Logging() {
    }

    /** Must run before the first logger is created. */
    static void quiet(boolean verbose) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "warn" : "off");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        if (!verbose) {
            JCLOUDS.setLevel(java.util.logging.Level.OFF);
            JUNIT.setLevel(java.util.logging.Level.OFF);
        }
    }
}
