package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.UnsupportedCapabilityException;
import dev.cloudhop.api.dns.DnsNames;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.dns.Zone;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * DNS on any authoritative server that takes RFC 2136 dynamic updates signed with an HMAC TSIG key (RFC 8945):
 * BIND, Knot, PowerDNS. GSS-TSIG (Windows DNS secure updates) is not implemented; without {@code dns.tsig}
 * updates go unsigned, for servers that accept non-secure updates.
 *
 * <ul>
 *   <li><b>Record sets</b> change in one update message each, with prerequisites that make the change
 *       atomic and enforce CNAME exclusivity even where the server would silently ignore the update
 *       (BIND drops a CNAME added beside other data): an upsert deletes the name's record set of that type
 *       and adds the new records, on condition that no CNAME exists there; a CNAME upsert requires the name
 *       to be unused, or to hold only a CNAME, which it then replaces.</li>
 *   <li><b>Reads</b>: {@code get} asks the server directly (recursion off); {@code list} transfers the zone
 *       (AXFR, TSIG-signed), which the server must allow for the key.</li>
 *   <li><b>Zones</b>: a zone exists when the server answers authoritatively for its SOA. RFC 2136 cannot
 *       create zones, so with {@code dns.zone-admin = static} zones are configured on the server and
 *       {@code createZone} only returns an existing one; with {@code rndc}, zones are added and deleted on
 *       a BIND server through its control channel ({@code addzone}/{@code delzone}), their initial zone file
 *       written into a directory shared with the server. {@code listZones} names the zones of
 *       {@code dns.zones} and those this provider created, each confirmed by the server.</li>
 * </ul>
 *
 * <p>Caveat: {@code get} of a name covered only by a wildcard returns the wildcard's records, as any resolver
 * would see them; {@code list} shows the wildcard itself. Thread-safe.
 */
final class Rfc2136DnsService implements DnsService {

    private static final String ZONE_FILE_SUFFIX = ".db";
    private static final Duration ZONE_LOAD_WAIT = Duration.ofSeconds(10);
    private static final int CNAME_ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(Rfc2136DnsService.class);

    private final SiteInfo site;
    private final OnPremSettings.Dns settings;
    private final InetSocketAddress server;
    private final TSIG tsig;
    private SimpleResolver udp; // guarded by this; built on first use (resolving the server's name)
    private SimpleResolver tcp; // guarded by this
    private final Optional<RndcClient> rndc;

    Rfc2136DnsService(SiteInfo site, OnPremSettings.Dns settings) {
        this.site = site;
        this.settings = settings;
        this.server = InetSocketAddress.createUnresolved(settings.server().host(), settings.server().port());
        this.tsig = settings.tsig().map(t -> new TSIG(algorithm(t.algorithm()), name(t.name()), t.secret().reveal().trim()))
                .orElse(null);
        this.rndc = settings.rndc().map(r -> new RndcClient(
                InetSocketAddress.createUnresolved(r.server().host(), r.server().port()), r.algorithm(),
                r.secret().reveal(), settings.timeout()));
    }

    private synchronized SimpleResolver resolver(boolean useTcp, ErrorContext ctx) {
        if (udp == null) {
            InetSocketAddress address = resolvedServer(ctx);
            udp = new SimpleResolver(address);
            tcp = new SimpleResolver(address);
            tcp.setTCP(true);
            for (SimpleResolver r : List.of(udp, tcp)) {
                r.setTimeout(settings.timeout());
                r.setTSIGKey(tsig);
            }
        }
        return useTcp ? tcp : udp;
    }

