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
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * A validated Cloudhop configuration: the sites and the (raw, for now) failover section.
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
        if (result.isInvalid()) {
            throw new ConfigException(result.getError().asJava());
        }
        return result.get();
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
        return Validation.invalid(io.vavr.collection.List.of(new ConfigProblem(source, key, message)));
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
        private final Map<String, String> env;
        private final ProviderRegistry providers;

        Loader(String source, Config config, Map<String, String> env, ProviderRegistry providers) {
            this.source = source;
            this.config = config;
            this.env = env;
            this.providers = providers;
        }

        private <T> Validation<ConfigProblem, T> problem(String key, String message) {
            return Validation.invalid(new ConfigProblem(source, key, message));
        }

        Validation<Seq<ConfigProblem>, CloudhopConfig> load() {
            List<Validation<ConfigProblem, Object>> checks = new ArrayList<>();
            for (String key : config.root().keySet()) {
                if (!TOP_LEVEL.contains(key)) {
                    checks.add(problem(key, "unknown key; expected " + String.join(" or ", new TreeSet<>(TOP_LEVEL))));
                }
            }
            List<Validation<Seq<ConfigProblem>, SiteConfig>> siteChecks = new ArrayList<>();
            if (!config.hasPath("sites")) {
                checks.add(problem("sites", "missing; define at least one site, e.g. sites { primary { provider = local, region = eu } }"));
            } else if (config.getValue("sites").valueType() != ConfigValueType.OBJECT) {
                checks.add(problem("sites", "must be an object of sites by id"));
            } else if (config.getObject("sites").isEmpty()) {
                checks.add(problem("sites", "is empty; define at least one site"));
            } else {
                for (String id : new TreeSet<>(config.getObject("sites").keySet())) {
                    siteChecks.add(site(id));
                }
            }
            Map<String, Object> failover = Map.of();
            if (config.hasPath("failover")) {
                if (config.getValue("failover").valueType() != ConfigValueType.OBJECT) {
                    checks.add(problem("failover", "must be an object"));
                } else {
                    failover = java.util.Collections.unmodifiableMap(config.getObject("failover").unwrapped());
                }
            }
            Seq<ConfigProblem> problems = io.vavr.collection.List.ofAll(checks).filter(Validation::isInvalid)
                    .map(Validation::getError)
                    .appendAll(io.vavr.collection.List.ofAll(siteChecks).filter(Validation::isInvalid)
                            .flatMap(Validation::getError));
            if (!problems.isEmpty()) {
                return Validation.invalid(problems);
            }
            List<SiteConfig> sites = siteChecks.stream().map(Validation::get).toList();
            return Validation.valid(new CloudhopConfig(source, sites, failover));
        }

        private Validation<Seq<ConfigProblem>, SiteConfig> site(String id) {
            String base = "sites." + id;
            String quotedBase = com.typesafe.config.ConfigUtil.joinPath("sites", id);
            if (!SITE_ID.matcher(id).matches()) {
                return Validation.invalid(io.vavr.collection.List.of(new ConfigProblem(source, base,
                        "site id must be 1 to 63 lower-case letters, digits or '-', starting with a letter")));
            }
            ConfigValue raw = config.getValue(quotedBase);
            if (raw.valueType() != ConfigValueType.OBJECT) {
                return Validation.invalid(io.vavr.collection.List.of(new ConfigProblem(source, base,
                        "must be an object with provider, region and the provider's keys")));
            }
            Config site = config.getConfig(quotedBase);
            Validation<ConfigProblem, CloudProvider> provider = provider(base, site);
            Validation<ConfigProblem, String> region = site.hasPath("region")
                    ? stringValue(base + ".region", site, "region")
                    : problem(base + ".region", "missing; the region or data centre of this site");
            Validation<Seq<ConfigProblem>, Map<String, Object>> values = provider.isValid()
                    ? providerValues(base, site, provider.get())
                    : Validation.valid(Map.of());
            Seq<ConfigProblem> problems = io.vavr.collection.List.<ConfigProblem>empty()
                    .appendAll(provider.isInvalid() ? io.vavr.collection.List.of(provider.getError()) : io.vavr.collection.List.empty())
                    .appendAll(region.isInvalid() ? io.vavr.collection.List.of(region.getError()) : io.vavr.collection.List.empty())
                    .appendAll(values.isInvalid() ? values.getError() : io.vavr.collection.List.empty());
            if (!problems.isEmpty()) {
                return Validation.invalid(problems);
            }
            return Validation.valid(new SiteConfig(new SiteInfo(id, provider.get().id(), region.get()), values.get()));
        }

        private Validation<ConfigProblem, CloudProvider> provider(String base, Config site) {
            String key = base + ".provider";
            String available = providers.ids().isEmpty() ? "none on the class path" : String.join(", ", providers.ids());
            if (!site.hasPath("provider")) {
                return problem(key, "missing; available providers: " + available);
            }
            Validation<ConfigProblem, String> id = stringValue(key, site, "provider");
            if (id.isInvalid()) {
                return Validation.invalid(id.getError());
            }
            return providers.find(id.get()).<Validation<ConfigProblem, CloudProvider>>map(Validation::valid)
                    .orElseGet(() -> problem(key, "unknown provider '" + id.get() + "'; available providers: " + available
                            + suggestion(id.get(), providers.ids())));
        }

        private Validation<ConfigProblem, String> stringValue(String key, Config site, String path) {
            try {
                String value = site.getString(path);
                return value.isBlank() ? problem(key, "must not be blank") : Validation.valid(value);
            } catch (com.typesafe.config.ConfigException e) {
                return problem(key, "must be a string");
            }
        }

        private Validation<Seq<ConfigProblem>, Map<String, Object>> providerValues(String base, Config site,
                                                                                   CloudProvider provider) {
            List<ConfigProblem> problems = new ArrayList<>();
            Map<String, ConfigKey> known = provider.configKeys().stream()
                    .collect(Collectors.toMap(ConfigKey::name, k -> k, (a, b) -> a, LinkedHashMap::new));
            for (Map.Entry<String, ConfigValue> entry : site.entrySet()) {
                String path = entry.getKey();
                if (!SITE_KEYS.contains(path) && !known.containsKey(path)) {
                    String knownKeys = known.isEmpty() ? "it takes no other keys" : "known keys: " + String.join(", ", known.keySet());
                    problems.add(new ConfigProblem(source, base + "." + path, "unknown key for provider "
                            + provider.id() + "; " + knownKeys + suggestion(path, known.keySet())));
                }
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (ConfigKey key : known.values()) {
                String full = base + "." + key.name();
                if (!site.hasPath(key.name())) {
                    if (key.required()) {
                        problems.add(new ConfigProblem(source, full, "missing; required by provider " + provider.id()
                                + ": " + key.description()));
                        continue;
                    }
                    if (key.defaultValue().isEmpty()) {
                        continue;
                    }
                }
                Config holder = site.hasPath(key.name()) ? site
                        : ConfigFactory.parseMap(Map.of(key.name(), key.defaultValue().get()));
                Validation<ConfigProblem, Object> value = typed(full, holder, key);
                if (value.isValid()) {
                    values.put(key.name(), value.get());
                } else {
                    problems.add(value.getError());
                }
            }
            return problems.isEmpty() ? Validation.valid(values) : Validation.invalid(io.vavr.collection.List.ofAll(problems));
        }

        private Validation<ConfigProblem, Object> typed(String full, Config holder, ConfigKey key) {
            String path = key.name();
            try {
                return switch (key.type()) {
                    case STRING -> Validation.valid(holder.getString(path));
                    case INT -> Validation.valid(holder.getInt(path));
                    case BOOLEAN -> Validation.valid(holder.getBoolean(path));
                    case DURATION -> Validation.valid(holder.getDuration(path));
                    case BYTES -> Validation.valid(holder.getBytes(path));
                    case PATH -> Validation.valid(Path.of(holder.getString(path)));
                    case URI -> uri(full, holder.getString(path));
                    case SECRET -> secret(full, holder.getString(path));
                };
            } catch (com.typesafe.config.ConfigException e) {
                String what = switch (key.type()) {
                    case STRING, PATH -> "a string";
                    case INT -> "a whole number";
                    case BOOLEAN -> "true or false";
                    case DURATION -> "a duration such as 5 s or 250 ms";
                    case BYTES -> "a size such as 64 MiB";
                    case URI -> "an absolute URI";
                    case SECRET -> "a reference env:NAME, file:PATH or literal:VALUE";
                };
                return problem(full, "must be " + what + " (" + key.description() + ")");
            } catch (RuntimeException e) {
                return problem(full, "invalid value: " + Secret.redactUserInfo(e.getMessage()));
            }
        }

        private Validation<ConfigProblem, Object> uri(String full, String text) {
            try {
                URI uri = new URI(text);
                if (!uri.isAbsolute() || uri.getHost() == null) {
                    return problem(full, "must be an absolute URI with a host, such as http://127.0.0.1:4566; was "
                            + (text.contains("@") ? "a value with user information (not shown)" : "'" + text + "'"));
                }
                return Validation.valid(uri);
            } catch (URISyntaxException e) {
                return problem(full, "is not a valid URI: " + e.getReason());
            }
        }

        private Validation<ConfigProblem, Object> secret(String full, String reference) {
            if (reference.startsWith("env:")) {
                String name = reference.substring(4);
                String value = env.get(name);
                return value == null
                        ? problem(full, "environment variable " + name + " is not set")
                        : Validation.valid(new Secret(reference, value));
            }
            if (reference.startsWith("file:")) {
                Path file = Path.of(reference.substring(5));
                try {
                    return Validation.valid(new Secret(reference, Files.readString(file, StandardCharsets.UTF_8).strip()));
                } catch (IOException e) {
                    return problem(full, "cannot read secret file " + file);
                }
            }
            if (reference.startsWith("literal:")) {
                return Validation.valid(new Secret(reference, reference.substring(8)));
            }
            return problem(full, "must be a reference env:NAME, file:PATH or literal:VALUE (the value is not shown)");
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
