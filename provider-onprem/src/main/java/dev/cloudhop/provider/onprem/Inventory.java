package dev.cloudhop.provider.onprem;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The machines of a site: an inventory file in YAML ({@code .yaml}/{@code .yml}), JSON ({@code .json}) or
 * HOCON (anything else), of the form
 *
 * <pre>
 * machines:
 *   - id: web-1                 # unique
 *     host: 10.0.0.11
 *     port: 22                  # default 22
 *     user: deploy              # default compute.ssh.user
 *     private-key: file:/etc/cloudhop/web-1.pem   # env:/file:/literal:; default compute.ssh.private-key
 *     image: debian-12          # what NodeSpec.image names; default "default"
 *     size: small               # what NodeSpec.size names; default "default"
 *     os-family: debian         # optional
 *     tags: { rack: r1 }        # optional, merged into the node's tags
 * </pre>
 *
 * Immutable once read.
 */
record Inventory(Path source, List<Machine> machines) {

    /** One machine of the inventory. */
    record Machine(String id, String host, int port, String user, String privateKey, String image, String size,
                   String osFamily, Map<String, String> tags) {
        @Override
        public String toString() {
            return "Machine[" + id + ", " + user + "@" + host + ":" + port + ", image " + image + ", size " + size + "]";
        }
    }

    Inventory {
        machines = List.copyOf(machines);
    }

    Optional<Machine> machine(String id) {
        return machines.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /**
     * Reads and validates an inventory file.
     *
     * @param defaultUser the login of machines that name none
     * @param defaultKey  the PEM private key of machines that name none
     * @throws IllegalArgumentException naming the file and every problem in it
     */
    static Inventory read(Path file, Optional<String> defaultUser, Optional<String> defaultKey) {
        Map<String, Object> root;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            root = parse(file, text);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the inventory " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the inventory " + file + " is not valid: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        Object list = root.get("machines");
        if (!(list instanceof List<?> entries)) {
            throw new IllegalArgumentException("the inventory " + file + " has no list 'machines'");
        }
        List<Machine> machines = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (Object entry : entries) {
            String where = "machines[" + index++ + "]";
            if (!(entry instanceof Map<?, ?> m)) {
                problems.add(where + " is not a map");
                continue;
            }
            String id = text(m, "id");
            String host = text(m, "host");
            if (id == null || id.isBlank()) {
                problems.add(where + " has no id");
                continue;
            }
            where = "machine " + id;
            if (!ids.add(id)) {
                problems.add(where + " is listed twice");
            }
            if (host == null || host.isBlank()) {
                problems.add(where + " has no host");
            }
            int port = 22;
            if (m.get("port") != null) {
                try {
                    port = Integer.parseInt(String.valueOf(m.get("port")));
                } catch (NumberFormatException e) {
                    problems.add(where + ": port '" + m.get("port") + "' is not a number");
                }
            }
            String user = Optional.ofNullable(text(m, "user")).or(() -> defaultUser).orElse(null);
            if (user == null) {
                problems.add(where + " names no user, and compute.ssh.user is not set");
            }
            String key = null;
            String keyReference = text(m, "private-key");
            if (keyReference != null) {
                try {
                    key = resolve(keyReference);
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                }
            } else if (defaultKey.isPresent()) {
                key = defaultKey.get();
            } else {
                problems.add(where + " names no private-key, and compute.ssh.private-key is not set");
            }
            Map<String, String> tags = new LinkedHashMap<>();
            if (m.get("tags") instanceof Map<?, ?> t) {
                t.forEach((k, v) -> tags.put(String.valueOf(k), String.valueOf(v)));
            }
            machines.add(new Machine(id, host, port, user, key,
                    Optional.ofNullable(text(m, "image")).orElse("default"),
                    Optional.ofNullable(text(m, "size")).orElse("default"),
                    Optional.ofNullable(text(m, "os-family")).orElse("linux"), Map.copyOf(tags)));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the inventory " + file + " is not valid: " + String.join("; ", problems));
        }
        return new Inventory(file, machines);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(Path file, String text) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            if (!(loaded instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("the document is not a map");
            }
            return (Map<String, Object>) loaded;
        }
        ConfigSyntax syntax = name.endsWith(".json") ? ConfigSyntax.JSON : ConfigSyntax.CONF;
        return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(syntax)
                .setOriginDescription(file.toString())).resolve().root().unwrapped();
    }

    private static String text(Map<?, ?> map, String key) {
        Object v = map.get(key);
        return v == null ? null : String.valueOf(v);
    }

    /** {@code env:NAME}, {@code file:PATH} or {@code literal:VALUE}; the value is never put in messages. */
    static String resolve(String reference) {
        Objects.requireNonNull(reference, "reference");
        if (reference.startsWith("env:")) {
            String value = System.getenv(reference.substring(4));
            if (value == null) {
                throw new IllegalArgumentException("environment variable " + reference.substring(4) + " is not set");
            }
            return value;
        }
        if (reference.startsWith("file:")) {
            Path p = Path.of(reference.substring(5));
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the key file " + p);
            }
        }
        if (reference.startsWith("literal:")) {
            return reference.substring(8);
        }
        throw new IllegalArgumentException("private-key must be a reference env:NAME, file:PATH or literal:VALUE");
    }
}
