package dev.cloudhop.provider.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.dns.fluent.DnsManagementClient;
import com.azure.resourcemanager.dns.fluent.models.RecordSetInner;
import com.azure.resourcemanager.dns.fluent.models.ZoneInner;
import com.azure.resourcemanager.dns.models.ARecord;
import com.azure.resourcemanager.dns.models.AaaaRecord;
import com.azure.resourcemanager.dns.models.CnameRecord;
import com.azure.resourcemanager.dns.models.TxtRecord;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Azure DNS zones and record sets of one resource group, through the Resource Manager SDK's DNS client.
 *
 * <p>Upserts PUT the whole record set (values and TTL replaced at once). The CNAME rule is checked before
 * writing (Azure also refuses it, with {@code 409}/{@code 400}). Names are stored lower case and relative to
 * the zone ({@code @} for the apex). SOA, NS and record types Cloudhop does not manage are not listed.
 * Thread-safe.
 */
final class AzureDnsService implements DnsService {

    private final SiteInfo site;
    private final Function<ErrorContext, DnsManagementClient> client;
    private final Function<ErrorContext, String> resourceGroup;

    AzureDnsService(SiteInfo site, Function<ErrorContext, DnsManagementClient> client,
                    Function<ErrorContext, String> resourceGroup) {
        this.site = site;
        this.client = client;
        this.resourceGroup = resourceGroup;
    }

    private ErrorContext ctx(String operation, String target) {
        return ErrorContext.of(site, operation, target);
    }

    /** The zone's resource name (no trailing dot), or an invalid request naming the bad name. */
    private static String zoneName(String zone, ErrorContext ctx) {
        try {
            String n = DnsNames.normalize(zone);
            return n.substring(0, n.length() - 1);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRequestException(ctx, "zone name '" + zone + "' is invalid: " + e.getMessage(), e);
        }
    }

    private static boolean notFound(ManagementException e) {
        return e.getResponse() != null && e.getResponse().getStatusCode() == 404;
    }

