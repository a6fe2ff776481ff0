package dev.cloudhop.provider.local;

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
import dev.cloudhop.api.naming.NamingRules;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The local provider's authoritative DNS, held in memory with the semantics of Route 53 and Azure DNS:
 * zones addressed by normalised name, record sets replaced as a whole, record names confined to their
 * zone, and a CNAME never sharing its name with another record set nor sitting at the zone apex.
 *
 * <p>Thread-safe: every operation runs under one lock, so each is atomic (DNS changes are rare and small).
 */
final class InMemoryDnsService implements DnsService {

    private static final Comparator<Key> KEY_ORDER =
            Comparator.comparing(Key::name).thenComparing(Key::type);

    private final SiteInfo site;
    // Kept for symmetry with the other local services: DNS names follow DnsNames, not the naming rules,
    // and nothing here depends on time yet.
    private final NamingRules rules;
    private final Clock clock;

    private final Object lock = new Object();
    /** Zones by normalised name; guarded by {@link #lock}. */
    private final TreeMap<String, ZoneState> zones = new TreeMap<>();
    /** Numbers zone ids; guarded by {@link #lock}. */
    private long zoneCounter;

    InMemoryDnsService(SiteInfo site, NamingRules rules, Clock clock) {
        this.site = Objects.requireNonNull(site, "site");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---------------------------------------------------------------------------------------------
    // Zones

    @Override
    public List<Zone> listZones() {
        synchronized (lock) {
            return zones.values().stream().map(ZoneState::zone).toList();
        }
    }

    @Override
    public Optional<Zone> zone(String zoneName) {
        String zone = zoneName("dns.zone.get", zoneName);
        synchronized (lock) {
            return Optional.ofNullable(zones.get(zone)).map(ZoneState::zone);
        }
    }

    @Override
    public Zone createZone(String zoneName) {
        String op = "dns.zone.create";
        String zone = zoneName(op, zoneName);
        if (zone.startsWith("*.")) {
            throw new InvalidRequestException(ctx(op, zoneName),
                    "zone name '" + zoneName + "' is invalid: a zone name cannot be a wildcard");
        }
        synchronized (lock) {
            ZoneState existing = zones.get(zone);
            if (existing != null) {
                return existing.zone();
            }
            ZoneState created = new ZoneState(new Zone("local-" + (++zoneCounter), zone), new TreeMap<>(KEY_ORDER));
            zones.put(zone, created);
            return created.zone();
        }
    }

    @Override
    public boolean deleteZone(String zoneName) {
        String zone = zoneName("dns.zone.delete", zoneName);
        synchronized (lock) {
            ZoneState removed = zones.remove(zone);
            if (removed == null) {
                return false;
            }
            removed.records().clear();
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Record sets

    @Override
    public void upsert(String zoneName, RecordSet recordSet) {
        String op = "dns.upsert";
        String zone = zoneName(op, zoneName);
        if (recordSet == null) {
            throw new InvalidRequestException(ctx(op, zone), "record set must not be null");
        }
        String name = recordSet.name(); // normalised by RecordSet
        RecordType type = recordSet.type();
        ErrorContext ctx = ctx(op, name + " " + type);
        requireInZone(ctx, name, zone);
        if (type == RecordType.CNAME && name.equals(zone)) {
            throw new InvalidRequestException(ctx,
                    "a CNAME cannot be placed at the apex " + zone + " of zone '" + zone + "'");
        }
        synchronized (lock) {
            ZoneState state = existing(ctx, zone);
            for (Key key : state.records().keySet()) {
                if (!key.name().equals(name) || key.type() == type) {
                    continue;
                }
                if (type == RecordType.CNAME) {
                    throw new ConflictException(ctx, "cannot create CNAME " + name + " in zone '" + zone
                            + "': a " + key.type() + " record set already exists at that name");
                }
                if (key.type() == RecordType.CNAME) {
                    throw new ConflictException(ctx, "cannot create " + type + " " + name + " in zone '" + zone
                            + "': a CNAME already exists at that name");
                }
            }
            state.records().put(new Key(name, type), recordSet);
        }
    }

    @Override
    public boolean delete(String zoneName, String name, RecordType type) {
        String op = "dns.delete";
        String zone = zoneName(op, zoneName);
        Key key = recordKey(op, zone, name, type);
        synchronized (lock) {
            return existing(ctx(op, key), zone).records().remove(key) != null;
        }
    }

    @Override
    public Optional<RecordSet> get(String zoneName, String name, RecordType type) {
        String op = "dns.get";
        String zone = zoneName(op, zoneName);
        Key key = recordKey(op, zone, name, type);
        synchronized (lock) {
            return Optional.ofNullable(existing(ctx(op, key), zone).records().get(key));
        }
    }

    @Override
    public Stream<RecordSet> list(String zoneName) {
        String op = "dns.list";
        String zone = zoneName(op, zoneName);
        synchronized (lock) {
            return List.copyOf(existing(ctx(op, zone), zone).records().values()).stream();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /** Normalises a zone name, translating a bad one into {@link InvalidRequestException}. */
    private String zoneName(String op, String zoneName) {
        if (zoneName == null) {
            throw new InvalidRequestException(ctx(op, ""), "zone name must not be null");
        }
        try {
            return DnsNames.normalize(zoneName);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ctx(op, zoneName),
                    "zone name '" + zoneName + "' is invalid: " + e.getMessage(), e);
        }
    }

    /** Validates and normalises a record name and type of {@code zone}. */
    private Key recordKey(String op, String zone, String name, RecordType type) {
        if (name == null) {
            throw new InvalidRequestException(ctx(op, zone), "record name must not be null");
        }
        if (type == null) {
            throw new InvalidRequestException(ctx(op, name), "record type must not be null");
        }
        String normalised;
        try {
            normalised = DnsNames.normalize(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ctx(op, name + " " + type),
                    "record name '" + name + "' is invalid: " + e.getMessage(), e);
        }
        Key key = new Key(normalised, type);
        requireInZone(ctx(op, key), normalised, zone);
        return key;
    }

    private static void requireInZone(ErrorContext ctx, String name, String zone) {
        if (!DnsNames.isInZone(name, zone)) {
            throw new InvalidRequestException(ctx, "record name " + name + " is not in zone '" + zone + "'");
        }
    }

    private ZoneState existing(ErrorContext ctx, String zone) {
        ZoneState state = zones.get(zone);
        if (state == null) {
            throw new NotFoundException(ctx, "zone '" + zone + "' does not exist");
        }
        return state;
    }

    private ErrorContext ctx(String op, String target) {
        return ErrorContext.of(site, op, target);
    }

    private ErrorContext ctx(String op, Key key) {
        return ErrorContext.of(site, op, key.name() + " " + key.type());
    }

    /** Identifies a record set within a zone: normalised name and type. */
    private record Key(String name, RecordType type) {
    }

    /** A zone and its record sets ordered by name then type; guarded by the service's lock. */
    private record ZoneState(Zone zone, Map<Key, RecordSet> records) {
    }
}
