package dev.cloudhop.failover;

import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.runbook.RunbookStep;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Configures a {@link FailoverCloud}. */
public final class FailoverCloudBuilder {

    final Sites sites;
    final FailoverConfig config;
    Sites owned;
    Clock clock = Clock.systemUTC();
    MeterRegistry meters = new SimpleMeterRegistry();
    boolean probing = true;
    final List<Map.Entry<RunbookStep.Position, RunbookStep>> steps = new ArrayList<>();
    final List<CallInterceptor> interceptors = new ArrayList<>();

    FailoverCloudBuilder(Sites sites, FailoverConfig config) {
        this.sites = Objects.requireNonNull(sites, "sites");
        this.config = Objects.requireNonNull(config, "config");
        for (String id : config.priority()) {
            sites.site(id);
        }
    }

    /** The clock for events, health and replication lag (tests inject a controllable one). */
    public FailoverCloudBuilder clock(Clock c) {
        this.clock = Objects.requireNonNull(c, "clock");
        return this;
    }

    /** Where meters are registered (default: a private simple registry). */
    public FailoverCloudBuilder meterRegistry(MeterRegistry registry) {
        this.meters = Objects.requireNonNull(registry, "registry");
        return this;
    }

    /** Whether probes run on their own every {@code probe.interval} (default true); tests call {@link #probeNow()}. */
    public FailoverCloudBuilder scheduledProbes(boolean on) {
        this.probing = on;
        return this;
    }

    /**
     * Adds an application step to every runbook, placed relative to a built-in step (see
     * {@link RunbookStep} for their names) or to a step added before. Its timing and outcome are in the
     * {@link RunbookReport} like the built-in steps'; a failing {@link RunbookStep#required() required}
     * step aborts the runbook.
     *
     * @throws IllegalArgumentException at {@link #build()} when the position names no step or the name is taken
     */
    public FailoverCloudBuilder runbookStep(RunbookStep.Position position, RunbookStep step) {
        steps.add(Map.entry(Objects.requireNonNull(position, "position"), Objects.requireNonNull(step, "step")));
        return this;
    }

    /**
     * Adds an interceptor that every call to a site passes, after the {@link FailoverCloud#switchboard() switchboard}
     * and the interceptors added before.
     */
    public FailoverCloudBuilder interceptor(CallInterceptor interceptor) {
        interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
        return this;
    }

    /** Close the sites when the facade is closed. */
    public FailoverCloudBuilder closeSitesOnClose() {
        this.owned = sites;
        return this;
    }

    /** Builds the facade: reads the fences of the sites (I/O) and starts probing. */
    public FailoverCloud build() {
        return new FailoverCloud(this);
    }
}
