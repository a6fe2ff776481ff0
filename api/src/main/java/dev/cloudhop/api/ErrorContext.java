package dev.cloudhop.api;

import java.util.Objects;

/**
 * Where and during what an error happened: the site, its provider and the operation.
 *
 * @param site      the site the operation ran against; never null
 * @param operation a short, stable operation name such as {@code "blob.put"} or {@code "queue.receive"};
 *                  never blank
 * @param target    what the operation addressed, e.g. {@code "orders/42.json"} or a queue name; may be
 *                  empty, never null. Never holds a secret.
 */
public record ErrorContext(SiteInfo site, String operation, String target) implements java.io.Serializable {

    /** Validates the components. */
    public ErrorContext {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(target, "target");
        if (operation.isBlank()) {
            throw new IllegalArgumentException("operation must not be blank");
        }
    }

    /** Shorthand for a context without a target. */
    public static ErrorContext of(SiteInfo site, String operation) {
        return new ErrorContext(site, operation, "");
    }

    /** Shorthand for a context with a target. */
    public static ErrorContext of(SiteInfo site, String operation, String target) {
        return new ErrorContext(site, operation, target);
    }

    /** A prefix for messages: {@code "blob.put orders/1 on site primary (local, eu)"}. */
    String describe() {
        return operation + (target.isEmpty() ? "" : " " + target) + " on site " + site;
    }
}
