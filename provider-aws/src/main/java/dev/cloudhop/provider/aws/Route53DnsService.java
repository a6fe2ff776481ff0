package dev.cloudhop.provider.aws;

import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.dns.DnsNames;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.dns.Zone;
import dev.cloudhop.jclouds.LazyContext;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.NoSuchHostedZoneException;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * {@link DnsService} over Amazon Route 53 (AWS SDK v2): public hosted zones addressed by name, record sets
 * changed with UPSERT and DELETE change batches.
 *
 * <p>The portable view holds simple record sets of type A, AAAA, CNAME and TXT: SOA and NS are Route 53's,
 * and record sets with a routing policy (a {@code SetIdentifier}: weighted, failover, latency...) or an alias
 * target are left to {@link Route53Routing}. A CNAME next to another record set of the same name is a
 * {@link ConflictException}, checked before the change (Route 53 refuses it too; some emulators do not).
 * TXT values are quoted and escaped on the way in and unquoted on the way out. Thread-safe.
 */
final class Route53DnsService implements DnsService, AutoCloseable {

    private static final Set<RRType> MANAGED = EnumSet.of(RRType.A, RRType.AAAA, RRType.CNAME, RRType.TXT);

    private final SiteInfo site;
    private final LazyContext<ClientHolder> client;

    private record ClientHolder(Route53Client route53) implements Closeable {
        @Override
        public void close() {
            route53.close();
        }
    }

    Route53DnsService(SiteInfo site, Supplier<Route53Client> client) {
        this.site = Objects.requireNonNull(site, "site");
        this.client = new LazyContext<>(() -> new ClientHolder(client.get()));
    }

    SiteInfo site() {
        return site;
    }

    /** The SDK client: the escape hatch, and what {@link Route53Routing} uses. */
    Route53Client route53() {
        return client.get().route53();
    }

    private ErrorContext ctx(String operation, String target) {
        return ErrorContext.of(site, operation, target);
    }

