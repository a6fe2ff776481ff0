package dev.cloudhop.failover.coordination;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.config.ConfigException;
import dev.cloudhop.api.config.ConfigProblem;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.internal.InterceptedSite;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** Creates the {@link Coordinator} that {@code failover.coordination.kind} names. */
public final class Coordinators {

    private Coordinators() {
    }

    /**
     * The coordinator of {@code config}.
     *
     * @param sites every site, behind the facade's interceptors (a drill's faults apply to coordination too)
     * @param own   this instance's active site and epoch (the register of {@code single})
     * @throws ConfigException when the sites cannot carry the configured kind (naming {@code failover.coordination.kind})
     */
    public static Coordinator create(FailoverConfig config, List<InterceptedSite> sites, Supplier<Register> own,
                                     Clock clock, String source) {
        CoordinationConfig c = config.coordination();
        return switch (c.kind()) {
            case SINGLE -> new SingleCoordinator(own);
            case SITES -> {
                List<String> lacking = sites.stream()
                        .filter(s -> !s.raw().supports(Capability.BLOB_CONDITIONAL_WRITE)).map(InterceptedSite::id).toList();
                if (sites.size() < 3 || !lacking.isEmpty()) {
                    throw new ConfigException(List.of(new ConfigProblem(source, "failover.coordination.kind",
                            "sites needs at least three sites whose blob stores declare BLOB_CONDITIONAL_WRITE; "
                                    + (sites.size() < 3 ? "configured: " + sites.size() : "lacking it: " + lacking))));
                }
                yield new SitesCoordinator(sites, c.instanceId().orElseGet(() -> UUID.randomUUID().toString()), c.share(),
                        c.lease(), clock);
            }
            case ZOOKEEPER -> new ZooKeeperCoordinator(new ZooKeeperSettings(c.zookeeperConnect().orElseThrow(),
                    c.zookeeperNamespace(), c.zookeeperSessionTimeout(), c.share(),
                    c.instanceId().orElseGet(() -> UUID.randomUUID().toString())));
        };
    }
}
