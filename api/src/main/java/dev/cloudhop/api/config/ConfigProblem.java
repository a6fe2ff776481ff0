package dev.cloudhop.api.config;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.util.Objects;

/**
 * One thing wrong with a configuration.
 *
 * <p>Every configuration parser (sites, the failover section, each provider's settings) reports its findings the
 * same way: a {@code Validation<Seq<ConfigProblem>, T>}, combined with {@link Validation#combine} or
 * {@link Validation#sequence} so that every problem is reported at once. The static helpers here are the glue.
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

    /** An invalid result holding this one problem. */
    public <T> Validation<Seq<ConfigProblem>, T> invalid() {
        return Validation.invalid(List.of(this));
    }

    /** An invalid result holding one problem. */
    public static <T> Validation<Seq<ConfigProblem>, T> invalid(String source, String key, String message) {
        return new ConfigProblem(source, key, message).invalid();
    }

    /**
     * Valid with {@code value} when {@code ok}, else the problem (source, key, message).
     * The shape of every single-value check, such as a range or a cross-key rule.
     */
    public static <T> Validation<Seq<ConfigProblem>, T> check(boolean ok, T value, String source, String key,
                                                               String message) {
        return ok ? Validation.valid(value) : invalid(source, key, message);
    }

    /**
     * The problems of {@link Validation#combine} results (a sequence of sequences), in order, as one sequence:
     * {@code ConfigProblem.flatten(Validation.combine(a, b).ap(Pair::new))}.
     */
    public static <T> Validation<Seq<ConfigProblem>, T> flatten(
            Validation<? extends Seq<? extends Seq<ConfigProblem>>, ? extends T> combined) {
        return combined.<Seq<ConfigProblem>, T>bimap(seqs -> List.ofAll(seqs).flatMap(s -> s), v -> v);
    }

    /**
     * Every problem of these checks, whose values are not needed; valid when all are valid.
     * For cross-key checks of values that are already typed.
     */
    @SafeVarargs
    public static Validation<Seq<ConfigProblem>, Void> all(Validation<? extends Seq<ConfigProblem>, ?>... checks) {
        return all(List.of(checks));
    }

    /** Every problem of these checks; valid when all are valid. */
    public static Validation<Seq<ConfigProblem>, Void> all(
            Iterable<? extends Validation<? extends Seq<ConfigProblem>, ?>> checks) {
        return Validation.<ConfigProblem, Object>sequence(checks).map(ignored -> null);
    }

    /**
     * The value of a valid result.
     *
     * @throws ConfigException listing every problem of an invalid one
     */
    public static <T> T orThrow(Validation<? extends Seq<ConfigProblem>, T> result) {
        if (result.isInvalid()) {
            throw new ConfigException(result.getError().asJava());
        }
        return result.get();
    }

    /** {@code file: key: message}. */
    @Override
    public String toString() {
        return source + ": " + key + ": " + message;
    }
}
