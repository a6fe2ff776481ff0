package dev.cloudhop.provider.azure;

import java.util.Arrays;
import java.util.IllegalFormatException;
import org.jclouds.logging.Logger;
import org.jclouds.logging.config.LoggingModule;

/**
 * The jclouds logging module of the {@code azureblob} context: the one jclouds would pick
 * ({@link org.jclouds.logging.LoggingModules#firstOrJDKLoggingModule()}), with every message and logged
 * exception passed through {@link Redaction}. Why: jclouds logs request lines at DEBUG (its
 * {@code jclouds.headers} and per-class loggers, "Sending request ...: GET https://...&sig=...") and in
 * retry warnings; in SAS mode those URLs carry the signature. Messages are formatted here, as jclouds'
 * loggers would ({@code String.format} when there are arguments), then redacted.
 */
final class RedactingLoggingModule extends LoggingModule {

    private final LoggingModule delegate;

    RedactingLoggingModule(LoggingModule delegate) {
        this.delegate = delegate;
    }

    @Override
    public Logger.LoggerFactory createLoggerFactory() {
        Logger.LoggerFactory factory = delegate.createLoggerFactory();
        return category -> new RedactingLogger(factory.getLogger(category));
    }

    /** A jclouds logger that redacts SAS signatures before its delegate sees them. */
    static final class RedactingLogger implements Logger {
        private final Logger delegate;

        RedactingLogger(Logger delegate) {
            this.delegate = delegate;
        }

        static String format(String message, Object... args) {
            if (args == null || args.length == 0) {
                return Redaction.redact(message);
            }
            try {
                return Redaction.redact(String.format(message, args));
            } catch (IllegalFormatException e) {
                return Redaction.redact(message + " " + Arrays.toString(args));
            }
        }

        private static Throwable redacted(Throwable t) {
            return Redaction.leaks(t) ? Redaction.copy(t) : t;
        }

        @Override
        public String getCategory() {
            return delegate.getCategory();
        }

        @Override
        public void trace(String message, Object... args) {
            if (delegate.isTraceEnabled()) {
                delegate.trace("%s", format(message, args));
            }
        }

        @Override
        public boolean isTraceEnabled() {
            return delegate.isTraceEnabled();
        }

        @Override
        public void debug(String message, Object... args) {
            if (delegate.isDebugEnabled()) {
                delegate.debug("%s", format(message, args));
            }
        }

        @Override
        public boolean isDebugEnabled() {
            return delegate.isDebugEnabled();
        }

        @Override
        public void info(String message, Object... args) {
            if (delegate.isInfoEnabled()) {
                delegate.info("%s", format(message, args));
            }
        }

        @Override
        public boolean isInfoEnabled() {
            return delegate.isInfoEnabled();
        }

        @Override
        public void warn(String message, Object... args) {
            if (delegate.isWarnEnabled()) {
                delegate.warn("%s", format(message, args));
            }
        }

        @Override
        public void warn(Throwable throwable, String message, Object... args) {
            if (delegate.isWarnEnabled()) {
                delegate.warn(redacted(throwable), "%s", format(message, args));
            }
        }

        @Override
        public boolean isWarnEnabled() {
            return delegate.isWarnEnabled();
        }

        @Override
        public void error(String message, Object... args) {
            if (delegate.isErrorEnabled()) {
                delegate.error("%s", format(message, args));
            }
        }

        @Override
        public void error(Throwable throwable, String message, Object... args) {
            if (delegate.isErrorEnabled()) {
                delegate.error(redacted(throwable), "%s", format(message, args));
            }
        }

        @Override
        public boolean isErrorEnabled() {
            return delegate.isErrorEnabled();
        }
    }
}
