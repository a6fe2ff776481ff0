package dev.cloudhop.api.config;

import dev.cloudhop.api.spi.CloudProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The providers available to a process, by id. Discovery only lists what is on the class path; a site
 * always names its provider explicitly. Immutable and thread-safe.
 */
public final class ProviderRegistry {

    private final Map<String, CloudProvider> byId;

    private ProviderRegistry(Map<String, CloudProvider> byId) {
        this.byId = byId;
    }

    /**
     * The providers registered with {@link ServiceLoader} on the class path.
     *
     * @throws IllegalStateException if two providers claim one id, naming both classes
     */
    public static ProviderRegistry discover() {
        List<CloudProvider> found = new ArrayList<>();
        ServiceLoader.load(CloudProvider.class).forEach(found::add);
        return of(found);
    }

    /**
     * A registry of exactly these providers.
     *
     * @throws IllegalStateException if two providers claim one id, naming both classes
     */
    public static ProviderRegistry of(Collection<? extends CloudProvider> providers) {
        Map<String, CloudProvider> map = new TreeMap<>();
        for (CloudProvider p : providers) {
            CloudProvider previous = map.putIfAbsent(p.id(), p);
            if (previous != null && previous.getClass() != p.getClass()) {
                throw new IllegalStateException("two providers claim the id '" + p.id() + "': "
                        + previous.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return new ProviderRegistry(java.util.Collections.unmodifiableMap(map));
    }

    /** The provider of this id, if available. */
    public Optional<CloudProvider> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The available ids, sorted. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /** The available providers, sorted by id. */
    public Collection<CloudProvider> all() {
        return byId.values();
    }

    @Override
    public String toString() {
        return byId.keySet().stream().collect(Collectors.joining(", ", "ProviderRegistry[", "]"));
    }
}
