package dev.cloudhop.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.dns.Zone;
import dev.cloudhop.api.naming.NamingRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InMemoryDnsServiceTest {

    private static final SiteInfo SITE = new SiteInfo("test", "local", "here");
    private static final Duration TTL = Duration.ofSeconds(300);

    private InMemoryDnsService dns;

    @BeforeEach
    void setUp() {
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
        dns = new InMemoryDnsService(SITE, NamingRules.LOCAL, clock);
    }

    private static RecordSet a(String name, String... ips) {
        return RecordSet.of(name, RecordType.A, TTL, ips);
    }

    private static RecordSet cname(String name, String target) {
        return RecordSet.of(name, RecordType.CNAME, TTL, target);
    }

    private static RecordSet txt(String name, String... texts) {
        return RecordSet.of(name, RecordType.TXT, TTL, texts);
    }

    @Nested
    class Zones {

        @Test
        void createNormalisesAndReturnsTheExistingZone() {
            Zone created = dns.createZone("Example.COM");
            assertThat(created.name()).isEqualTo("example.com.");
            assertThat(created.id()).startsWith("local-");
            assertThat(dns.createZone("example.com.")).isEqualTo(created);
            assertThat(dns.zone("EXAMPLE.com.")).contains(created);
            assertThat(dns.listZones()).containsExactly(created);
        }

        @Test
        void zonesHaveDistinctIdsAndAreListedByName() {
            Zone b = dns.createZone("b.example");
            Zone a = dns.createZone("a.example");
            Zone c = dns.createZone("c.example");
            assertThat(dns.listZones()).containsExactly(a, b, c);
            assertThat(List.of(a.id(), b.id(), c.id())).doesNotHaveDuplicates();
        }

        @Test
        void missingZoneIsEmpty() {
            assertThat(dns.zone("nowhere.example")).isEmpty();
            assertThat(dns.listZones()).isEmpty();
        }

        @Test
        void deleteIsIdempotentAndDropsTheRecords() {
            dns.createZone("example.com");
            dns.upsert("example.com", a("www.example.com", "192.0.2.1"));
            assertThat(dns.deleteZone("EXAMPLE.com")).isTrue();
            assertThat(dns.deleteZone("example.com")).isFalse();
            assertThat(dns.zone("example.com")).isEmpty();
            dns.createZone("example.com");
            assertThat(dns.list("example.com")).isEmpty();
        }

        @Test
        void invalidZoneNamesAreInvalidRequests() {
            InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                    () -> dns.createZone("bad..name"));
            assertThat(e).hasMessageContaining("zone name 'bad..name' is invalid").hasMessageContaining("empty label");
            assertThat(e.operation()).isEqualTo("dns.zone.create");
            assertThat(e.context().target()).isEqualTo("bad..name");
            assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class);

            assertThatThrownBy(() -> dns.createZone("*.example.com")).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> dns.createZone(null)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> dns.zone("")).isInstanceOf(InvalidRequestException.class)
                    .extracting(t -> ((InvalidRequestException) t).operation()).isEqualTo("dns.zone.get");
            assertThatThrownBy(() -> dns.deleteZone("a b")).isInstanceOf(InvalidRequestException.class)
                    .extracting(t -> ((InvalidRequestException) t).operation()).isEqualTo("dns.zone.delete");
            assertThat(dns.listZones()).isEmpty();
        }
    }

    @Nested
    class RecordSets {

        @BeforeEach
        void zone() {
            dns.createZone("example.com");
        }

        @Test
        void upsertCreatesAndReplacesTheWholeSet() {
            dns.upsert("example.com", a("www.example.com", "192.0.2.1", "192.0.2.2"));
            dns.upsert("example.com.", RecordSet.of("WWW.example.com.", RecordType.A, Duration.ofSeconds(60),
                    "192.0.2.3"));
            assertThat(dns.get("example.com", "www.example.com", RecordType.A))
                    .contains(RecordSet.of("www.example.com.", RecordType.A, Duration.ofSeconds(60), "192.0.2.3"));
            assertThat(dns.list("example.com")).hasSize(1);
        }

        @Test
        void getOfAMissingSetIsEmpty() {
            assertThat(dns.get("example.com", "www.example.com", RecordType.A)).isEmpty();
            dns.upsert("example.com", a("www.example.com", "192.0.2.1"));
            assertThat(dns.get("example.com", "www.example.com", RecordType.AAAA)).isEmpty();
        }

        @Test
        void apexRecordsAreAllowed() {
            dns.upsert("example.com", a("example.com", "192.0.2.1"));
            dns.upsert("example.com", txt("example.com", "v=spf1 -all"));
            assertThat(dns.list("example.com")).extracting(RecordSet::type)
                    .containsExactly(RecordType.A, RecordType.TXT);
        }

        @Test
        void listIsOrderedByNameThenType() {
            dns.upsert("example.com", txt("b.example.com", "t"));
            dns.upsert("example.com", RecordSet.of("b.example.com", RecordType.AAAA, TTL, "2001:db8::1"));
            dns.upsert("example.com", a("b.example.com", "192.0.2.1"));
            dns.upsert("example.com", cname("a.example.com", "elsewhere.example.org"));
            dns.upsert("example.com", a("example.com", "192.0.2.9"));
            assertThat(dns.list("example.com"))
                    .extracting(r -> r.name() + " " + r.type())
                    .containsExactly("a.example.com. CNAME", "b.example.com. A", "b.example.com. AAAA",
                            "b.example.com. TXT", "example.com. A");
        }

        @Test
        void deleteIsIdempotent() {
            dns.upsert("example.com", a("www.example.com", "192.0.2.1"));
            dns.upsert("example.com", txt("www.example.com", "keep"));
            assertThat(dns.delete("example.com", "WWW.example.com.", RecordType.A)).isTrue();
            assertThat(dns.delete("example.com", "www.example.com", RecordType.A)).isFalse();
            assertThat(dns.list("example.com")).extracting(RecordSet::type).containsExactly(RecordType.TXT);
        }

        @Test
        void recordsOutsideTheZoneAreInvalidRequests() {
            for (String outside : List.of("www.example.org", "badexample.com", "com")) {
                InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                        () -> dns.upsert("example.com", a(outside, "192.0.2.1")));
                assertThat(e).as(outside).hasMessageContaining("is not in zone 'example.com.'");
                assertThat(e.operation()).isEqualTo("dns.upsert");
                assertThatThrownBy(() -> dns.get("example.com", outside, RecordType.A))
                        .isInstanceOf(InvalidRequestException.class);
                assertThatThrownBy(() -> dns.delete("example.com", outside, RecordType.A))
                        .isInstanceOf(InvalidRequestException.class);
            }
            assertThat(dns.list("example.com")).isEmpty();
        }

        @Test
        void wildcardRecordsAreAllowed() {
            dns.upsert("example.com", a("*.example.com", "192.0.2.1"));
            assertThat(dns.get("example.com", "*.example.com", RecordType.A)).isPresent();
        }

        @Test
        void cnameCannotJoinAnotherType() {
            dns.upsert("example.com", a("www.example.com", "192.0.2.1"));
            ConflictException e = catchThrowableOfType(ConflictException.class,
                    () -> dns.upsert("example.com", cname("www.example.com", "other.example.org")));
            assertThat(e).hasMessageContaining("CNAME").hasMessageContaining("www.example.com.");
            assertThat(e.operation()).isEqualTo("dns.upsert");
            assertThat(dns.get("example.com", "www.example.com", RecordType.CNAME)).isEmpty();
        }

        @Test
        void otherTypesCannotJoinACname() {
            dns.upsert("example.com", cname("www.example.com", "other.example.org"));
            for (RecordSet other : List.of(a("www.example.com", "192.0.2.1"), txt("www.example.com", "x"),
                    RecordSet.of("www.example.com", RecordType.AAAA, TTL, "::1"))) {
                assertThatThrownBy(() -> dns.upsert("example.com", other)).as(other.type().toString())
                        .isInstanceOf(ConflictException.class).hasMessageContaining("CNAME");
            }
            assertThat(dns.list("example.com")).hasSize(1);
        }

        @Test
        void cnameCanBeReplacedByACname() {
            dns.upsert("example.com", cname("www.example.com", "one.example.org"));
            dns.upsert("example.com", cname("www.example.com", "two.example.org"));
            assertThat(dns.get("example.com", "www.example.com", RecordType.CNAME))
                    .map(r -> r.values().get(0)).contains("two.example.org.");
        }

        @Test
        void cnameAtTheApexIsAnInvalidRequest() {
            assertThatThrownBy(() -> dns.upsert("example.com", cname("Example.com.", "other.example.org")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("apex");
        }

        @Test
        void missingZoneIsNotFoundNamingIt() {
            String zone = "nowhere.example";
            String name = "www.nowhere.example";
            assertNotFound("dns.upsert", () -> dns.upsert(zone, a(name, "192.0.2.1")));
            assertNotFound("dns.delete", () -> dns.delete(zone, name, RecordType.A));
            assertNotFound("dns.get", () -> dns.get(zone, name, RecordType.A));
            assertNotFound("dns.list", () -> dns.list(zone));
        }

        private void assertNotFound(String operation, Runnable call) {
            NotFoundException e = catchThrowableOfType(NotFoundException.class, call::run);
            assertThat(e).as(operation).isNotNull().hasMessageEndingWith("zone 'nowhere.example.' does not exist");
            assertThat(e.operation()).isEqualTo(operation);
        }

        @Test
        void badArgumentsAreInvalidRequests() {
            assertThatThrownBy(() -> dns.upsert("example.com", null)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> dns.get("example.com", null, RecordType.A))
                    .isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> dns.get("example.com", "www.example.com", null))
                    .isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> dns.delete("example.com", "bad name.example.com", RecordType.A))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("record name 'bad name.example.com' is invalid");
            assertThatThrownBy(() -> dns.list(null)).isInstanceOf(InvalidRequestException.class);
        }

        @Test
        void listIsASnapshot() {
            dns.upsert("example.com", a("a.example.com", "192.0.2.1"));
            var stream = dns.list("example.com");
            dns.upsert("example.com", a("b.example.com", "192.0.2.2"));
            assertThat(stream).hasSize(1);
        }

        @Test
        void concurrentUpsertsOfCnameAndAAtOneNameNeverBothSucceed() throws Exception {
            ExecutorService executor = Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < 200; round++) {
                    String name = "n" + round + ".example.com";
                    List<Future<Boolean>> results = new ArrayList<>();
                    results.add(executor.submit(() -> tryUpsert(cname(name, "target.example.org"))));
                    results.add(executor.submit(() -> tryUpsert(a(name, "192.0.2.1"))));
                    results.add(executor.submit(() -> tryUpsert(txt(name, "t"))));
                    int ok = 0;
                    for (Future<Boolean> f : results) {
                        ok += f.get(5, TimeUnit.SECONDS) ? 1 : 0;
                    }
                    List<RecordType> types = dns.list("example.com").filter(r -> r.name().equals(name + "."))
                            .map(RecordSet::type).toList();
                    assertThat(types).hasSize(ok);
                    if (types.contains(RecordType.CNAME)) {
                        assertThat(types).containsExactly(RecordType.CNAME);
                    }
                }
            } finally {
                executor.shutdownNow();
            }
        }

        private boolean tryUpsert(RecordSet set) {
            try {
                dns.upsert("example.com", set);
                return true;
            } catch (ConflictException e) {
                return false;
            }
        }
    }
}
