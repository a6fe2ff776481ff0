package dev.cloudhop.api.dns;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Authoritative DNS of one site: zones and their A, AAAA, CNAME and TXT record sets.
 *
 * <p>Zones are addressed by name (normalised, so {@code Example.com} and {@code example.com.} are the same).
 * Record names are absolute and must lie within the zone, otherwise
 * {@link dev.cloudhop.api.InvalidRequestException}. Records the provider manages itself (SOA, NS) and
 * other types are not listed. Implementations are thread-safe.
 */
public interface DnsService {

    /** All zones of the site. */
    List<Zone> listZones();

    /** The zone of this name, if it exists. */
    Optional<Zone> zone(String zoneName);

    /** Creates a zone, or returns the existing zone of that name. */
    Zone createZone(String zoneName);

    /**
     * Deletes a zone with all its record sets. Idempotent.
     *
     * @return true if it existed
     */
    boolean deleteZone(String zoneName);

    /**
     * Creates or replaces the record set of {@code recordSet.name()} and {@code recordSet.type()}: all
     * values and the TTL are replaced at once.
     *
     * @throws dev.cloudhop.api.NotFoundException if the zone does not exist
     * @throws dev.cloudhop.api.ConflictException if a CNAME would share its name with another record set
     */
    void upsert(String zoneName, RecordSet recordSet);

    /**
     * Deletes the record set of this name and type. Idempotent.
     *
     * @return true if it existed
     * @throws dev.cloudhop.api.NotFoundException if the zone does not exist
     */
    boolean delete(String zoneName, String name, RecordType type);

    /**
     * The record set of this name and type, if any.
     *
     * @throws dev.cloudhop.api.NotFoundException if the zone does not exist
     */
    Optional<RecordSet> get(String zoneName, String name, RecordType type);

    /**
     * All A, AAAA, CNAME and TXT record sets of the zone, ordered by name then type.
     *
     * @throws dev.cloudhop.api.NotFoundException if the zone does not exist
     */
    Stream<RecordSet> list(String zoneName);
}
