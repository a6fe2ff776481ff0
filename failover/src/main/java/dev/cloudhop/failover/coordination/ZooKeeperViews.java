package dev.cloudhop.failover.coordination;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health views of a {@link ZooKeeperCoordinator}: this instance's ephemeral node {@code /views/<instanceId>},
 * listing the sites it sees down one per line, and the watched children of {@code /views}, counted into the
 * sites the fleet sees down. The node is kept by a {@link PersistentNode}, so it is created again with the newest
 * view after a new session.
 *
 * <p>Thread-safe.
 */
final class ZooKeeperViews {

    // the coordinator's logger: the views are part of what it reports
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCoordinator.class);

    private static final String VIEWS = "/views";

    private final ZooKeeperSettings settings;
    private final CuratorFramework client;

    private volatile Set<String> ownView = Set.of();
    private volatile Set<String> fleetDown = Set.of();
    private volatile PersistentNode viewNode;
    private volatile CuratorCache viewsCache;

    ZooKeeperViews(ZooKeeperSettings settings, CuratorFramework client) {
        this.settings = settings;
        this.client = client;
    }

    /** Creates the parent {@code /views} unless another instance made it first. */
    void createParent() throws Exception {
        try {
            client.create().creatingParentsIfNeeded().forPath(VIEWS);
        } catch (KeeperException.NodeExistsException e) {
            // another instance made the parent first
        }
    }

    /** Watches the children of {@code /views} and creates this instance's node with the view kept so far. */
    void start() {
        CuratorCache viewsWatch = CuratorCache.build(client, VIEWS);
        viewsWatch.listenable().addListener((type, before, after) -> recountViews());
        viewsWatch.start();
        viewsCache = viewsWatch;

        PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false,
                ZKPaths.makePath(VIEWS, settings.instanceId()), encodeView(ownView));
        node.start();
        viewNode = node;
    }

    /**
     * Validates and keeps this instance's view, the one its node is created with.
     *
     * @return the view, an unmodifiable copy
     * @throws IllegalArgumentException when a site id is blank or spans lines
     */
    Set<String> keep(Set<String> sitesDown) {
        Set<String> view = Set.copyOf(sitesDown);
        for (String site : view) {
            if (site.isBlank() || site.contains("\n")) {
                throw new IllegalArgumentException("site id must be non-blank and on one line, was '" + site + "'");
            }
        }
        ownView = view;
        return view;
    }

    /** Writes {@code view} to this instance's node once it exists; nothing before {@link #start()}. */
    void publish(Set<String> view) {
        PersistentNode node = viewNode;
        if (node == null) {
            return;
        }
        try {
            // setData is refused until the first create was processed; the node is created with the newest view
            if (node.waitForInitialCreate(settings.sessionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                node.setData(encodeView(view));
            } else {
                LOG.warn("instance {}: view node not created yet; view {} is published once it is",
                        settings.instanceId(), view);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("instance {} could not publish its view {}: {}", settings.instanceId(), view, e.toString());
        }
    }

    /** The sites more than the configured share of the live views name, as last counted. */
    Set<String> fleetDown() {
        return fleetDown;
    }

    /** Deletes this instance's node (while the session can still do it), then stops watching {@code /views}. */
    void close() {
        ZooKeeperCoordinator.closeQuietly(viewNode, "view node", settings.instanceId());
        ZooKeeperCoordinator.closeQuietly(viewsCache, "views watch", settings.instanceId());
    }

    private void recountViews() {
        CuratorCache cache = viewsCache;
        if (cache == null) {
            return;
        }
        String prefix = VIEWS + "/";
        List<Set<String>> views = cache.stream()
                .filter(d -> d.getPath().startsWith(prefix) && d.getPath().indexOf('/', prefix.length()) < 0)
                .map(d -> decodeView(d.getData()))
                .toList();
        Map<String, Integer> counts = new HashMap<>();
        views.forEach(view -> view.forEach(site -> counts.merge(site, 1, Integer::sum)));
        int needed = settings.needed(views.size());
        Set<String> down = counts.entrySet().stream()
                .filter(e -> e.getValue() >= needed)
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> result = Set.copyOf(down);
        if (!result.equals(fleetDown)) {
            LOG.info("instance {}: fleet sees {} down ({} live views, {} needed)", settings.instanceId(), result,
                    views.size(), needed);
        }
        fleetDown = result;
    }

    private static byte[] encodeView(Set<String> sitesDown) {
        return String.join("\n", new TreeSet<>(sitesDown)).getBytes(StandardCharsets.UTF_8);
    }

    private static Set<String> decodeView(byte[] data) {
        if (data == null || data.length == 0) {
            return Set.of();
        }
        return Arrays.stream(new String(data, StandardCharsets.UTF_8).split("\n"))
                .filter(s -> !s.isBlank())
                .collect(Collectors.toUnmodifiableSet());
    }
}
