package dev.cloudhop.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.dns.Zone;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link DnsService}: zone life cycle and name normalisation, upsert-replaces semantics of
 * A, AAAA, CNAME and TXT record sets, listing order, the CNAME exclusivity rule and error mapping.
 *
 * <p>A provider runs it by extending this class and implementing {@link #createCloud()}. Every test needs
 * {@link Capability#DNS}. Each test creates its own zones, named {@code tck-<hex>.example.com}, and deletes
 * them afterwards.
 *
 * <p>Record sets are compared by name, type, TTL and values in any order: providers need not keep the
 * order in which values were given.
 */
public abstract class DnsServiceContract extends CloudContract {

    private static final Duration TTL = Duration.ofSeconds(300);


    /**
     * The parent domain of the zones the suite creates; default {@code example.com}. A provider that can
     * only create zones below a domain it controls may override it.
     */
    protected String parentDomain() {
        return "example.com";
    }

    @BeforeEach
    final void requireDns() {
        requireCapability(Capability.DNS);
    }


    // ------------------------------------------------------------------------------------------------
    // zones

    @Test
    void createZoneReturnsTheNormalisedZoneAndIsIdempotent() {
        String name = zoneName();
        afterTest(() -> dns().deleteZone(name));

        Zone zone = dns().createZone(name);

        assertThat(zone.name()).isEqualTo(name + ".");
        assertThat(zone.id()).isNotBlank();
        assertThat(dns().createZone(name)).as("creating the zone again").isEqualTo(zone);
        assertThat(dns().createZone(name.toUpperCase(Locale.ROOT) + ".")).as("creating it again, upper case").isEqualTo(zone);
    }

    @Test
    void listZonesContainsACreatedZone() {
        Zone zone = newZone();

        assertThat(dns().listZones()).contains(zone);
    }

    @Test
    void zoneFindsAZoneByAnySpellingOfItsName() {
        Zone zone = newZone();
        String bare = zone.name().substring(0, zone.name().length() - 1);

        assertThat(dns().zone(bare)).contains(zone);
        assertThat(dns().zone(zone.name())).contains(zone);
        assertThat(dns().zone(mixedCase(bare))).contains(zone);
        assertThat(dns().zone(zoneName())).as("a zone never created").isEmpty();
    }

    @Test
    void deleteZoneIsIdempotentAndRemovesItsRecordSets() {
        Zone zone = newZone();
        dns().upsert(zone.name(), RecordSet.of("www." + zone.name(), RecordType.A, TTL, "192.0.2.1"));

        assertThat(dns().deleteZone(zone.name())).as("first delete").isTrue();
        assertThat(dns().deleteZone(zone.name())).as("second delete").isFalse();
        assertThat(dns().zone(zone.name())).isEmpty();
        assertThat(dns().listZones()).doesNotContain(zone);
        assertThatThrownBy(() -> dns().get(zone.name(), "www." + zone.name(), RecordType.A))
                .isInstanceOf(NotFoundException.class);

        dns().createZone(zone.name());
        assertThat(dns().list(zone.name())).as("record sets of the re-created zone").isEmpty();
    }

    // ------------------------------------------------------------------------------------------------
    // record sets

    @Test
    void upsertedARecordSetCanBeRead() {
        Zone zone = newZone();
        RecordSet a = RecordSet.of("www." + zone.name(), RecordType.A, TTL, "192.0.2.10");

        dns().upsert(zone.name(), a);

        assertSameRecordSet(dns().get(zone.name(), "www." + zone.name(), RecordType.A), a);
    }

    @Test
    void recordNamesAndZoneNamesAreCaseInsensitive() {
        Zone zone = newZone();
        String bare = zone.name().substring(0, zone.name().length() - 1);
        RecordSet a = RecordSet.of("Host." + mixedCase(bare), RecordType.A, TTL, "192.0.2.11");

        dns().upsert(mixedCase(bare), a);

        Optional<RecordSet> read = dns().get(zone.name(), "host." + zone.name(), RecordType.A);
        assertSameRecordSet(read, a);
        assertThat(read.orElseThrow().name()).isEqualTo("host." + zone.name());
    }

    @Test
    void upsertReplacesValuesAndTtlInsteadOfAppending() {
        Zone zone = newZone();
        String name = "api." + zone.name();
        dns().upsert(zone.name(), RecordSet.of(name, RecordType.A, Duration.ofSeconds(300), "192.0.2.1"));
        RecordSet replacement = RecordSet.of(name, RecordType.A, Duration.ofSeconds(60), "198.51.100.1",
                "198.51.100.2");

        dns().upsert(zone.name(), replacement);

        assertSameRecordSet(dns().get(zone.name(), name, RecordType.A), replacement);
        assertThat(dns().list(zone.name()).filter(r -> r.name().equals(name)))
                .as("record sets named %s", name)
                .hasSize(1);
    }

    @Test
    void multiValueARecordSetRoundTrips() {
        Zone zone = newZone();
        RecordSet a = RecordSet.of("pool." + zone.name(), RecordType.A, TTL,
                "192.0.2.1", "192.0.2.2", "192.0.2.3", "203.0.113.254");

        dns().upsert(zone.name(), a);

        assertSameRecordSet(dns().get(zone.name(), a.name(), RecordType.A), a);
    }

    @Test
    void aaaaRecordSetRoundTripsNormalisedToLowerCase() {
        Zone zone = newZone();
        RecordSet aaaa = RecordSet.of("v6." + zone.name(), RecordType.AAAA, TTL, "2001:DB8::1", "2001:db8:0:0:0:0:0:AB");

        dns().upsert(zone.name(), aaaa);

        Optional<RecordSet> read = dns().get(zone.name(), aaaa.name(), RecordType.AAAA);
        assertSameRecordSet(read, aaaa);
        assertThat(read.orElseThrow().values()).allSatisfy(v -> assertThat(v).isEqualTo(v.toLowerCase(Locale.ROOT)));
    }

    @Test
    void cnameRecordSetRoundTrips() {
        Zone zone = newZone();
        RecordSet cname = RecordSet.of("alias." + zone.name(), RecordType.CNAME, TTL, "Target.Example.ORG");

        dns().upsert(zone.name(), cname);

        Optional<RecordSet> read = dns().get(zone.name(), cname.name(), RecordType.CNAME);
        assertSameRecordSet(read, cname);
        assertThat(read.orElseThrow().values()).containsExactly("target.example.org.");
    }

    @Test
    void txtRecordSetWithSpacesAndQuotesRoundTrips() {
        Zone zone = newZone();
        RecordSet txt = RecordSet.of("_meta." + zone.name(), RecordType.TXT, TTL,
                "hello world with spaces",
                "she said \"hi\" and left",
                "v=spf1 include:_spf.example.com ~all");

        dns().upsert(zone.name(), txt);

        assertSameRecordSet(dns().get(zone.name(), txt.name(), RecordType.TXT), txt);
    }

    @Test
    void ttlOfZeroAndOfOneDayAreAccepted() {
        Zone zone = newZone();
        RecordSet zero = RecordSet.of("zero." + zone.name(), RecordType.A, Duration.ZERO, "192.0.2.20");
        RecordSet day = RecordSet.of("day." + zone.name(), RecordType.A, Duration.ofSeconds(86400), "192.0.2.21");

        dns().upsert(zone.name(), zero);
        dns().upsert(zone.name(), day);

        assertSameRecordSet(dns().get(zone.name(), zero.name(), RecordType.A), zero);
        assertSameRecordSet(dns().get(zone.name(), day.name(), RecordType.A), day);
    }

    @Test
    void listReturnsOnlyManagedRecordSetsSortedByNameThenType() {
        Zone zone = newZone();
        String z = zone.name();
        List<RecordSet> upserted = List.of(
                RecordSet.of("mail." + z, RecordType.TXT, TTL, "mail text"),
                RecordSet.of("b." + z, RecordType.CNAME, TTL, "a." + z),
                RecordSet.of("a." + z, RecordType.TXT, TTL, "a text"),
                RecordSet.of("a." + z, RecordType.AAAA, TTL, "2001:db8::a"),
                RecordSet.of("a." + z, RecordType.A, TTL, "192.0.2.30"),
                RecordSet.of(z, RecordType.TXT, TTL, "apex text"),
                RecordSet.of(z, RecordType.A, TTL, "192.0.2.31"));
        upserted.forEach(r -> dns().upsert(z, r));

        List<RecordSet> listed = dns().list(z).toList();

        // exactly what was upserted: provider-managed record sets (SOA, NS at the apex) are not listed
        assertThat(listed).extracting(r -> r.name() + " " + r.type())
                .as("record sets, in order of name then type")
                .containsExactlyElementsOf(upserted.stream()
                        .sorted(Comparator.comparing(RecordSet::name).thenComparing(RecordSet::type))
                        .map(r -> r.name() + " " + r.type())
                        .toList());
        for (RecordSet expected : upserted) {
            assertSameRecordSet(listed.stream()
                    .filter(r -> r.name().equals(expected.name()) && r.type() == expected.type())
                    .findFirst(), expected);
        }
    }

    @Test
    void deleteRecordSetIsIdempotent() {
        Zone zone = newZone();
        String name = "gone." + zone.name();
        dns().upsert(zone.name(), RecordSet.of(name, RecordType.A, TTL, "192.0.2.40"));
        dns().upsert(zone.name(), RecordSet.of(name, RecordType.TXT, TTL, "stays"));

        assertThat(dns().delete(zone.name(), name, RecordType.A)).as("first delete").isTrue();
        assertThat(dns().delete(zone.name(), name, RecordType.A)).as("second delete").isFalse();
        assertThat(dns().get(zone.name(), name, RecordType.A)).isEmpty();
        assertThat(dns().get(zone.name(), name, RecordType.TXT)).as("other type at the same name").isPresent();
    }

    @Test
    void getOfAMissingRecordSetIsEmpty() {
        Zone zone = newZone();
        dns().upsert(zone.name(), RecordSet.of("present." + zone.name(), RecordType.A, TTL, "192.0.2.50"));

        assertThat(dns().get(zone.name(), "absent." + zone.name(), RecordType.A)).isEmpty();
        assertThat(dns().get(zone.name(), "present." + zone.name(), RecordType.AAAA)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------
    // errors

    @Test
    void aRecordSetOutsideTheZoneIsAnInvalidRequest() {
        Zone zone = newZone();

        assertThatThrownBy(() -> dns().upsert(zone.name(),
                RecordSet.of("host.elsewhere.example.org", RecordType.A, TTL, "192.0.2.60")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("host.elsewhere.example.org");
        // a suffix match without a label boundary is still outside the zone
        String lookalike = "evil" + zone.name();
        assertThatThrownBy(() -> dns().upsert(zone.name(), RecordSet.of(lookalike, RecordType.A, TTL, "192.0.2.61")))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(dns().list(zone.name())).isEmpty();
    }

    @Test
    void aCnameCannotShareItsNameWithAnotherRecordSet() {
        Zone zone = newZone();
        String name = "shared." + zone.name();
        RecordSet a = RecordSet.of(name, RecordType.A, TTL, "192.0.2.70");
        dns().upsert(zone.name(), a);

        assertThatThrownBy(() -> dns().upsert(zone.name(), RecordSet.of(name, RecordType.CNAME, TTL, "target.example.org")))
                .isInstanceOf(ConflictException.class);
        assertThat(dns().get(zone.name(), name, RecordType.CNAME)).isEmpty();
        assertSameRecordSet(dns().get(zone.name(), name, RecordType.A), a);

        String aliased = "aliased." + zone.name();
        dns().upsert(zone.name(), RecordSet.of(aliased, RecordType.CNAME, TTL, "target.example.org"));
        assertThatThrownBy(() -> dns().upsert(zone.name(), RecordSet.of(aliased, RecordType.TXT, TTL, "beside a CNAME")))
                .isInstanceOf(ConflictException.class);
        assertThat(dns().get(zone.name(), aliased, RecordType.TXT)).isEmpty();
    }

    @Test
    void operationsOnAMissingZoneAreNotFound() {
        String missing = zoneName();
        String name = "www." + missing;

        assertNotFound(missing, () -> dns().upsert(missing, RecordSet.of(name, RecordType.A, TTL, "192.0.2.80")));
        assertNotFound(missing, () -> dns().get(missing, name, RecordType.A));
        assertNotFound(missing, () -> dns().delete(missing, name, RecordType.A));
        assertNotFound(missing, () -> dns().list(missing).toList());
        assertThat(dns().deleteZone(missing)).isFalse();
    }

    // ------------------------------------------------------------------------------------------------
    // helpers

    private DnsService dns() {
        return cloud().dns();
    }

    /** A fresh zone name, not normalised: {@code tck-<hex>.example.com}. */
    private String zoneName() {
        return uniqueName("tck") + "." + parentDomain();
    }

    private Zone newZone() {
        String name = zoneName();
        afterTest(() -> dns().deleteZone(name));
        return dns().createZone(name);
    }

    private static String mixedCase(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }

    private static void assertSameRecordSet(Optional<RecordSet> actual, RecordSet expected) {
        assertThat(actual).as("record set %s %s", expected.name(), expected.type()).isPresent();
        RecordSet r = actual.orElseThrow();
        assertThat(r.name()).isEqualTo(expected.name());
        assertThat(r.type()).isEqualTo(expected.type());
        assertThat(r.ttl()).as("TTL of %s %s", expected.name(), expected.type()).isEqualTo(expected.ttl());
        assertThat(r.values()).as("values of %s %s", expected.name(), expected.type())
                .containsExactlyInAnyOrderElementsOf(expected.values());
    }

    private void assertNotFound(String zone, ThrowingCallable call) {
        NotFoundException e = catchThrowableOfType(NotFoundException.class, call);
        assertThat(e).as("NotFoundException for missing zone %s", zone).isNotNull();
        assertThat(e.site()).isEqualTo(cloud().site());
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage().toLowerCase(Locale.ROOT)).contains(zone.toLowerCase(Locale.ROOT));
    }
}
