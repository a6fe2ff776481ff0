package dev.cloudhop.failover.coordination;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link ZooKeeperCoordinator} connects and counts.
 *
 * @param connect        the ensemble, {@code host:port,host:port,...}
 * @param namespace      this fleet's name; the znodes live under {@code /cloudhop/<namespace>}, so several
 *                       fleets share one ensemble
 * @param sessionTimeout the ZooKeeper session timeout requested (the servers bound it, by default to 2 to
 *                       20 ticks); an instance cut off from the ensemble stops acknowledging within it
 * @param downShare      in (0, 1]: the fleet sees a site down when strictly more than this share of the live
 *                       views name it (all of them when it is 1); {@link #MAJORITY} by default
 * @param instanceId     this instance's id, unique in the fleet: the leader participant id and its view's node
 *                       name
 */
public record ZooKeeperSettings(String connect, String namespace, Duration sessionTimeout, double downShare,
                                String instanceId) {

    /** A strict majority of the live instances. */
    public static final double MAJORITY = 0.5;

    /** The session timeout when none is configured. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(4);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /** Validates; names, the namespace and the instance id, are letters, digits, {@code .}, {@code _}, {@code -}. */
    public ZooKeeperSettings {
        if (connect == null || connect.isBlank()) {
            throw new IllegalArgumentException("connect must name at least one host:port");
        }
        requireName("namespace", namespace);
        requireName("instanceId", instanceId);
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        if (sessionTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("sessionTimeout must be positive, was " + sessionTimeout);
        }
        if (!(downShare > 0 && downShare <= 1)) {
            throw new IllegalArgumentException("downShare must be in (0, 1], was " + downShare);
        }
    }

    /** With the default session timeout (4 s) and a majority share. */
    public static ZooKeeperSettings of(String connect, String namespace, String instanceId) {
        return new ZooKeeperSettings(connect, namespace, DEFAULT_SESSION_TIMEOUT, MAJORITY, instanceId);
    }

    private static void requireName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be letters, digits, '.', '_' or '-', was '" + value + "'");
        }
    }

    /** How many of {@code live} views must name a site for the fleet to see it down (0 when none is live). */
    int needed(int live) {
        if (live == 0) {
            return 0;
        }
        return downShare >= 1 ? live : Math.min(live, (int) Math.floor(downShare * live) + 1);
    }
}
