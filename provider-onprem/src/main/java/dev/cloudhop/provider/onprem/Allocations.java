package dev.cloudhop.provider.onprem;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Which inventory machines are allocated to which group: in memory (for the life of the site), or in a
 * JSON state file shared by every process that names it, changed under an exclusive file lock and replaced
 * atomically. Thread-safe.
 */
abstract sealed class Allocations permits Allocations.InMemory, Allocations.InFile {

    /**
     * One machine given to a group.
     *
     * @param node    the node id: the machine id and a suffix unique to this allocation, so that an id never
     *                names a later allocation of the same machine
     * @param machine the inventory machine
     */
    record Allocation(String node, String machine, String group, String image, Map<String, String> tags, Instant since) {
        Allocation {
            tags = Map.copyOf(tags);
        }
    }

    /** Reads the allocations, by node id. */
    abstract Map<String, Allocation> read();

    /** Applies {@code change} to the allocations atomically and returns its result. */
    abstract <T> T update(Function<Map<String, Allocation>, T> change);

    static Allocations inMemory() {
        return new InMemory();
    }

    static Allocations inFile(Path file) {
        return new InFile(file);
    }

    static final class InMemory extends Allocations {
        private final Map<String, Allocation> allocations = new LinkedHashMap<>();

        @Override
        synchronized Map<String, Allocation> read() {
            return Map.copyOf(allocations);
        }

        @Override
        synchronized <T> T update(Function<Map<String, Allocation>, T> change) {
            return change.apply(allocations);
        }
    }

    static final class InFile extends Allocations {
        private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

        private final Path file;
        private final Path lockFile;
        private final ReentrantLock jvmLock;

        InFile(Path file) {
            this.file = file.toAbsolutePath().normalize();
            this.lockFile = Path.of(this.file + ".lock");
            this.jvmLock = JVM_LOCKS.computeIfAbsent(this.file, f -> new ReentrantLock());
        }

        @Override
        Map<String, Allocation> read() {
            return locked(allocations -> Map.copyOf(allocations), false);
        }

        @Override
        <T> T update(Function<Map<String, Allocation>, T> change) {
            return locked(change, true);
        }

        private <T> T locked(Function<Map<String, Allocation>, T> action, boolean write) {
            jvmLock.lock();
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    FileLock lock = channel.lock();
                    try {
                        Map<String, Allocation> allocations = load();
                        Map<String, Allocation> before = Map.copyOf(allocations);
                        T result = action.apply(allocations);
                        if (write && !allocations.equals(before)) {
                            store(allocations);
                        }
                        return result;
                    } finally {
                        lock.release();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot use the compute state file " + file, e);
            } finally {
                jvmLock.unlock();
            }
        }

        @SuppressWarnings("unchecked")
        private Map<String, Allocation> load() throws IOException {
            Map<String, Allocation> allocations = new LinkedHashMap<>();
            if (!Files.exists(file)) {
                return allocations;
            }
            Map<String, Object> root = ConfigFactory.parseString(Files.readString(file, StandardCharsets.UTF_8),
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).root().unwrapped();
            Object list = root.getOrDefault("allocations", List.of());
            for (Object o : (List<Object>) list) {
                Map<String, Object> m = (Map<String, Object>) o;
                Map<String, String> tags = new LinkedHashMap<>();
                ((Map<String, Object>) m.getOrDefault("tags", Map.of())).forEach((k, v) -> tags.put(k, String.valueOf(v)));
                Allocation a = new Allocation(String.valueOf(m.get("node")), String.valueOf(m.get("machine")),
                        String.valueOf(m.get("group")), String.valueOf(m.get("image")), tags,
                        Instant.parse(String.valueOf(m.get("since"))));
                allocations.put(a.node(), a);
            }
            return allocations;
        }

        private void store(Map<String, Allocation> allocations) throws IOException {
            List<Map<String, Object>> list = allocations.values().stream().map(a -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", a.node());
                m.put("machine", a.machine());
                m.put("group", a.group());
                m.put("image", a.image());
                m.put("tags", a.tags());
                m.put("since", a.since().toString());
                return m;
            }).toList();
            String json = ConfigValueFactory.fromMap(Map.of("allocations", list))
                    .render(ConfigRenderOptions.concise().setFormatted(true)) + "\n";
            Path tmp = Path.of(file + ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(StandardCharsets.UTF_8.encode(json));
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The allocation of a node id, if any. */
    Optional<Allocation> node(String nodeId) {
        return Optional.ofNullable(read().get(nodeId));
    }
}
