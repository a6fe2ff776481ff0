package dev.cloudhop.api.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A credential resolved from a reference ({@code env:NAME}, {@code file:PATH} or {@code literal:VALUE}).
 *
 * <p>{@link #toString()} never shows the value, only where it came from, so a secret can be logged or put in
 * an exception message by mistake without leaking. Call {@link #reveal()} only where the value is handed to
 * a client library. Immutable and thread-safe.
 */
public final class Secret {

    /** The user information of a URI ({@code scheme://user:password@host}), where a password can hide. */
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s'\"]+@");

    private final String reference;
    private final String value;

    /**
     * @param reference where the value came from, e.g. {@code env:AZURE_KEY}; shown in messages
     * @param value     the secret value
     */
    public Secret(String reference, String value) {
        this.reference = Objects.requireNonNull(reference, "reference");
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The secret value itself. */
    public String reveal() {
        return value;
    }

    /** Where the value came from, e.g. {@code env:AZURE_KEY}; safe to show. */
    public String reference() {
        return reference.startsWith("literal:") ? "literal:***" : reference;
    }

    /**
     * {@code text} with the user information of every URI in it replaced by {@code ***}
     * ({@code http://admin:pw@host} becomes {@code http://***@host}): for values that are not secrets but
     * may carry one, such as endpoints. Null stays null.
     */
    public static String redactUserInfo(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("***@");
    }

    /** {@code Secret[env:NAME]}: never the value. */
    @Override
    public String toString() {
        return "Secret[" + reference() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
