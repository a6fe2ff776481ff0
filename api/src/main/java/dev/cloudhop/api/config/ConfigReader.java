package dev.cloudhop.api.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import dev.cloudhop.api.spi.Secret;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Typed reads of one section of a Typesafe {@link Config}, each a {@code Validation<Seq<ConfigProblem>, T>} whose
 * problem names the full key (the section's prefix plus the relative path) and the file. Reads check types only;
 * ranges and rules across keys are the caller's, with {@link ConfigProblem#check} and {@link #invalid}. Combine the
 * results with {@link Validation#combine} / {@link Validation#sequence} and {@link ConfigProblem#flatten} so every
 * problem is reported at once.
 *
 * <p>Paths are relative to the section and use Typesafe's syntax ({@code probe.interval}). Immutable; thread-safe.
 */
public final class ConfigReader {

    private final Config config;
    private final String source;
    private final String prefix;

    private ConfigReader(Config config, String source, String prefix) {
        this.config = Objects.requireNonNull(config, "config");
        this.source = Objects.requireNonNull(source, "source");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * A reader of {@code config}.
     *
     * @param source names the file in problems
     * @param prefix put before every path in problems, e.g. {@code "failover."}; empty for the whole file
     */
    public static ConfigReader of(Config config, String source, String prefix) {
        return new ConfigReader(config, source, prefix);
    }

    /** A reader of the section at {@code path}, whose problems carry this reader's prefix plus {@code path.}. */
    public ConfigReader section(String path) {
        return new ConfigReader(config.getConfig(path), source, key(path) + ".");
    }

    /** The file (or other origin) named in problems. */
    public String source() {
        return source;
    }

    /** The full key of a path, as problems name it. */
    public String key(String path) {
        return prefix + path;
    }

    /** Whether the path is set (to a value other than null). */
    public boolean has(String path) {
        return config.hasPath(path);
    }

    /** A problem at this path. */
    public ConfigProblem problem(String path, String message) {
        return new ConfigProblem(source, key(path), message);
    }

    /** An invalid result with one problem at this path. */
    public <T> Validation<Seq<ConfigProblem>, T> invalid(String path, String message) {
        return problem(path, message).invalid();
    }

    /** {@code value} when {@code ok}, else a problem at this path. */
    public <T> Validation<Seq<ConfigProblem>, T> check(boolean ok, T value, String path, String message) {
        return ConfigProblem.check(ok, value, source, key(path), message);
    }

    private <T> Validation<Seq<ConfigProblem>, T> read(String path, Supplier<T> read, T fallback, String expected) {
        if (!config.hasPath(path)) {
            return Validation.valid(fallback);
        }
        try {
            return Validation.valid(read.get());
        } catch (com.typesafe.config.ConfigException e) {
            return invalid(path, "must be " + expected);
        } catch (IllegalArgumentException e) {
            return invalid(path, "invalid value: " + Secret.redactUserInfo(e.getMessage()));
        }
    }

    private <T> Validation<Seq<ConfigProblem>, Optional<T>> optional(String path, Supplier<T> read, String expected) {
        return read(path, () -> Optional.of(read.get()), Optional.empty(), expected);
    }

    /** A string, empty when unset. */
    public Validation<Seq<ConfigProblem>, Optional<String>> string(String path) {
        return optional(path, () -> config.getString(path), "a string");
    }

    /** A string, {@code fallback} when unset. */
    public Validation<Seq<ConfigProblem>, String> string(String path, String fallback) {
        return read(path, () -> config.getString(path), fallback, "a string");
    }

    /** A string that must be set and not blank; {@code hint} follows "missing; " when it is unset. */
    public Validation<Seq<ConfigProblem>, String> requiredString(String path, String hint) {
        if (!config.hasPath(path)) {
            return invalid(path, "missing; " + hint);
        }
        return string(path, "").flatMap(s -> check(!s.isBlank(), s, path, "must not be blank"));
    }

    /** A whole number, {@code fallback} when unset. */
    public Validation<Seq<ConfigProblem>, Integer> integer(String path, int fallback) {
        return read(path, () -> config.getInt(path), fallback, "a whole number");
    }

    /** A number such as {@code 0.5} or {@code 8}, {@code fallback} when unset. */
    public Validation<Seq<ConfigProblem>, Double> decimal(String path, double fallback) {
        return read(path, () -> config.getDouble(path), fallback, "a number such as 0.5");
    }

    /** {@code true} or {@code false}, {@code fallback} when unset. */
    public Validation<Seq<ConfigProblem>, Boolean> bool(String path, boolean fallback) {
        return read(path, () -> config.getBoolean(path), fallback, "true or false");
    }

    /** A duration such as {@code 500 ms} or {@code 2 s}, {@code fallback} when unset. */
    public Validation<Seq<ConfigProblem>, Duration> duration(String path, Duration fallback) {
        return read(path, () -> config.getDuration(path), fallback, "a duration such as 500 ms or 2 s");
    }

    /** A size in bytes such as {@code 64 MiB}, empty when unset. */
    public Validation<Seq<ConfigProblem>, Optional<Long>> bytes(String path) {
        return optional(path, () -> config.getBytes(path), "a size such as 64 MiB");
    }

    /** A list of strings, {@code fallback} when unset; {@code expected} describes it, e.g. "a list of site ids". */
    public Validation<Seq<ConfigProblem>, List<String>> stringList(String path, List<String> fallback, String expected) {
        return read(path, () -> List.copyOf(config.getStringList(path)), fallback, expected);
    }

    /** A filesystem path, empty when unset. */
    public Validation<Seq<ConfigProblem>, Optional<Path>> path(String path) {
        return optional(path, () -> Path.of(config.getString(path)), "a path");
    }

    /**
     * One of an enum's constants, written in lower case with {@code -} for {@code _} ({@code active-passive} for
     * {@code ACTIVE_PASSIVE}); {@code fallback} when unset. A wrong value is reported with the allowed ones.
     */
    public <E extends Enum<E>> Validation<Seq<ConfigProblem>, E> enumValue(String path, Class<E> type, E fallback) {
        return read(path, () -> config.getString(path), null, "one of " + allowed(type))
                .flatMap(raw -> raw == null ? Validation.valid(fallback) : enumOf(path, type, raw));
    }

    private <E extends Enum<E>> Validation<Seq<ConfigProblem>, E> enumOf(String path, Class<E> type, String raw) {
        String name = raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.name().equals(name)).findFirst()
                .<Validation<Seq<ConfigProblem>, E>>map(Validation::valid)
                .orElseGet(() -> invalid(path, "must be one of " + allowed(type) + ", was '" + raw + "'"));
    }

    /** How {@link #enumValue} spells an enum's constants: {@code [active-passive, active-active]}. */
    public static List<String> allowed(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigReader::spelling).toList();
    }

    /** How the file spells a constant: lower case, {@code -} for {@code _}. */
    public static String spelling(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** An absolute URI with a host, empty when unset; user information is never shown in a problem. */
    public Validation<Seq<ConfigProblem>, Optional<URI>> uri(String path) {
        return read(path, () -> config.getString(path), null, "an absolute URI")
                .flatMap(text -> text == null ? Validation.valid(Optional.empty()) : uriOf(path, text).map(Optional::of));
    }

    private Validation<Seq<ConfigProblem>, URI> uriOf(String path, String text) {
        try {
            URI uri = new URI(text);
            return check(uri.isAbsolute() && uri.getHost() != null, uri, path,
                    "must be an absolute URI with a host, such as http://127.0.0.1:4566; was "
                            + (text.contains("@") ? "a value with user information (not shown)" : "'" + text + "'"));
        } catch (URISyntaxException e) {
            return invalid(path, "is not a valid URI: " + e.getReason());
        }
    }

    /**
     * A credential by reference, {@code env:NAME} (read from {@code env}), {@code file:PATH} or
     * {@code literal:VALUE}; empty when unset. The value is never part of a problem.
     */
    public Validation<Seq<ConfigProblem>, Optional<Secret>> secret(String path, Map<String, String> env) {
        return read(path, () -> config.getString(path), null, "a reference env:NAME, file:PATH or literal:VALUE")
                .flatMap(ref -> ref == null ? Validation.valid(Optional.empty()) : secretOf(path, ref, env).map(Optional::of));
    }

    private Validation<Seq<ConfigProblem>, Secret> secretOf(String path, String reference, Map<String, String> env) {
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            String value = env.get(name);
            return value == null
                    ? invalid(path, "environment variable " + name + " is not set")
                    : Validation.valid(new Secret(reference, value));
        }
        if (reference.startsWith("file:")) {
            Path file = Path.of(reference.substring(5));
            try {
                return Validation.valid(new Secret(reference, Files.readString(file, StandardCharsets.UTF_8).strip()));
            } catch (IOException e) {
                return invalid(path, "cannot read secret file " + file);
            }
        }
        if (reference.startsWith("literal:")) {
            return Validation.valid(new Secret(reference, reference.substring(8)));
        }
        return invalid(path, "must be a reference env:NAME, file:PATH or literal:VALUE (the value is not shown)");
    }

    /**
     * The keys of the object at {@code path}, sorted (empty when unset), or a problem when it is not an object.
     * {@code what} describes the entries, e.g. "weights by site id".
     */
    public Validation<Seq<ConfigProblem>, Set<String>> keys(String path, String what) {
        if (!config.hasPath(path)) {
            return Validation.valid(Set.of());
        }
        return check(config.getValue(path).valueType() == ConfigValueType.OBJECT, path, path, "must be an object of " + what)
                .map(p -> java.util.Collections.unmodifiableSortedSet(new TreeSet<>(config.getObject(p).keySet())));
    }

    /** A problem for each top-level key of this section that is not in {@code known}, listing the known ones. */
    public Validation<Seq<ConfigProblem>, Void> onlyKeys(Collection<String> known) {
        String list = known.stream().collect(Collectors.joining(", "));
        return ConfigProblem.all(new TreeSet<>(config.root().keySet()).stream()
                .filter(k -> !known.contains(k))
                .map(k -> invalid(k, "unknown key; known keys: " + list))
                .toList());
    }
}
