package dev.cloudhop.provider.aws;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.dns.DnsNames;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.HealthCheckType;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.NoSuchHealthCheckException;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.ResourceRecordSetFailover;

/**
 * Route 53 routing that the portable {@link dev.cloudhop.api.dns.DnsService} does not model: weighted and
 * failover record sets (several record sets of one name and type, told apart by a set identifier) and the
 * health checks that take them out of rotation. A provider-specific extension for applications that want
 * Route 53 to fail over by itself; the failover facade does not delegate to it (it switches DNS with the
 * portable {@code dns().upsert}).
 *
 * <p>Obtain one with {@link #of(Cloud)} for a site of provider {@code aws}. Errors are the usual
 * {@link dev.cloudhop.api.CloudException}s; a missing zone is {@link NotFoundException}. Thread-safe.
 * Against emulators: LocalStack and moto store these record sets and health checks, but report health
 * checks' status as canned and answer no DNS queries, so what they prove is the API calls, not failover.
 */
public final class Route53Routing {

    /** The role of a failover record set. */
    public enum FailoverRole {
        /** Answered while its health check passes (or it has none). */
        PRIMARY,
        /** Answered while the primary is unhealthy. */
        SECONDARY
    }

    /**
     * A record set with a routing policy.
     *
     * @param recordSet     name, type, TTL and values
     * @param setIdentifier tells record sets of one name and type apart
     * @param weight        the weight of a weighted record set, empty for failover
     * @param failover      the role of a failover record set, empty for weighted
     * @param healthCheckId the health check that governs it, if any
     */
    public record RoutedRecordSet(RecordSet recordSet, String setIdentifier, Optional<Long> weight,
                                  Optional<FailoverRole> failover, Optional<String> healthCheckId) {
        /** Validates. */
        public RoutedRecordSet {
            Objects.requireNonNull(recordSet, "recordSet");
            Objects.requireNonNull(setIdentifier, "setIdentifier");
            Objects.requireNonNull(weight, "weight");
            Objects.requireNonNull(failover, "failover");
            Objects.requireNonNull(healthCheckId, "healthCheckId");
        }
    }

    /**
     * What a health check probes.
     *
     * @param protocol         {@code HTTP}, {@code HTTPS} or {@code TCP}
     * @param ipAddress        the IP address to probe
     * @param port             the port
     * @param path             the HTTP(S) path, e.g. {@code /health}; empty for TCP
     * @param interval         10 or 30 seconds
     * @param failureThreshold consecutive failures (1 to 10) before the endpoint counts as unhealthy
     */
    public record HealthCheckSpec(String protocol, String ipAddress, int port, String path, Duration interval,
                                  int failureThreshold) {
        /** Validates. */
        public HealthCheckSpec {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(ipAddress, "ipAddress");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(interval, "interval");
            if (!List.of("HTTP", "HTTPS", "TCP").contains(protocol)) {
                throw new IllegalArgumentException("protocol must be HTTP, HTTPS or TCP, was " + protocol);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
            }
            if (!interval.equals(Duration.ofSeconds(10)) && !interval.equals(Duration.ofSeconds(30))) {
                throw new IllegalArgumentException("Route 53 probes every 10 or 30 seconds, not " + interval);
            }
            if (failureThreshold < 1 || failureThreshold > 10) {
                throw new IllegalArgumentException("failureThreshold must be 1 to 10, was " + failureThreshold);
            }
        }
    }

    private final Route53DnsService dns;

    private Route53Routing(Route53DnsService dns) {
        this.dns = dns;
    }

    /**
     * The routing of an AWS site.
     *
     * @throws IllegalArgumentException if {@code cloud} is not a site of provider {@code aws}
     */
    public static Route53Routing of(Cloud cloud) {
        if (cloud.dns() instanceof Route53DnsService route53) {
            return new Route53Routing(route53);
        }
        throw new IllegalArgumentException("site " + cloud.site() + " is not an AWS site with Route 53 DNS");
    }

    private Route53Client route53() {
        return dns.route53();
    }

    private ErrorContext ctx(String operation, String target) {
        return ErrorContext.of(dns.site(), operation, target);
    }