    /** A normalised zone or record name; a malformed one is an {@link InvalidRequestException} naming it. */
    static String normalize(String name, ErrorContext ctx) {
        try {
            return DnsNames.normalize(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRequestException(ctx, "invalid DNS name '" + name + "': " + e.getMessage(), e);
        }
    }

    private static Zone zone(HostedZone z) {
        return new Zone(z.id().replaceFirst("^/hostedzone/", ""), fromRoute53Name(z.name()));
    }

    /** Route 53 writes some characters of names as octal escapes ({@code \052} for '*'). */
    static String fromRoute53Name(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' && i + 3 < name.length() && name.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(name.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        String n = sb.toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    @Override
    public List<Zone> listZones() {
        ErrorContext ctx = ctx("dns.zone.list", "");
        return AwsErrors.call(ctx, () -> {
            List<Zone> zones = new ArrayList<>();
            route53().listHostedZonesPaginator(b -> b.maxItems("100")).hostedZones()
                    .forEach(z -> zones.add(zone(z)));
            return zones;
        });
    }

    @Override
    public Optional<Zone> zone(String zoneName) {
        ErrorContext ctx = ctx("dns.zone.get", String.valueOf(zoneName));
        String name = normalize(zoneName, ctx);
        return AwsErrors.call(ctx, () -> find(name));
    }

    /** The zone of this normalised name: ListHostedZonesByName starts at the name, so the first is it or none. */
    private Optional<Zone> find(String name) {
        List<HostedZone> zones = route53().listHostedZonesByName(b -> b.dnsName(name).maxItems("10")).hostedZones();
        return zones.stream().map(Route53DnsService::zone).filter(z -> z.name().equals(name)).findFirst();
    }

    private Zone require(String zoneName, ErrorContext ctx) {
        String name = normalize(zoneName, ctx);
        return find(name).orElseThrow(() -> new NotFoundException(ctx, "zone '" + name + "' does not exist"));
    }

    @Override
    public Zone createZone(String zoneName) {
        ErrorContext ctx = ctx("dns.zone.create", String.valueOf(zoneName));
        String name = normalize(zoneName, ctx);
        return AwsErrors.call(ctx, () -> find(name).orElseGet(() -> zone(route53()
                .createHostedZone(b -> b.name(name).callerReference("cloudhop-" + UUID.randomUUID()))
                .hostedZone())));
    }

    @Override
    public boolean deleteZone(String zoneName) {
        ErrorContext ctx = ctx("dns.zone.delete", String.valueOf(zoneName));
        String name = normalize(zoneName, ctx);
        return AwsErrors.call(ctx, () -> {
            Optional<Zone> zone = find(name);
            if (zone.isEmpty()) {
                return false;
            }
            String id = zone.get().id();
            List<Change> deletions = new ArrayList<>();
            for (ResourceRecordSet rrs : allRecordSets(id)) {
                boolean providerOwned = (rrs.type() == RRType.SOA || rrs.type() == RRType.NS)
                        && fromRoute53Name(rrs.name()).equals(name);
                if (!providerOwned) {
                    deletions.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet(rrs).build());
                }
            }
            // Route 53 takes at most 1,000 changes per batch
            for (int i = 0; i < deletions.size(); i += 500) {
                List<Change> batch = deletions.subList(i, Math.min(deletions.size(), i + 500));
                route53().changeResourceRecordSets(b -> b.hostedZoneId(id).changeBatch(c -> c.changes(batch)));
            }
            try {
                route53().deleteHostedZone(b -> b.id(id));
            } catch (NoSuchHostedZoneException e) {
                return false;
            }
            return true;
        });
    }

    private List<ResourceRecordSet> allRecordSets(String zoneId) {
        List<ResourceRecordSet> all = new ArrayList<>();
        String nextName = null;
        RRType nextType = null;
        String nextId = null;
        for (int page = 0; page < 100_000; page++) {
            String n = nextName;
            RRType t = nextType;
            String i = nextId;
            ListResourceRecordSetsResponse response = route53().listResourceRecordSets(b -> b.hostedZoneId(zoneId)
                    .startRecordName(n).startRecordType(t).startRecordIdentifier(i).maxItems("300"));
            all.addAll(response.resourceRecordSets());
            if (!Boolean.TRUE.equals(response.isTruncated()) || response.nextRecordName() == null) {
                break;
            }
            nextName = response.nextRecordName();
            nextType = response.nextRecordType();
            nextId = response.nextRecordIdentifier();
        }
        return all;
    }

    /** The simple (no routing policy, no alias) record sets at one name, read from Route 53. */
    private List<ResourceRecordSet> atName(String zoneId, String name) {
        ListResourceRecordSetsResponse response = route53().listResourceRecordSets(b -> b.hostedZoneId(zoneId)
                .startRecordName(name).maxItems("20"));
        return response.resourceRecordSets().stream()
                .filter(r -> fromRoute53Name(r.name()).equals(name))
                .filter(r -> r.setIdentifier() == null && r.aliasTarget() == null)
                .toList();
    }

    private void checkInZone(RecordSet recordSet, Zone zone, ErrorContext ctx) {
        if (!DnsNames.isInZone(recordSet.name(), zone.name())) {
            throw new InvalidRequestException(ctx, "record " + recordSet.name() + " lies outside zone " + zone.name());
        }
    }

    @Override
    public void upsert(String zoneName, RecordSet recordSet) {
        Objects.requireNonNull(recordSet, "recordSet");
        ErrorContext ctx = ctx("dns.upsert", recordSet.name() + " " + recordSet.type());
        AwsErrors.run(ctx, () -> {
            Zone zone = require(zoneName, ctx);
            checkInZone(recordSet, zone, ctx);
            for (ResourceRecordSet existing : atName(zone.id(), recordSet.name())) {
                RRType type = existing.type();
                boolean clash = recordSet.type() == RecordType.CNAME ? type != RRType.CNAME : type == RRType.CNAME;
                if (clash) {
                    throw new ConflictException(ctx, "a CNAME cannot share its name " + recordSet.name()
                            + " with another record set (" + type + " exists)");
                }
            }
            ResourceRecordSet rrs = ResourceRecordSet.builder()
                    .name(recordSet.name())
                    .type(RRType.fromValue(recordSet.type().name()))
                    .ttl(recordSet.ttl().getSeconds())
                    .resourceRecords(recordSet.values().stream()
                            .map(v -> ResourceRecord.builder().value(toRoute53Value(recordSet.type(), v)).build())
                            .toList())
                    .build();
            route53().changeResourceRecordSets(b -> b.hostedZoneId(zone.id())
                    .changeBatch(c -> c.comment("cloudhop upsert").changes(Change.builder()
                            .action(ChangeAction.UPSERT).resourceRecordSet(rrs).build())));
        });
    }

    @Override
    public boolean delete(String zoneName, String name, RecordType type) {
        Objects.requireNonNull(type, "type");
        ErrorContext ctx = ctx("dns.delete", name + " " + type);
        return AwsErrors.call(ctx, () -> {
            Zone zone = require(zoneName, ctx);
            String normalized = normalize(name, ctx);
            Optional<ResourceRecordSet> existing = atName(zone.id(), normalized).stream()
                    .filter(r -> r.type() == RRType.fromValue(type.name()))
                    .findFirst();
            if (existing.isEmpty()) {
                return false;
            }
            route53().changeResourceRecordSets(b -> b.hostedZoneId(zone.id())
                    .changeBatch(c -> c.changes(Change.builder().action(ChangeAction.DELETE)
                            .resourceRecordSet(existing.get()).build())));
            return true;
        });
    }

    @Override
    public Optional<RecordSet> get(String zoneName, String name, RecordType type) {
        Objects.requireNonNull(type, "type");
        ErrorContext ctx = ctx("dns.get", name + " " + type);
        return AwsErrors.call(ctx, () -> {
            Zone zone = require(zoneName, ctx);
            String normalized = normalize(name, ctx);
            return atName(zone.id(), normalized).stream()
                    .filter(r -> r.type() == RRType.fromValue(type.name()))
                    .findFirst()
                    .map(Route53DnsService::recordSet);
        });
    }

    @Override
    public Stream<RecordSet> list(String zoneName) {
        ErrorContext ctx = ctx("dns.list", String.valueOf(zoneName));
        return AwsErrors.call(ctx, () -> {
            Zone zone = require(zoneName, ctx);
            return allRecordSets(zone.id()).stream()
                    .filter(r -> MANAGED.contains(r.type()))
                    .filter(r -> r.setIdentifier() == null && r.aliasTarget() == null)
                    .map(Route53DnsService::recordSet)
                    .sorted(Comparator.comparing(RecordSet::name).thenComparing(RecordSet::type))
                    .toList();
        }).stream();
    }

    static RecordSet recordSet(ResourceRecordSet r) {
        RecordType type = RecordType.valueOf(r.type().toString());
        List<String> values = r.resourceRecords().stream().map(v -> fromRoute53Value(type, v.value())).toList();
        return new RecordSet(fromRoute53Name(r.name()), type, Duration.ofSeconds(r.ttl() == null ? 0 : r.ttl()), values);
    }

    /** TXT values are quoted character-strings in Route 53, with '"' and '\' escaped. */
    static String toRoute53Value(RecordType type, String value) {
        if (type != RecordType.TXT) {
            return value;
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The inverse of {@link #toRoute53Value}; several quoted strings of one value are joined. */
    static String fromRoute53Value(RecordType type, String value) {
        if (type != RecordType.TXT) {
            return type == RecordType.AAAA || type == RecordType.CNAME ? value.toLowerCase(Locale.ROOT) : value;
        }
        String v = value.trim();
        if (!v.startsWith("\"")) {
            return v;
        }
        StringBuilder out = new StringBuilder();
        boolean inQuotes = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                inQuotes = !inQuotes;
            } else if (c == '\\' && inQuotes && i + 1 < v.length()) {
                char next = v.charAt(i + 1);
                if (Character.isDigit(next) && i + 3 < v.length() && v.substring(i + 1, i + 4).matches("\\d{3}")) {
                    out.append((char) Integer.parseInt(v.substring(i + 1, i + 4)));
                    i += 3;
                } else {
                    out.append(next);
                    i++;
                }
            } else if (inQuotes) {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "Route53DnsService[" + site + "]";
    }
}
