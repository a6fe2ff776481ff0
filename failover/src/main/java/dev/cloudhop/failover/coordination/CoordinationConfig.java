package dev.cloudhop.failover.coordination;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the instances of a fleet decide together: {@link dev.cloudhop.failover.FailoverConfig#coordination()}, read
 * from the {@code failover.coordination} section:
 * <pre>{@code
 * coordination { kind = single,          # single (one instance) | zookeeper | sites
 *                share = 0.5, lease = 5 s, # a site is down for the fleet when more than this share sees it down
 *                zookeeper { connect = "h1:2181,h2:2181", namespace = cloudhop, session-timeout = 4 s } }
 * }</pre>
 *
 * @param kind             who decides; {@link CoordinationKind#SINGLE} is for one application instance
 * @param share            a site is down for the fleet when more than this share of live instances sees it down
 * @param lease            sites mode: the runbook owner's lease and how fresh a register read must be
 * @param instanceId       this instance's id in the fleet; empty: a random id per facade
 * @param zookeeperConnect        zookeeper mode: the ensemble ({@code host:port,host:port})
 * @param zookeeperNamespace      zookeeper mode: the name of this fleet's znodes
 * @param zookeeperSessionTimeout zookeeper mode: the session timeout
 */
public record CoordinationConfig(CoordinationKind kind, double share, Duration lease, Optional<String> instanceId,
                                 Optional<String> zookeeperConnect, String zookeeperNamespace,
                                 Duration zookeeperSessionTimeout) {

    /** One instance deciding alone. */
    public static final CoordinationConfig SINGLE = new CoordinationConfig(CoordinationKind.SINGLE, 0.5,
            Duration.ofSeconds(5), Optional.empty(), Optional.empty(), "cloudhop", Duration.ofSeconds(4));

    /** Rejects nulls (ranges are checked by the builder). */
    public CoordinationConfig {
        Objects.requireNonNull(kind, "kind");
        List.of(lease, instanceId, zookeeperConnect, zookeeperNamespace, zookeeperSessionTimeout).forEach(Objects::requireNonNull);
    }
}
