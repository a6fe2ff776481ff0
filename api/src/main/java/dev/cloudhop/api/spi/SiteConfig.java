package dev.cloudhop.api.spi;

import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.config.ConfigProblem;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One site's validated configuration: its identity and the typed values of its provider's keys
 * (defaults applied). Produced by the configuration loader; handed to
 * {@link CloudProvider#module(SiteConfig)}. Immutable; {@link #toString()} redacts secrets.
 */
public final class SiteConfig {

    private final SiteInfo info;
    private final Map<String, Object> values;
    private final String source;

    /**
     * A site whose problems name it rather than a file: {@code site ID (provider P)}.
     *
     * @param info   the site
     * @param values typed values by key: String, Integer, Boolean, Duration, Long (bytes), URI, Path or Secret
     */
    public SiteConfig(SiteInfo info, Map<String, Object> values) {
        this(info, values, "site " + info.id() + " (provider " + info.provider() + ")");
    }

    /**
     * @param info   the site
     * @param values typed values by key: String, Integer, Boolean, Duration, Long (bytes), URI, Path or Secret
     * @param source the file (or other origin) the site was read from, named in problems
     */
    public SiteConfig(SiteInfo info, Map<String, Object> values, String source) {
        this.info = Objects.requireNonNull(info, "info");
        this.values = Map.copyOf(values);
        this.source = Objects.requireNonNull(source, "source");
    }

    /** The file (or other origin) this site was read from. */
    public String source() {
        return source;
    }

    /**
     * A problem with one of this site's keys, naming the file and the full key ({@code sites.ID.KEY}): for a
     * provider's checks across keys, reported with the other problems as a {@code Validation}.
     *
     * @param key the key relative to the site, e.g. {@code blob.endpoint}
     */
    public ConfigProblem problem(String key, String message) {
        return new ConfigProblem(source, "sites." + info.id() + "." + key, message);
    }

    /** An invalid result with {@link #problem(String, String)}. */
    public <T> Validation<Seq<ConfigProblem>, T> invalid(String key, String message) {
        return problem(key, message).invalid();
    }

    /** {@code value} when {@code ok}, else {@link #problem(String, String)}. */
    public <T> Validation<Seq<ConfigProblem>, T> check(boolean ok, T value, String key, String message) {
        return ok ? Validation.valid(value) : invalid(key, message);
    }

    /** The site. */
    public SiteInfo info() {
        return info;
    }

    /** The site id. */
    public String id() {
        return info.id();
    }

    private <T> Optional<T> typed(String key, Class<T> type) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!type.isInstance(v)) {
            throw new IllegalStateException("config key " + key + " of site " + info.id() + " is a "
                    + v.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return Optional.of(type.cast(v));
    }

    /** A {@link ConfigKey.Type#STRING} value. */
    public Optional<String> string(String key) {
        return typed(key, String.class);
    }

    /** An {@link ConfigKey.Type#INT} value. */
    public Optional<Integer> integer(String key) {
        return typed(key, Integer.class);
    }

    /** A {@link ConfigKey.Type#BOOLEAN} value. */
    public Optional<Boolean> bool(String key) {
        return typed(key, Boolean.class);
    }

    /** A {@link ConfigKey.Type#DURATION} value. */
    public Optional<Duration> duration(String key) {
        return typed(key, Duration.class);
    }

    /** A {@link ConfigKey.Type#BYTES} value, in bytes. */
    public Optional<Long> bytes(String key) {
        return typed(key, Long.class);
    }

    /** A {@link ConfigKey.Type#URI} value. */
    public Optional<URI> uri(String key) {
        return typed(key, URI.class);
    }

    /** A {@link ConfigKey.Type#PATH} value. */
    public Optional<Path> path(String key) {
        return typed(key, Path.class);
    }

    /** A {@link ConfigKey.Type#SECRET} value. */
    public Optional<Secret> secret(String key) {
        return typed(key, Secret.class);
    }

    /** The site and its keys; secrets show only their reference, URIs no user information. */
    @Override
    public String toString() {
        return "SiteConfig[" + info + ", " + Secret.redactUserInfo(new java.util.TreeMap<>(values).toString()) + "]";
    }
}
