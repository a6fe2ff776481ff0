package dev.cloudhop.api.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.spi.CloudProvider;
import dev.cloudhop.api.spi.ConfigKey;
import dev.cloudhop.api.spi.Secret;
import dev.cloudhop.api.spi.SiteConfig;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A validated Cloudhop configuration: the sites and the raw failover section (which the failover module reads).
 *
 * <p>The file is HOCON (a superset of JSON; see the README for an example):
 * <pre>{@code
 * sites {
 *   primary   { provider = local, region = westeurope }
 *   secondary { provider = local, region = us-east-1 }
 * }
 * }</pre>
 * Every value can be overridden from the environment: {@code CLOUDHOP_SITES_PRIMARY_REGION=northeurope}
 * sets {@code sites.primary.region}; only {@code CLOUDHOP_SITES_*} and {@code CLOUDHOP_FAILOVER_*} variables
 * are read (after the prefix, {@code _} separates path elements, {@code __} stands
 * for {@code -} and {@code ___} for {@code _}; names are lower-cased). HOCON's own {@code ${?VAR}}
 * substitutions read the same environment. Secrets are given by reference: {@code env:NAME},
 * {@code file:PATH} or {@code literal:VALUE} (for emulators' well-known keys only); values are never printed.
 *
 * <p>Loading reports every problem at once, each naming the key and the file. Immutable; thread-safe.
 */
public final class CloudhopConfig {

    /** The prefix of environment variables that override configuration values. */
    public static final String ENV_PREFIX = "CLOUDHOP_";

    private static final Pattern SITE_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Set<String> TOP_LEVEL = Set.of("sites", "failover");
    private static final Set<String> SITE_KEYS = Set.of("provider", "region");

    private final String source;
    private final List<SiteConfig> sites;
    private final Map<String, Object> failover;

    private CloudhopConfig(String source, List<SiteConfig> sites, Map<String, Object> failover) {
        this.source = source;
        this.sites = List.copyOf(sites);
        this.failover = failover;
    }

    /** Where the configuration came from. */
    public String source() {
        return source;
    }

    /** The sites, sorted by id. */
    public List<SiteConfig> sites() {
        return sites;
    }

    /** The site of this id. */
    public Optional<SiteConfig> site(String id) {
        return sites.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The {@code failover} section as plain maps, lists and scalars; empty when absent. */
    public Map<String, Object> failover() {
        return failover;
    }

    /**
     * Loads a file with the process environment and the providers on the class path.
     *
     * @throws ConfigException listing every problem
     */
    public static CloudhopConfig load(Path file) {
        return load(file, System.getenv(), ProviderRegistry.discover());
    }

    /**
     * Loads a file with this environment and these providers.
     *
     * @throws ConfigException listing every problem
     */
    public static CloudhopConfig load(Path file, Map<String, String> env, ProviderRegistry providers) {
        return orThrow(validate(file, env, providers));
    }

    /**
     * Loads configuration text; {@code source} names it in problems.
     *
     * @throws ConfigException listing every problem
     */
    public static CloudhopConfig parse(String text, String source, Map<String, String> env, ProviderRegistry providers) {
        return orThrow(validate(text, source, env, providers));
    }

    private static CloudhopConfig orThrow(Validation<Seq<ConfigProblem>, CloudhopConfig> result) {
        return ConfigProblem.orThrow(result);
    }

    /** Loads a file, returning every problem instead of throwing. */
    public static Validation<Seq<ConfigProblem>, CloudhopConfig> validate(Path file, Map<String, String> env,
                                                                           ProviderRegistry providers) {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            return invalid(source, "", "configuration file not found");
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return validate(text, source, env, providers);
        } catch (IOException e) {
            return invalid(source, "", "cannot read configuration file: " + e.getMessage());
        }
    }

    /** Validates configuration text; {@code source} names it in problems. */
    public static Validation<Seq<ConfigProblem>, CloudhopConfig> validate(String text, String source,
                                                                           Map<String, String> env,
                                                                           ProviderRegistry providers) {
        Config config;
        try {
            Config parsed = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(source));
            config = envOverrides(env).withFallback(parsed)
                    .resolveWith(ConfigValueFactory.fromMap(Map.copyOf(env)).toConfig(),
                            ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
        } catch (com.typesafe.config.ConfigException e) {
            return invalid(source, "", Secret.redactUserInfo(e.getMessage()));
        }
        return new Loader(source, config, env, providers).load();
    }

    private static Validation<Seq<ConfigProblem>, CloudhopConfig> invalid(String source, String key, String message) {
        return ConfigProblem.invalid(source, key, message);
    }

    /** {@code CLOUDHOP_SITES_PRIMARY_REGION=x} becomes {@code sites.primary.region = x}. */
    static Config envOverrides(Map<String, String> env) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            // Only CLOUDHOP_SITES_* and CLOUDHOP_FAILOVER_*: other CLOUDHOP_* variables (CLOUDHOP_TOOLS, ...)
            // belong to tools, not to the configuration.
            if (name.startsWith(ENV_PREFIX + "SITES_") || name.startsWith(ENV_PREFIX + "FAILOVER_")) {
                overrides.put(envNameToPath(name.substring(ENV_PREFIX.length())), value);
            }
        });
        return ConfigFactory.parseMap(overrides, "environment variables " + ENV_PREFIX + "*");
    }

    static String envNameToPath(String name) {
        return name.toLowerCase(Locale.ROOT)
                .replace("___", "\u0000")
                .replace("__", "-")
                .replace('_', '.')
                .replace('\u0000', '_');
    }

    /** Collects every problem of one configuration. */
    private static final class Loader {
        private final String source;
        private final Config config;
        private final ConfigReader reader;
        private final Map<String, String> env;
        private final ProviderRegistry providers;

        Loader(String source, Config config, Map<String, String> env, ProviderRegistry providers) {
            this.source = source;
            this.config = config;
            this.reader = ConfigReader.of(config, source, "");
            this.env = env;
            this.providers = providers;
        }

        Validation<Seq<ConfigProblem>, CloudhopConfig> load() {
            Validation<Seq<ConfigProblem>, Void> topLevel = ConfigProblem.all(new TreeSet<>(config.root().keySet()).stream()
                    .filter(key -> !TOP_LEVEL.contains(key))
                    .map(key -> reader.invalid(key, "unknown key; expected " + String.join(" or ", new TreeSet<>(TOP_LEVEL))))
                    .toList());
            return ConfigProblem.flatten(Validation.combine(topLevel, sites(), failover())
                    .ap((ignored, sites, failover) -> new CloudhopConfig(source, sites, failover)));
        }

        private Validation<Seq<ConfigProblem>, List<SiteConfig>> sites() {
            if (!config.hasPath("sites")) {
                return reader.invalid("sites", "missing; define at least one site, e.g. sites { primary { provider = local, region = eu } }");
            }
            return reader.keys("sites", "sites by id")
                    .flatMap(ids -> reader.check(!ids.isEmpty(), ids, "sites", "is empty; define at least one site"))
                    .flatMap(ids -> Validation.traverse(ids, this::site))
                    .map(Seq::asJava);
        }

        private Validation<Seq<ConfigProblem>, Map<String, Object>> failover() {
            if (!config.hasPath("failover")) {
                return Validation.valid(Map.of());
            }
            return reader.check(config.getValue("failover").valueType() == ConfigValueType.OBJECT, "failover",
                            "failover", "must be an object")
                    .map(path -> java.util.Collections.unmodifiableMap(config.getObject(path).unwrapped()));
        }

        private Validation<Seq<ConfigProblem>, SiteConfig> site(String id) {
            String base = "sites." + id;
            String quotedBase = com.typesafe.config.ConfigUtil.joinPath("sites", id);
            if (!SITE_ID.matcher(id).matches()) {
                return reader.invalid(base, "site id must be 1 to 63 lower-case letters, digits or '-', starting with a letter");
            }
            ConfigValue raw = config.getValue(quotedBase);
            if (raw.valueType() != ConfigValueType.OBJECT) {
                return reader.invalid(base, "must be an object with provider, region and the provider's keys");
            }
            ConfigReader site = reader.section(quotedBase);
            Validation<Seq<ConfigProblem>, CloudProvider> provider = provider(site);
            Validation<Seq<ConfigProblem>, String> region = site.requiredString("region",
                    "the region or data centre of this site");
            Validation<Seq<ConfigProblem>, Map<String, Object>> values = provider.fold(
                    problems -> Validation.valid(Map.of()),
                    p -> providerValues(base, config.getConfig(quotedBase), p));
            return ConfigProblem.flatten(Validation.combine(provider, region, values)
                    .ap((p, r, v) -> new SiteConfig(new SiteInfo(id, p.id(), r), v, source)));
        }

        private Validation<Seq<ConfigProblem>, CloudProvider> provider(ConfigReader site) {
            String available = providers.ids().isEmpty() ? "none on the class path" : String.join(", ", providers.ids());
            return site.requiredString("provider", "available providers: " + available)
                    .flatMap(id -> providers.find(id).<Validation<Seq<ConfigProblem>, CloudProvider>>map(Validation::valid)
                            .orElseGet(() -> site.invalid("provider", "unknown provider '" + id + "'; available providers: "
                                    + available + suggestion(id, providers.ids()))));
        }

        private Validation<Seq<ConfigProblem>, Map<String, Object>> providerValues(String base, Config site,
                                                                                   CloudProvider provider) {
            ConfigReader reader = ConfigReader.of(site, source, base + ".");
            Map<String, ConfigKey> known = provider.configKeys().stream()
                    .collect(Collectors.toMap(ConfigKey::name, k -> k, (a, b) -> a, LinkedHashMap::new));
            String knownKeys = known.isEmpty() ? "it takes no other keys" : "known keys: " + String.join(", ", known.keySet());
            Validation<Seq<ConfigProblem>, Void> unknown = ConfigProblem.all(site.entrySet().stream()
                    .map(Map.Entry::getKey).sorted()
                    .filter(path -> !SITE_KEYS.contains(path) && !known.containsKey(path))
                    .map(path -> reader.invalid(path, "unknown key for provider " + provider.id() + "; " + knownKeys
                            + suggestion(path, known.keySet())))
                    .toList());
            Validation<Seq<ConfigProblem>, Seq<Optional<Map.Entry<String, Object>>>> values = Validation.traverse(
                    known.values(), key -> value(reader, site, provider, key)
                            .map(v -> v.map(value -> Map.entry(key.name(), value))));
            return ConfigProblem.flatten(Validation.combine(unknown, values).ap((ignored, entries) -> {
                Map<String, Object> typed = new LinkedHashMap<>();
                entries.forEach(e -> e.ifPresent(entry -> typed.put(entry.getKey(), entry.getValue())));
                return typed;
            }));
        }

        /** The typed value of one provider key; its default when unset; empty when unset without default. */
        private Validation<Seq<ConfigProblem>, Optional<Object>> value(ConfigReader reader, Config site,
                                                                        CloudProvider provider, ConfigKey key) {
            if (!site.hasPath(key.name())) {
                if (key.required()) {
                    return reader.invalid(key.name(), "missing; required by provider " + provider.id() + ": "
                            + key.description());
                }
                if (key.defaultValue().isEmpty()) {
                    return Validation.valid(Optional.empty());
                }
                reader = ConfigReader.of(ConfigFactory.parseMap(Map.of(key.name(), key.defaultValue().get())),
                        reader.source(), reader.key(""));
            }
            String path = key.name();
            Validation<Seq<ConfigProblem>, ? extends Optional<?>> value = switch (key.type()) {
                case STRING -> reader.string(path);
                case INT -> reader.integer(path, 0).map(Optional::of);
                case BOOLEAN -> reader.bool(path, false).map(Optional::of);
                case DURATION -> reader.duration(path, Duration.ZERO).map(Optional::of);
                case BYTES -> reader.bytes(path);
                case PATH -> reader.path(path);
                case URI -> reader.uri(path);
                case SECRET -> reader.secret(path, env);
            };
            return value.<Seq<ConfigProblem>, Optional<Object>>bimap(
                    problems -> problems.map(p -> new ConfigProblem(p.source(), p.key(), p.message() + " (" + key.description() + ")")),
                    v -> v.map(Object.class::cast));
        }
    }

    /** {@code " (did you mean 'local'?)"} when a candidate is within edit distance 2. */
    static String suggestion(String given, java.util.Collection<String> candidates) {
        return candidates.stream()
                .filter(c -> editDistance(given, c) <= 2)
                .min(java.util.Comparator.comparingInt(c -> editDistance(given, c)))
                .map(c -> " (did you mean '" + c + "'?)")
                .orElse("");
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    @Override
    public String toString() {
        return "CloudhopConfig[" + source + ", sites=" + sites + "]";
    }
}
