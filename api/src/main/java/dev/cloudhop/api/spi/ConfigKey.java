package dev.cloudhop.api.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * One configuration key a provider understands within a site's section, e.g. {@code endpoint} or
 * {@code credentials.key}.
 *
 * @param name         the key, relative to the site (dotted for nesting)
 * @param type         how the value is parsed and validated
 * @param required     whether a site of this provider must set it
 * @param defaultValue the value used when it is not set (as it would be written in the file)
 * @param description  one line for docs and error messages
 */
public record ConfigKey(String name, Type type, boolean required, Optional<String> defaultValue, String description) {

    /** The value types. */
    public enum Type {
        /** Any string. */
        STRING,
        /** A whole number. */
        INT,
        /** true or false. */
        BOOLEAN,
        /** A duration such as {@code 5 s} or {@code 250ms}. */
        DURATION,
        /** A size such as {@code 64 MiB}. */
        BYTES,
        /** An absolute URI such as {@code http://127.0.0.1:4566}. */
        URI,
        /** A filesystem path. */
        PATH,
        /** A credential reference: {@code env:NAME}, {@code file:PATH} or {@code literal:VALUE}. */
        SECRET
    }

    /** Validates. */
    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        if (required && defaultValue.isPresent()) {
            throw new IllegalArgumentException("a required key has no default: " + name);
        }
    }

    /** A key sites must set. */
    public static ConfigKey required(String name, Type type, String description) {
        return new ConfigKey(name, type, true, Optional.empty(), description);
    }

    /** An optional key without default. */
    public static ConfigKey optional(String name, Type type, String description) {
        return new ConfigKey(name, type, false, Optional.empty(), description);
    }

    /** An optional key with a default. */
    public static ConfigKey withDefault(String name, Type type, String defaultValue, String description) {
        return new ConfigKey(name, type, false, Optional.of(defaultValue), description);
    }
}