    private String zoneId(String zoneName, ErrorContext ctx) {
        String name = Route53DnsService.normalize(zoneName, ctx);
        List<HostedZone> zones = route53().listHostedZonesByName(b -> b.dnsName(name).maxItems("10")).hostedZones();
        return zones.stream().filter(z -> Route53DnsService.fromRoute53Name(z.name()).equals(name))
                .map(z -> z.id().replaceFirst("^/hostedzone/", ""))
                .findFirst()
                .orElseThrow(() -> new NotFoundException(ctx, "zone '" + name + "' does not exist"));
    }

    private ResourceRecordSet.Builder base(String zoneName, RecordSet recordSet, String setIdentifier,
                                           Optional<String> healthCheckId, ErrorContext ctx) {
        Objects.requireNonNull(recordSet, "recordSet");
        Objects.requireNonNull(setIdentifier, "setIdentifier");
        Objects.requireNonNull(healthCheckId, "healthCheckId");
        if (setIdentifier.isEmpty() || setIdentifier.length() > 128) {
            throw new InvalidRequestException(ctx, "set identifier must be 1 to 128 characters");
        }
        if (!DnsNames.isInZone(recordSet.name(), Route53DnsService.normalize(zoneName, ctx))) {
            throw new InvalidRequestException(ctx, "record " + recordSet.name() + " lies outside zone " + zoneName);
        }
        ResourceRecordSet.Builder b = ResourceRecordSet.builder()
                .name(recordSet.name())
                .type(RRType.fromValue(recordSet.type().name()))
                .ttl(recordSet.ttl().getSeconds())
                .setIdentifier(setIdentifier)
                .resourceRecords(recordSet.values().stream()
                        .map(v -> ResourceRecord.builder().value(Route53DnsService.toRoute53Value(recordSet.type(), v))
                                .build())
                        .toList());
        healthCheckId.ifPresent(b::healthCheckId);
        return b;
    }

    private void upsert(String zoneName, ResourceRecordSet rrs, ErrorContext ctx) {
        AwsErrors.run(ctx, () -> {
            String id = zoneId(zoneName, ctx);
            route53().changeResourceRecordSets(r -> r.hostedZoneId(id).changeBatch(c -> c.changes(
                    Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(rrs).build())));
        });
    }

    /**
     * Creates or replaces a weighted record set: Route 53 answers each of the record sets of one name and
     * type in proportion to its weight (0 to 255), skipping those whose health check fails.
     */
    public void upsertWeighted(String zoneName, RecordSet recordSet, String setIdentifier, long weight,
                               Optional<String> healthCheckId) {
        ErrorContext ctx = ctx("dns.routing.upsert", recordSet.name() + " " + setIdentifier);
        if (weight < 0 || weight > 255) {
            throw new InvalidRequestException(ctx, "weight must be 0 to 255, was " + weight);
        }
        upsert(zoneName, base(zoneName, recordSet, setIdentifier, healthCheckId, ctx).weight(weight).build(), ctx);
    }

    /**
     * Creates or replaces a failover record set: Route 53 answers the primary while its health check
     * passes, else the secondary.
     */
    public void upsertFailover(String zoneName, RecordSet recordSet, String setIdentifier, FailoverRole role,
                               Optional<String> healthCheckId) {
        Objects.requireNonNull(role, "role");
        ErrorContext ctx = ctx("dns.routing.upsert", recordSet.name() + " " + setIdentifier);
        upsert(zoneName, base(zoneName, recordSet, setIdentifier, healthCheckId, ctx)
                .failover(ResourceRecordSetFailover.fromValue(role.name())).build(), ctx);
    }

    /** The record sets of the zone that have a routing policy, in Route 53's order. */
    public List<RoutedRecordSet> list(String zoneName) {
        ErrorContext ctx = ctx("dns.routing.list", String.valueOf(zoneName));
        return AwsErrors.call(ctx, () -> routed(zoneId(zoneName, ctx)));
    }

