package dev.cloudhop.api.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration.
 *
 * @param source  the file (or other origin) the configuration came from
 * @param key     the full key, e.g. {@code sites.primary.provider}
 * @param message what is wrong, never including a secret value
 */
public record ConfigProblem(String source, String key, String message) {

    /** Validates. */
    public ConfigProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
    }

    /** {@code file: key: message}. */
    @Override
    public String toString() {
        return source + ": " + key + ": " + message;
    }
}
