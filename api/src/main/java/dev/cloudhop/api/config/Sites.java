package dev.cloudhop.api.config;

import dev.cloudhop.api.Cloud;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sites of one configuration, by id. Closing it closes every site. Thread-safe.
 */
public final class Sites implements AutoCloseable {

    private final Map<String, Cloud> byId;

    Sites(Map<String, Cloud> byId) {
        this.byId = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byId));
    }

    /**
     * The site of this id.
     *
     * @throws IllegalArgumentException naming the configured ids if there is none
     */
    public Cloud site(String id) {
        Cloud cloud = byId.get(id);
        if (cloud == null) {
            throw new IllegalArgumentException("no site '" + id + "'; configured sites: " + String.join(", ", byId.keySet()));
        }
        return cloud;
    }

    /** The configured site ids, sorted. */
    public Set<String> ids() {
        return byId.keySet();
    }

    /** Every site, sorted by id. */
    public List<Cloud> all() {
        return List.copyOf(byId.values());
    }

    /** Closes every site, reporting the first failure with the others suppressed. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (Cloud cloud : byId.values()) {
            try {
                cloud.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "Sites" + byId.keySet();
    }
}