    private Optional<ZoneInner> findZone(DnsManagementClient c, String rg, String zone) {
        try {
            return Optional.of(c.getZones().getByResourceGroup(rg, zone));
        } catch (ManagementException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void requireZone(DnsManagementClient c, String rg, String zone, ErrorContext ctx) {
        if (findZone(c, rg, zone).isEmpty()) {
            throw new NotFoundException(ctx, "zone '" + zone + "' does not exist in resource group " + rg);
        }
    }

    private static Zone zone(ZoneInner z) {
        return new Zone(z.id(), z.name());
    }

    @Override
    public List<Zone> listZones() {
        ErrorContext ctx = ctx("dns.zone.list", "");
        return AzureErrors.call(ctx, () -> client.apply(ctx).getZones().listByResourceGroup(resourceGroup.apply(ctx))
                .stream().map(AzureDnsService::zone).toList());
    }

    @Override
    public Optional<Zone> zone(String zoneName) {
        ErrorContext ctx = ctx("dns.zone.get", String.valueOf(zoneName));
        String name = zoneName(zoneName, ctx);
        return AzureErrors.call(ctx, () -> findZone(client.apply(ctx), resourceGroup.apply(ctx), name).map(AzureDnsService::zone));
    }

    @Override
    public Zone createZone(String zoneName) {
        ErrorContext ctx = ctx("dns.zone.create", String.valueOf(zoneName));
        String name = zoneName(zoneName, ctx);
        return AzureErrors.call(ctx, () -> {
            DnsManagementClient c = client.apply(ctx);
            String rg = resourceGroup.apply(ctx);
            Optional<ZoneInner> existing = findZone(c, rg, name);
            if (existing.isPresent()) {
                return zone(existing.get());
            }
            try {
                return zone(c.getZones().createOrUpdateWithResponse(rg, name, new ZoneInner().withLocation("global"),
                        null, "*", com.azure.core.util.Context.NONE).getValue());
            } catch (ManagementException e) {
                int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
                if (status == 412 || status == 409) {
                    return findZone(c, rg, name).map(AzureDnsService::zone).orElseThrow(() -> e);
                }
                throw e;
            }
        });
    }

    @Override
    public boolean deleteZone(String zoneName) {
        ErrorContext ctx = ctx("dns.zone.delete", String.valueOf(zoneName));
        String name = zoneName(zoneName, ctx);
        return AzureErrors.call(ctx, () -> {
            DnsManagementClient c = client.apply(ctx);
            String rg = resourceGroup.apply(ctx);
            if (findZone(c, rg, name).isEmpty()) {
                return false;
            }
            try {
                c.getZones().delete(rg, name);
            } catch (ManagementException e) {
                if (notFound(e)) {
                    return false;
                }
                throw e;
            }
            return true;
        });
    }

    /** The record set's name relative to the zone: {@code @} for the apex. */
    private static String relative(String absolute, String zone) {
        String z = zone + ".";
        return absolute.equals(z) ? "@" : absolute.substring(0, absolute.length() - z.length() - 1);
    }

    private static String absolute(String relative, String zone) {
        return relative.equals("@") ? zone + "." : relative.toLowerCase(Locale.ROOT) + "." + zone + ".";
    }

    private static com.azure.resourcemanager.dns.models.RecordType azureType(RecordType type) {
        return switch (type) {
            case A -> com.azure.resourcemanager.dns.models.RecordType.A;
            case AAAA -> com.azure.resourcemanager.dns.models.RecordType.AAAA;
            case CNAME -> com.azure.resourcemanager.dns.models.RecordType.CNAME;
            case TXT -> com.azure.resourcemanager.dns.models.RecordType.TXT;
        };
    }

    private static String recordName(String name, String zone, ErrorContext ctx) {
        String n;
        try {
            n = DnsNames.normalize(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRequestException(ctx, "record name '" + name + "' is invalid: " + e.getMessage(), e);
        }
        if (!DnsNames.isInZone(n, zone + ".")) {
            throw new InvalidRequestException(ctx, "record name '" + name + "' is not in zone " + zone);
        }
        return n;
    }

    @Override
    public void upsert(String zoneName, RecordSet recordSet) {
        ErrorContext ctx = ctx("dns.upsert", zoneName + " " + (recordSet == null ? "" : recordSet.name() + " " + recordSet.type()));
        String zone = zoneName(zoneName, ctx);
        java.util.Objects.requireNonNull(recordSet, "recordSet");
        String name = recordName(recordSet.name(), zone, ctx);
        String rel = relative(name, zone);
        AzureErrors.call(ctx, () -> {
            DnsManagementClient c = client.apply(ctx);
            String rg = resourceGroup.apply(ctx);
            requireZone(c, rg, zone, ctx);
            for (RecordSet other : atName(c, rg, zone, rel)) {
                boolean clash = recordSet.type() == RecordType.CNAME ? other.type() != RecordType.CNAME
                        : other.type() == RecordType.CNAME;
                if (clash) {
                    throw new ConflictException(ctx, "a CNAME cannot share its name " + name + " with the " + other.type()
                            + " record set there");
                }
            }
            RecordSetInner inner = new RecordSetInner().withTtl(recordSet.ttl().getSeconds());
            switch (recordSet.type()) {
                case A -> inner.withARecords(recordSet.values().stream().map(v -> new ARecord().withIpv4Address(v)).toList());
                case AAAA -> inner.withAaaaRecords(recordSet.values().stream().map(v -> new AaaaRecord().withIpv6Address(v)).toList());
                case CNAME -> inner.withCnameRecord(new CnameRecord().withCname(recordSet.values().get(0)));
                case TXT -> inner.withTxtRecords(recordSet.values().stream().map(v -> new TxtRecord().withValue(List.of(v))).toList());
            }
            c.getRecordSets().createOrUpdate(rg, zone, rel, azureType(recordSet.type()), inner);
            return null;
        });
    }

    /** The managed record sets at one relative name. */
    private List<RecordSet> atName(DnsManagementClient c, String rg, String zone, String rel) {
        List<RecordSet> out = new ArrayList<>();
        for (RecordSetInner r : c.getRecordSets().listByDnsZone(rg, zone, null, rel.equals("@") ? null : rel,
                com.azure.core.util.Context.NONE)) {
            if (r.name() != null && r.name().equalsIgnoreCase(rel)) {
                toRecordSet(r, zone).ifPresent(out::add);
            }
        }
        return out;
    }

    @Override
    public boolean delete(String zoneName, String name, RecordType type) {
        ErrorContext ctx = ctx("dns.delete", zoneName + " " + name + " " + type);
        String zone = zoneName(zoneName, ctx);
        String n = recordName(name, zone, ctx);
        return AzureErrors.call(ctx, () -> {
            DnsManagementClient c = client.apply(ctx);
            String rg = resourceGroup.apply(ctx);
            requireZone(c, rg, zone, ctx);
            if (get(c, rg, zone, relative(n, zone), type).isEmpty()) {
                return false;
            }
            c.getRecordSets().delete(rg, zone, relative(n, zone), azureType(type));
            return true;
        });
    }

    @Override
    public Optional<RecordSet> get(String zoneName, String name, RecordType type) {
        ErrorContext ctx = ctx("dns.get", zoneName + " " + name + " " + type);
        String zone = zoneName(zoneName, ctx);
        String n = recordName(name, zone, ctx);
        return AzureErrors.call(ctx, () -> {
            DnsManagementClient c = client.apply(ctx);
            String rg = resourceGroup.apply(ctx);
            Optional<RecordSet> found = get(c, rg, zone, relative(n, zone), type);
            if (found.isEmpty()) {
                requireZone(c, rg, zone, ctx);
            }
            return found;
        });
    }

    private Optional<RecordSet> get(DnsManagementClient c, String rg, String zone, String rel, RecordType type) {
        try {
            return toRecordSet(c.getRecordSets().get(rg, zone, rel, azureType(type)), zone);
        } catch (ManagementException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Stream<RecordSet> list(String zoneName) {
        ErrorContext ctx = ctx("dns.list", String.valueOf(zoneName));
        String zone = zoneName(zoneName, ctx);
        return AzureErrors.call(ctx, () -> {
            DnsManagementClient c = client.apply(ctx);
            String rg = resourceGroup.apply(ctx);
            requireZone(c, rg, zone, ctx);
            List<RecordSet> out = new ArrayList<>();
            for (RecordSetInner r : c.getRecordSets().listByDnsZone(rg, zone)) {
                toRecordSet(r, zone).ifPresent(out::add);
            }
            out.sort(Comparator.comparing(RecordSet::name).thenComparing(RecordSet::type));
            return out;
        }).stream();
    }

    /** The managed record set of an Azure record set, or empty for SOA, NS and other types. */
    static Optional<RecordSet> toRecordSet(RecordSetInner r, String zone) {
        String type = r.type() == null ? "" : r.type().substring(r.type().lastIndexOf('/') + 1).toUpperCase(Locale.ROOT);
        String name = absolute(r.name(), zone);
        Duration ttl = Duration.ofSeconds(r.ttl() == null ? 0 : r.ttl());
        List<String> values = switch (type) {
            case "A" -> r.aRecords() == null ? List.of() : r.aRecords().stream().map(ARecord::ipv4Address).toList();
            case "AAAA" -> r.aaaaRecords() == null ? List.of() : r.aaaaRecords().stream().map(AaaaRecord::ipv6Address).toList();
            case "CNAME" -> r.cnameRecord() == null ? List.of() : List.of(r.cnameRecord().cname());
            case "TXT" -> r.txtRecords() == null ? List.of()
                    : r.txtRecords().stream().map(t -> String.join("", t.value())).toList();
            default -> List.of();
        };
        if (values.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RecordSet(name, RecordType.valueOf(type), ttl, values));
    }

    @Override
    public String toString() {
        return "AzureDnsService[" + site + "]";
    }
}