    private List<RoutedRecordSet> routed(String zoneId) {
        List<RoutedRecordSet> out = new ArrayList<>();
        String name = null;
        RRType type = null;
        String identifier = null;
        for (int page = 0; page < 10_000; page++) {
            String n = name;
            RRType t = type;
            String i = identifier;
            ListResourceRecordSetsResponse response = route53().listResourceRecordSets(b -> b.hostedZoneId(zoneId)
                    .startRecordName(n).startRecordType(t).startRecordIdentifier(i).maxItems("300"));
            for (ResourceRecordSet r : response.resourceRecordSets()) {
                if (r.setIdentifier() != null && r.aliasTarget() == null) {
                    out.add(new RoutedRecordSet(Route53DnsService.recordSet(r), r.setIdentifier(),
                            Optional.ofNullable(r.weight()),
                            Optional.ofNullable(r.failover()).map(f -> FailoverRole.valueOf(f.toString())),
                            Optional.ofNullable(r.healthCheckId())));
                }
            }
            if (!Boolean.TRUE.equals(response.isTruncated()) || response.nextRecordName() == null) {
                break;
            }
            name = response.nextRecordName();
            type = response.nextRecordType();
            identifier = response.nextRecordIdentifier();
        }
        return out;
    }

    /**
     * Deletes the routed record set of this name, type and set identifier. Idempotent.
     *
     * @return true if it existed
     */
    public boolean delete(String zoneName, String name, RecordType type, String setIdentifier) {
        ErrorContext ctx = ctx("dns.routing.delete", name + " " + setIdentifier);
        return AwsErrors.call(ctx, () -> {
            String id = zoneId(zoneName, ctx);
            String normalized = Route53DnsService.normalize(name, ctx);
            List<ResourceRecordSet> matches = new ArrayList<>();
            ListResourceRecordSetsResponse response = route53().listResourceRecordSets(b -> b.hostedZoneId(id)
                    .startRecordName(normalized).startRecordType(RRType.fromValue(type.name())).maxItems("100"));
            for (ResourceRecordSet r : response.resourceRecordSets()) {
                if (Route53DnsService.fromRoute53Name(r.name()).equals(normalized) && r.type().toString().equals(type.name())
                        && setIdentifier.equals(r.setIdentifier())) {
                    matches.add(r);
                }
            }
            if (matches.isEmpty()) {
                return false;
            }
            route53().changeResourceRecordSets(r -> r.hostedZoneId(id).changeBatch(c -> c.changes(
                    Change.builder().action(ChangeAction.DELETE).resourceRecordSet(matches.get(0)).build())));
            return true;
        });
    }

    /**
     * Creates a health check.
     *
     * @return its id, for {@link #upsertWeighted} and {@link #upsertFailover}
     */
    public String createHealthCheck(HealthCheckSpec spec) {
        Objects.requireNonNull(spec, "spec");
        ErrorContext ctx = ctx("dns.healthcheck.create", spec.ipAddress() + ":" + spec.port());
        return AwsErrors.call(ctx, () -> route53().createHealthCheck(b -> b
                .callerReference("cloudhop-" + UUID.randomUUID())
                .healthCheckConfig(c -> {
                    c.type(HealthCheckType.fromValue(spec.protocol()))
                            .ipAddress(spec.ipAddress())
                            .port(spec.port())
                            .requestInterval(Math.toIntExact(spec.interval().getSeconds()))
                            .failureThreshold(spec.failureThreshold());
                    if (!spec.protocol().equals("TCP")) {
                        c.resourcePath(spec.path().isEmpty() ? "/" : spec.path());
                    }
                })).healthCheck().id());
    }

    /** The ids of the account's health checks. */
    public List<String> listHealthChecks() {
        ErrorContext ctx = ctx("dns.healthcheck.list", "");
        return AwsErrors.call(ctx, () -> {
            List<String> ids = new ArrayList<>();
            route53().listHealthChecksPaginator(b -> b.maxItems("100")).healthChecks().forEach(h -> ids.add(h.id()));
            return ids;
        });
    }

    /**
     * Deletes a health check. Idempotent.
     *
     * @return true if it existed
     */
    public boolean deleteHealthCheck(String healthCheckId) {
        ErrorContext ctx = ctx("dns.healthcheck.delete", String.valueOf(healthCheckId));
        return AwsErrors.call(ctx, () -> {
            try {
                // look first: moto answers a delete of an unknown health check with success
                route53().getHealthCheck(b -> b.healthCheckId(healthCheckId));
                route53().deleteHealthCheck(b -> b.healthCheckId(healthCheckId));
                return true;
            } catch (NoSuchHealthCheckException e) {
                return false;
            }
        });
    }

    @Override
    public String toString() {
        return "Route53Routing[" + dns.site() + "]";
    }
}
