package dev.cloudhop.provider.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.trafficmanager.fluent.TrafficManagerManagementClient;
import com.azure.resourcemanager.trafficmanager.fluent.models.EndpointInner;
import com.azure.resourcemanager.trafficmanager.fluent.models.ProfileInner;
import com.azure.resourcemanager.trafficmanager.models.DnsConfig;
import com.azure.resourcemanager.trafficmanager.models.EndpointStatus;
import com.azure.resourcemanager.trafficmanager.models.EndpointTypes;
import com.azure.resourcemanager.trafficmanager.models.MonitorConfig;
import com.azure.resourcemanager.trafficmanager.models.MonitorProtocol;
import com.azure.resourcemanager.trafficmanager.models.ProfileStatus;
import com.azure.resourcemanager.trafficmanager.models.TrafficRoutingMethod;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Azure Traffic Manager profiles with the priority routing method: the DNS-level failover Azure runs
 * itself, one profile with one external endpoint per site and its priority, Azure's own health probes
 * choosing the answer.
 *
 * <p>This is a provider-specific extension, not used by Cloudhop's failover facade: the facade switches DNS
 * through the portable {@link dev.cloudhop.api.dns.DnsService} of a site, and the neutral API has no
 * traffic-policy type. An application that wants Azure to do the failover sets up a profile itself, through
 * {@code ((AzureCloud) sites.site("primary")).trafficManager()}. It is tested only against recorded Resource
 * Manager responses, never against Azure. Every method throws a {@link dev.cloudhop.api.CloudException} on
 * failure. Thread-safe.
 */
public final class AzureTrafficManager {

    /**
     * How Traffic Manager probes endpoints.
     *
     * @param protocol           HTTP, HTTPS or TCP
     * @param port               the port probed
     * @param path               the path of HTTP(S) probes ({@code /health}); ignored for TCP
     * @param interval           30 s, or 10 s for fast probing
     * @param timeout            per probe, 5 to 10 s (fast probing: 5 to 9 s)
     * @param toleratedFailures  failures before an endpoint is degraded, 0 to 9
     */
    public record Probe(String protocol, int port, String path, Duration interval, Duration timeout,
                        int toleratedFailures) {
        /** Validates. */
        public Probe {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
        }

        /** HTTPS on 443, {@code /health}, every 30 s, 10 s timeout, 3 tolerated failures. */
        public static Probe httpsHealth() {
            return new Probe("HTTPS", 443, "/health", Duration.ofSeconds(30), Duration.ofSeconds(10), 3);
        }
    }

    /**
     * An endpoint of a profile.
     *
     * @param name          the endpoint's name in the profile
     * @param target        the DNS name or IP address Traffic Manager answers with
     * @param priority      1 (first choice) to 1000
     * @param enabled       whether Traffic Manager may route to it
     * @param monitorStatus Azure's probe verdict: {@code Online}, {@code Degraded}, {@code CheckingEndpoint},
     *                      {@code Disabled}, {@code Inactive}, {@code Stopped} or {@code Unknown}
     */
    public record Endpoint(String name, String target, int priority, boolean enabled, String monitorStatus) {
    }

    /**
     * A priority-routed profile.
     *
     * @param id        its Azure resource id
     * @param name      its name
     * @param fqdn      the DNS name clients resolve ({@code <label>.trafficmanager.net})
     * @param ttl       the TTL of its answers
     * @param endpoints its endpoints, by priority
     */
    public record Profile(String id, String name, String fqdn, Duration ttl, List<Endpoint> endpoints) {
        /** Copies. */
        public Profile {
            endpoints = List.copyOf(endpoints);
        }

        /**
         * The endpoint priority routing answers with now: the enabled endpoint of the lowest priority whose
         * probe status is not {@code Degraded}, {@code Stopped} or {@code Inactive}.
         */
        public Optional<Endpoint> activeEndpoint() {
            return endpoints.stream()
                    .filter(Endpoint::enabled)
                    .filter(e -> !List.of("Degraded", "Stopped", "Inactive", "Disabled").contains(e.monitorStatus()))
                    .min(Comparator.comparingInt(Endpoint::priority));
        }
    }

    private static final String EXTERNAL = "ExternalEndpoints";

    private final SiteInfo site;
    private final ResourceManagerAccess arm;

    AzureTrafficManager(SiteInfo site, ResourceManagerAccess arm) {
        this.site = site;
        this.arm = arm;
    }

    private ErrorContext ctx(String operation, String target) {
        return ErrorContext.of(site, operation, target);
    }