    private static Name algorithm(String text) {
        return switch (text) {
            case "hmac-md5" -> TSIG.HMAC_MD5;
            case "hmac-sha1" -> TSIG.HMAC_SHA1;
            case "hmac-sha224" -> TSIG.HMAC_SHA224;
            case "hmac-sha256" -> TSIG.HMAC_SHA256;
            case "hmac-sha384" -> TSIG.HMAC_SHA384;
            case "hmac-sha512" -> TSIG.HMAC_SHA512;
            default -> throw new IllegalArgumentException("unknown TSIG algorithm " + text);
        };
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("invalid DNS name '" + text + "'", e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // zones

    @Override
    public List<Zone> listZones() {
        ErrorContext ctx = ErrorContext.of(site, "dns.zone.list");
        TreeSet<String> candidates = new TreeSet<>(settings.zones());
        settings.rndc().ifPresent(r -> {
            try (Stream<Path> files = Files.list(r.zoneDirectory())) {
                files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(ZONE_FILE_SUFFIX))
                        .map(f -> f.substring(0, f.length() - ZONE_FILE_SUFFIX.length()))
                        .forEach(z -> {
                            try {
                                candidates.add(DnsNames.normalize(z));
                            } catch (IllegalArgumentException e) {
                                // not one of ours
                                LOG.debug("site {} {}: zone file '{}' names no zone Cloudhop can use", site.id(),
                                        ctx.operation(), z);
                            }
                        });
            } catch (IOException e) {
                throw new UnavailableException(ctx, "cannot list the zone directory " + r.zoneDirectory() + ": " + e, e);
            }
        });
        List<Zone> zones = new ArrayList<>();
        for (String z : candidates) {
            if (served(z, ctx)) {
                zones.add(new Zone(z, z));
            }
        }
        return List.copyOf(zones);
    }

    @Override
    public Optional<Zone> zone(String zoneName) {
        ErrorContext ctx = ErrorContext.of(site, "dns.zone.get", String.valueOf(zoneName));
        String zone = zoneName(zoneName, ctx);
        return served(zone, ctx) ? Optional.of(new Zone(zone, zone)) : Optional.empty();
    }

    @Override
    public Zone createZone(String zoneName) {
        ErrorContext ctx = ErrorContext.of(site, "dns.zone.create", String.valueOf(zoneName));
        String zone = zoneName(zoneName, ctx);
        if (served(zone, ctx)) {
            return new Zone(zone, zone);
        }
        if (rndc.isEmpty()) {
            throw new UnsupportedCapabilityException(ctx, "zone " + zone + " is not served by " + settings.server()
                    + ", and zones of this site are configured on the server (dns.zone-admin = static): add the zone "
                    + "to the server's configuration, or let Cloudhop add zones to BIND with dns.zone-admin = rndc");
        }
        OnPremSettings.Rndc r = settings.rndc().orElseThrow();
        String fileName = zone.substring(0, zone.length() - 1) + ZONE_FILE_SUFFIX;
        Path file = r.zoneDirectory().resolve(fileName);
        try {
            Files.createDirectories(r.zoneDirectory());
            Files.deleteIfExists(Path.of(file + ".jnl"));
            Path tmp = r.zoneDirectory().resolve("." + fileName + ".tmp-" + ProcessHandle.current().pid());
            Files.writeString(tmp, zoneFile(zone, r.nameserver()), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UnavailableException(ctx, "cannot write the zone file " + file + ": " + e, e);
        }
        String serverFile = r.serverZoneDirectory().replaceAll("/+$", "") + "/" + fileName;
        String key = settings.tsig().map(t -> t.name()).orElseThrow();
        String config = "{ type primary; file \"" + serverFile + "\"; allow-update { key \"" + key + "\"; }; "
                + "allow-transfer { key \"" + key + "\"; }; };";
        try {
            rndc.get().call("addzone " + zone + " " + config);
        } catch (RndcClient.CommandException e) {
            if (!served(zone, ctx)) {
                throw new UnavailableException(ctx, "the DNS server did not add zone " + zone + ": " + e.getMessage()
                        + " (BIND needs allow-new-zones yes; and must read " + serverFile + ")", e);
            }
        } catch (IOException e) {
            throw new UnavailableException(ctx, "the DNS server's control channel " + r.server() + " failed: "
                    + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + ZONE_LOAD_WAIT.toNanos();
        while (!served(zone, ctx)) {
            if (System.nanoTime() > deadline) {
                throw new UnavailableException(ctx, "zone " + zone + " was added but is not served after "
                        + ZONE_LOAD_WAIT + " (see the server's log)");
            }
            sleep(Duration.ofMillis(20));
        }
        return new Zone(zone, zone);
    }

    static String zoneFile(String zone, String nameserver) {
        return "$TTL 300\n"
                + "@ IN SOA " + nameserver + " hostmaster." + zone + " 1 3600 600 86400 60\n"
                + "@ IN NS " + nameserver + "\n";
    }

    @Override
    public boolean deleteZone(String zoneName) {
        ErrorContext ctx = ErrorContext.of(site, "dns.zone.delete", String.valueOf(zoneName));
        String zone = zoneName(zoneName, ctx);
        if (!served(zone, ctx)) {
            return false;
        }
        if (rndc.isEmpty() || settings.zones().contains(zone)) {
            throw new UnsupportedCapabilityException(ctx, "zone " + zone + " is configured on the server"
                    + (settings.zones().contains(zone) ? " (dns.zones)" : " (dns.zone-admin = static)")
                    + "; delete it in the server's configuration");
        }
        OnPremSettings.Rndc r = settings.rndc().orElseThrow();
        try {
            rndc.get().call("delzone -clean " + zone);
        } catch (RndcClient.CommandException e) {
            if (served(zone, ctx)) {
                throw new UnavailableException(ctx, "the DNS server did not delete zone " + zone + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new UnavailableException(ctx, "the DNS server's control channel " + r.server() + " failed: "
                    + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
        Path file = r.zoneDirectory().resolve(zone.substring(0, zone.length() - 1) + ZONE_FILE_SUFFIX);
        try {
            Files.deleteIfExists(Path.of(file + ".jnl"));
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UnavailableException(ctx, "zone " + zone + " was deleted but its file " + file
                    + " could not be removed: " + e, e);
        }
        return true;
    }

    private String zoneName(String zoneName, ErrorContext ctx) {
        if (zoneName == null) {
            throw new InvalidRequestException(ctx, "zone name must not be null");
        }
        try {
            return DnsNames.normalize(zoneName);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ctx, "invalid zone name: " + e.getMessage(), e);
        }
    }

    /** Whether the server answers authoritatively for the zone's SOA. */
    private boolean served(String zone, ErrorContext ctx) {
        Message response = query(name(zone), Type.SOA, ctx);
        int rcode = response.getRcode();
        if (rcode == Rcode.SERVFAIL) {
            throw new UnavailableException(ctx, "the DNS server " + settings.server() + " fails for zone " + zone
                    + " (SERVFAIL; a zone that did not load?)");
        }
        if (rcode != Rcode.NOERROR || !response.getHeader().getFlag(Flags.AA)) {
            return false;
        }
        return response.getSection(Section.ANSWER).stream()
                .anyMatch(r -> r instanceof SOARecord && r.getName().toString().toLowerCase(Locale.ROOT).equals(zone));
    }

    private void requireZone(String zone, ErrorContext ctx) {
        if (!served(zone, ctx)) {
            throw new NotFoundException(ctx, "zone " + zone + " is not served by " + settings.server());
        }
    }

    // ------------------------------------------------------------------------------------------------
    // record sets

    @Override
    public void upsert(String zoneName, RecordSet recordSet) {
        ErrorContext ctx = ErrorContext.of(site, "dns.upsert", String.valueOf(zoneName));
        String zone = zoneName(zoneName, ctx);
        requireInZone(recordSet.name(), zone, ctx);
        requireZone(zone, ctx);
        Name owner = name(recordSet.name());
        int type = type(recordSet.type());
        List<Record> records = records(recordSet, ctx);
        if (recordSet.type() != RecordType.CNAME) {
            Update update = new Update(name(zone));
            update.absent(owner, Type.CNAME);
            update.delete(owner, type);
            update.add(records.toArray(Record[]::new));
            Message response = update(update, ctx);
            if (response.getRcode() == Rcode.YXRRSET) {
                throw new ConflictException(ctx, recordSet.name() + " has a CNAME record set: no other record set may "
                        + "share its name");
            }
            requireNoError(response, ctx, "upsert " + recordSet.name() + " " + recordSet.type());
            return;
        }
        for (int attempt = 0; attempt < CNAME_ATTEMPTS; attempt++) {
            Update create = new Update(name(zone));
            create.absent(owner);
            create.add(records.toArray(Record[]::new));
            Message created = update(create, ctx);
            if (created.getRcode() == Rcode.NOERROR) {
                return;
            }
            if (created.getRcode() != Rcode.YXDOMAIN) {
                requireNoError(created, ctx, "upsert " + recordSet.name() + " CNAME");
            }
            Update replace = new Update(name(zone));
            replace.present(owner, Type.CNAME);
            replace.delete(owner, Type.CNAME);
            replace.add(records.toArray(Record[]::new));
            Message replaced = update(replace, ctx);
            if (replaced.getRcode() == Rcode.NOERROR) {
                return;
            }
            if (replaced.getRcode() != Rcode.NXRRSET) {
                requireNoError(replaced, ctx, "upsert " + recordSet.name() + " CNAME");
            }
            if (nameInUse(owner, ctx)) {
                throw new ConflictException(ctx, "other record sets exist at " + recordSet.name()
                        + ": a CNAME must be the only record set of its name");
            }
            // the name was emptied between the two updates: try again
        }
        throw new ConflictException(ctx, recordSet.name() + " keeps changing; the CNAME was not written");
    }

    private boolean nameInUse(Name owner, ErrorContext ctx) {
        Message response = query(owner, Type.ANY, ctx);
        return response.getRcode() == Rcode.NOERROR;
    }

    @Override
    public boolean delete(String zoneName, String name, RecordType type) {
        ErrorContext ctx = ErrorContext.of(site, "dns.delete", String.valueOf(zoneName));
        String zone = zoneName(zoneName, ctx);
        String owner = recordName(name, ctx);
        requireInZone(owner, zone, ctx);
        requireZone(zone, ctx);
        Update update = new Update(name(zone));
        update.present(name(owner), type(type));
        update.delete(name(owner), type(type));
        Message response = update(update, ctx);
        if (response.getRcode() == Rcode.NXRRSET) {
            return false;
        }
        requireNoError(response, ctx, "delete " + owner + " " + type);
        return true;
    }

    @Override
    public Optional<RecordSet> get(String zoneName, String name, RecordType type) {
        ErrorContext ctx = ErrorContext.of(site, "dns.get", String.valueOf(zoneName));
        String zone = zoneName(zoneName, ctx);
        String owner = recordName(name, ctx);
        requireInZone(owner, zone, ctx);
        requireZone(zone, ctx);
        Message response = query(name(owner), type(type), ctx);
        if (response.getRcode() == Rcode.NXDOMAIN) {
            return Optional.empty();
        }
        if (response.getRcode() != Rcode.NOERROR) {
            requireNoError(response, ctx, "query " + owner + " " + type);
        }
        List<Record> matching = response.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == type(type) && r.getName().toString().toLowerCase(Locale.ROOT).equals(owner))
                .toList();
        return matching.isEmpty() ? Optional.empty() : Optional.of(recordSet(owner, type, matching));
    }

    @Override
    public Stream<RecordSet> list(String zoneName) {
        ErrorContext ctx = ErrorContext.of(site, "dns.list", String.valueOf(zoneName));
        String zone = zoneName(zoneName, ctx);
        requireZone(zone, ctx);
        List<Record> records;
        try {
            ZoneTransferIn transfer = ZoneTransferIn.newAXFR(name(zone), resolvedServer(ctx), tsig);
            transfer.setTimeout(settings.timeout().multipliedBy(6));
            transfer.run();
            records = transfer.getAXFR();
        } catch (ZoneTransferException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("refused") || message.contains("notauth") || message.contains("tsig")) {
                throw new UnauthorizedException(ctx, "the server refused the zone transfer of " + zone + " ("
                        + e.getMessage() + "); listing needs allow-transfer for the TSIG key", e);
            }
            throw new UnavailableException(ctx, "zone transfer of " + zone + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UnavailableException(ctx, "zone transfer of " + zone + " from " + settings.server() + " failed: "
                    + e.getMessage(), e);
        }
        Map<String, List<Record>> byNameAndType = new LinkedHashMap<>();
        for (Record r : records) {
            Optional<RecordType> type = recordType(r.getType());
            if (type.isEmpty()) {
                continue;
            }
            String owner;
            try {
                owner = DnsNames.normalize(r.getName().toString());
            } catch (IllegalArgumentException e) {
                // a name Cloudhop cannot express (escaped characters): not managed here
                LOG.debug("site {} dns.list: record '{}' has a name Cloudhop cannot express; left alone", site.id(),
                        r.getName());
                continue;
            }
            byNameAndType.computeIfAbsent(owner + " " + type.get(), k -> new ArrayList<>()).add(r);
        }
        List<RecordSet> sets = new ArrayList<>();
        byNameAndType.forEach((key, rs) -> {
            String owner = key.substring(0, key.indexOf(' '));
            sets.add(recordSet(owner, recordType(rs.get(0).getType()).orElseThrow(), rs));
        });
        sets.sort(Comparator.comparing(RecordSet::name).thenComparing(RecordSet::type));
        return sets.stream();
    }

    private String recordName(String name, ErrorContext ctx) {
        if (name == null) {
            throw new InvalidRequestException(ctx, "record name must not be null");
        }
        try {
            return DnsNames.normalize(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ctx, "invalid record name: " + e.getMessage(), e);
        }
    }

    private static void requireInZone(String name, String zone, ErrorContext ctx) {
        if (!DnsNames.isInZone(name, zone)) {
            throw new InvalidRequestException(ctx, "record name " + name + " is not in zone " + zone);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // conversions

    private static int type(RecordType type) {
        return switch (type) {
            case A -> Type.A;
            case AAAA -> Type.AAAA;
            case CNAME -> Type.CNAME;
            case TXT -> Type.TXT;
        };
    }

    private static Optional<RecordType> recordType(int type) {
        return switch (type) {
            case Type.A -> Optional.of(RecordType.A);
            case Type.AAAA -> Optional.of(RecordType.AAAA);
            case Type.CNAME -> Optional.of(RecordType.CNAME);
            case Type.TXT -> Optional.of(RecordType.TXT);
            default -> Optional.empty();
        };
    }

    private static List<Record> records(RecordSet rs, ErrorContext ctx) {
        Name owner = name(rs.name());
        long ttl = rs.ttl().getSeconds();
        List<Record> records = new ArrayList<>();
        for (String value : rs.values()) {
            try {
                records.add(switch (rs.type()) {
                    case A -> new ARecord(owner, DClass.IN, ttl, InetAddress.getByName(value));
                    case AAAA -> new AAAARecord(owner, DClass.IN, ttl, InetAddress.getByName(value));
                    case CNAME -> new CNAMERecord(owner, DClass.IN, ttl, name(value));
                    case TXT -> new TXTRecord(owner, DClass.IN, ttl, escapedTxt(value, rs.name(), ctx));
                });
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidRequestException(ctx, rs.type() + " record " + rs.name() + ": '" + value
                        + "' cannot be encoded: " + e.getMessage(), e);
            }
        }
        return records;
    }

    /** The value as dnsjava's text form, so that its bytes are exactly the value's UTF-8. */
    private static String escapedTxt(String value, String name, ErrorContext ctx) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 255) {
            throw new InvalidRequestException(ctx, "TXT record " + name + ": a value is " + bytes.length
                    + " bytes in UTF-8; a DNS character string holds at most 255");
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c < 0x20 || c >= 0x7f || c == '\\') {
                sb.append(String.format("\\%03d", c));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static RecordSet recordSet(String owner, RecordType type, List<Record> records) {
        long ttl = records.get(0).getTTL();
        List<String> values = new ArrayList<>();
        for (Record r : records) {
            values.add(switch (type) {
                case A -> ((ARecord) r).getAddress().getHostAddress();
                case AAAA -> ((AAAARecord) r).getAddress().getHostAddress();
                case CNAME -> ((CNAMERecord) r).getTarget().toString();
                case TXT -> {
                    ByteArrayOutputStream joined = new ByteArrayOutputStream();
                    for (byte[] part : ((TXTRecord) r).getStringsAsByteArrays()) {
                        joined.writeBytes(part);
                    }
                    yield joined.toString(StandardCharsets.UTF_8);
                }
            });
        }
        return new RecordSet(owner, type, Duration.ofSeconds(ttl), values);
    }

    // ------------------------------------------------------------------------------------------------
    // transport

    private InetSocketAddress resolvedServer(ErrorContext ctx) {
        InetSocketAddress resolved = new InetSocketAddress(settings.server().host(), settings.server().port());
        if (resolved.isUnresolved()) {
            throw new UnavailableException(ctx, "cannot resolve the DNS server's name " + settings.server().host());
        }
        return resolved;
    }

    private Message query(Name name, int type, ErrorContext ctx) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        query.getHeader().unsetFlag(Flags.RD);
        return send(resolver(type == Type.ANY, ctx), query, ctx);
    }

    private Message update(Update update, ErrorContext ctx) {
        Message response = send(resolver(true, ctx), update, ctx);
        int rcode = response.getRcode();
        if (rcode == Rcode.REFUSED) {
            throw new UnauthorizedException(ctx, "the DNS server refused the update (REFUSED): its allow-update must "
                    + "grant " + settings.tsig().map(t -> "the TSIG key " + t.name()).orElse("this client"));
        }
        return response;
    }

    private Message send(SimpleResolver resolver, Message message, ErrorContext ctx) {
        Message response;
        try {
            response = resolver.send(message);
        } catch (CloudException e) {
            throw e;
        } catch (IOException e) {
            throw new UnavailableException(ctx, "the DNS server " + settings.server() + " did not answer: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        if (tsig != null) {
            if (response.getRcode() == Rcode.NOTAUTH && response.getTSIG() != null
                    && response.getTSIG().getError() != Rcode.NOERROR) {
                throw new UnauthorizedException(ctx, "the DNS server rejected the TSIG signature ("
                        + Rcode.TSIGstring(response.getTSIG().getError()) + "); check dns.tsig.name, the key and the clocks");
            }
            if (response.isSigned() && !response.isVerified()) {
                throw new UnauthorizedException(ctx, "the DNS server's answer does not verify with the TSIG key");
            }
        }
        return response;
    }

    private void requireNoError(Message response, ErrorContext ctx, String what) {
        int rcode = response.getRcode();
        switch (rcode) {
            case Rcode.NOERROR -> {
            }
            case Rcode.NOTAUTH, Rcode.NOTZONE -> throw new NotFoundException(ctx, what + ": the server is not "
                    + "authoritative for the zone (" + Rcode.string(rcode) + ")");
            case Rcode.FORMERR, Rcode.NOTIMP -> throw new InvalidRequestException(ctx, what + ": the server rejected "
                    + "the request (" + Rcode.string(rcode) + ")");
            default -> throw new UnavailableException(ctx, what + " failed: " + Rcode.string(rcode));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "Rfc2136DnsService[" + site + ", " + settings.server() + "]";
    }
}