    /**
     * Creates or updates a priority-routed profile. Existing endpoints are kept.
     *
     * @param name     the profile name (1 to 63 letters, digits, '-' and '.')
     * @param dnsLabel the label of {@code <label>.trafficmanager.net}, globally unique
     * @param ttl      the TTL of its answers, 0 to 2147483647 s
     * @param probe    how endpoints are probed
     */
    public Profile ensurePriorityProfile(String name, String dnsLabel, Duration ttl, Probe probe) {
        ErrorContext ctx = ctx("traffic.profile.put", name);
        Objects.requireNonNull(probe, "probe");
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
            throw new InvalidRequestException(ctx, "Traffic Manager profile name '" + name + "' must be 1 to 63 letters,"
                    + " digits, '-' or '.'");
        }
        if (dnsLabel == null || !dnsLabel.matches("[a-z0-9][a-z0-9-]{0,61}[a-z0-9]")) {
            throw new InvalidRequestException(ctx, "DNS label '" + dnsLabel + "' must be 2 to 63 lower-case letters, digits"
                    + " or '-', not starting or ending with '-'");
        }
        return AzureErrors.call(ctx, () -> {
            TrafficManagerManagementClient c = arm.trafficManager(ctx);
            String rg = arm.resourceGroup(ctx);
            List<EndpointInner> existing = find(c, rg, name).map(ProfileInner::endpoints).orElse(null);
            ProfileInner profile = new ProfileInner()
                    .withLocation("global")
                    .withProfileStatus(ProfileStatus.ENABLED)
                    .withTrafficRoutingMethod(TrafficRoutingMethod.PRIORITY)
                    .withDnsConfig(new DnsConfig().withRelativeName(dnsLabel).withTtl(ttl.getSeconds()))
                    .withMonitorConfig(new MonitorConfig().withProtocol(MonitorProtocol.fromString(probe.protocol()))
                            .withPort((long) probe.port()).withPath(probe.protocol().equalsIgnoreCase("TCP") ? null : probe.path())
                            .withIntervalInSeconds(probe.interval().getSeconds())
                            .withTimeoutInSeconds(probe.timeout().getSeconds())
                            .withToleratedNumberOfFailures((long) probe.toleratedFailures()))
                    .withEndpoints(existing);
            return profile(c.getProfiles().createOrUpdate(rg, name, profile));
        });
    }

    /** The profile of this name, if it exists. */
    public Optional<Profile> profile(String name) {
        ErrorContext ctx = ctx("traffic.profile.get", name);
        return AzureErrors.call(ctx, () -> find(arm.trafficManager(ctx), arm.resourceGroup(ctx), name).map(AzureTrafficManager::profile));
    }

    /** Deletes a profile. Idempotent: returns whether it existed. */
    public boolean deleteProfile(String name) {
        ErrorContext ctx = ctx("traffic.profile.delete", name);
        return AzureErrors.call(ctx, () -> {
            TrafficManagerManagementClient c = arm.trafficManager(ctx);
            String rg = arm.resourceGroup(ctx);
            if (find(c, rg, name).isEmpty()) {
                return false;
            }
            c.getProfiles().delete(rg, name);
            return true;
        });
    }

    /**
     * Creates or replaces an external endpoint of a profile.
     *
     * @throws NotFoundException if the profile does not exist
     */
    public Endpoint upsertEndpoint(String profile, String endpoint, String target, int priority, boolean enabled) {
        ErrorContext ctx = ctx("traffic.endpoint.put", profile + "/" + endpoint);
        if (priority < 1 || priority > 1000) {
            throw new InvalidRequestException(ctx, "priority of endpoint " + endpoint + " must be 1 to 1000, was " + priority);
        }
        Objects.requireNonNull(target, "target");
        return AzureErrors.call(ctx, () -> {
            TrafficManagerManagementClient c = arm.trafficManager(ctx);
            String rg = arm.resourceGroup(ctx);
            if (find(c, rg, profile).isEmpty()) {
                throw new NotFoundException(ctx, "Traffic Manager profile '" + profile + "' does not exist");
            }
            EndpointInner e = new EndpointInner().withTarget(target).withPriority((long) priority)
                    .withEndpointStatus(enabled ? EndpointStatus.ENABLED : EndpointStatus.DISABLED);
            return endpoint(c.getEndpoints().createOrUpdate(rg, profile, EndpointTypes.EXTERNAL_ENDPOINTS, endpoint, e));
        });
    }

    /**
     * Enables or disables an endpoint: disabling the primary's endpoint is a manual failover.
     *
     * @throws NotFoundException if the profile or endpoint does not exist
     */
    public Endpoint setEnabled(String profile, String endpoint, boolean enabled) {
        ErrorContext ctx = ctx("traffic.endpoint.patch", profile + "/" + endpoint);
        return AzureErrors.call(ctx, () -> endpoint(arm.trafficManager(ctx).getEndpoints().update(arm.resourceGroup(ctx),
                profile, EndpointTypes.EXTERNAL_ENDPOINTS, endpoint,
                new EndpointInner().withEndpointStatus(enabled ? EndpointStatus.ENABLED : EndpointStatus.DISABLED))));
    }

    private static Optional<ProfileInner> find(TrafficManagerManagementClient c, String rg, String name) {
        try {
            return Optional.of(c.getProfiles().getByResourceGroup(rg, name));
        } catch (ManagementException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Profile profile(ProfileInner p) {
        List<Endpoint> endpoints = p.endpoints() == null ? List.of() : p.endpoints().stream()
                .map(AzureTrafficManager::endpoint).sorted(Comparator.comparingInt(Endpoint::priority)).toList();
        DnsConfig dns = p.dnsConfig();
        return new Profile(p.id(), p.name(), dns == null || dns.fqdn() == null ? "" : dns.fqdn(),
                Duration.ofSeconds(dns == null || dns.ttl() == null ? 0 : dns.ttl()), endpoints);
    }

    private static Endpoint endpoint(EndpointInner e) {
        return new Endpoint(e.name(), e.target(), e.priority() == null ? 0 : e.priority().intValue(),
                e.endpointStatus() == null || e.endpointStatus() == EndpointStatus.ENABLED,
                e.endpointMonitorStatus() == null ? "Unknown" : e.endpointMonitorStatus().toString());
    }

    @Override
    public String toString() {
        return "AzureTrafficManager[" + site + "]";
    }
}
