package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.UnsupportedCapabilityException;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.dns.Zone;
import dev.cloudhop.testing.BindServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What Cloudhop changes in DNS is what any resolver sees: each change made through the SDK is checked with
 * {@code dig} against the same BIND server, a resolver that shares no code with Cloudhop. Also: zones
 * configured on the server (static mode) and a wrong TSIG key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsIndependentResolverTest {

    private BindServer bind;
    private Cloud cloud;

    @BeforeAll
    void open() {
        bind = OnPremTestEnvironment.bind();
        cloud = OnPremTestEnvironment.openFullSite("dig");
    }

    @AfterAll
    void close() {
        cloud.close();
    }

    @Test
    void changesMadeThroughTheSdkAreWhatDigSees() {
        Zone zone = cloud.dns().createZone("dig-" + System.nanoTime() + ".example.net");
        try {
            String www = "www." + zone.name();
            long start = System.nanoTime();
            cloud.dns().upsert(zone.name(), RecordSet.of(www, RecordType.A, Duration.ofSeconds(30), "192.0.2.10"));
            String answer = bind.dig("+short", www, "A");
            long visible = System.nanoTime() - start;
            assertThat(answer.strip()).isEqualTo("192.0.2.10");
            System.out.println("[dns] upsert to visible via dig: " + Duration.ofNanos(visible).toMillis() + " ms");

            // failover-style switch: replace the address; the resolver sees only the new one, with the new TTL
            cloud.dns().upsert(zone.name(), RecordSet.of(www, RecordType.A, Duration.ofSeconds(5), "198.51.100.7",
                    "198.51.100.8"));
            assertThat(bind.dig("+short", www, "A").strip().lines().sorted().toList())
                    .containsExactly("198.51.100.7", "198.51.100.8");
            assertThat(bind.dig("+noall", "+answer", www, "A")).containsPattern("\\s5\\s+IN\\s+A\\s+198\\.51\\.100\\.7");

            cloud.dns().upsert(zone.name(), RecordSet.of("_meta." + zone.name(), RecordType.TXT, Duration.ofSeconds(60),
                    "she said \"hi\" and left"));
            assertThat(bind.dig("+short", "_meta." + zone.name(), "TXT").strip()).isEqualTo("\"she said \\\"hi\\\" and left\"");

            cloud.dns().upsert(zone.name(), RecordSet.of("alias." + zone.name(), RecordType.CNAME, Duration.ofSeconds(60),
                    "www." + zone.name()));
            assertThat(bind.dig("+short", "alias." + zone.name(), "CNAME").strip()).isEqualTo(www);

            assertThat(cloud.dns().delete(zone.name(), www, RecordType.A)).isTrue();
            assertThat(bind.dig("+short", www, "A").strip()).isEmpty();
            assertThat(bind.dig(www, "A")).contains("status: NXDOMAIN");
        } finally {
            cloud.dns().deleteZone(zone.name());
        }
        assertThat(bind.dig(zone.name(), "SOA")).as("a deleted zone is no longer served").contains("status: REFUSED");
    }

    @Test
    void aZoneConfiguredOnTheServerIsListedAndUpdatable() {
        String zone = BindServer.STATIC_ZONE + ".";
        assertThat(cloud.dns().listZones()).contains(new Zone(zone, zone));
        String name = "static-" + System.nanoTime() + "." + zone;
        cloud.dns().upsert(zone, RecordSet.of(name, RecordType.AAAA, Duration.ofSeconds(60), "2001:db8::42"));
        try {
            assertThat(bind.dig("+short", name, "AAAA").strip()).isEqualTo("2001:db8::42");
            assertThatThrownBy(() -> cloud.dns().deleteZone(zone)).isInstanceOf(UnsupportedCapabilityException.class)
                    .hasMessageContaining("configured on the server");
        } finally {
            cloud.dns().delete(zone, name, RecordType.AAAA);
        }
    }

    @Test
    void withStaticZoneAdministrationCreatingAZoneTheServerLacksSaysWhatToDo() {
        Cloud staticSite = OnPremTestEnvironment.open("sites { s { provider = onprem, region = dc-test, dns { server = \""
                + bind.address() + "\", tsig { name = " + bind.tsigKeyName() + ", secret = \"literal:" + bind.tsigSecret()
                + "\" }, zones = " + BindServer.STATIC_ZONE + " } } }").site("s");
        try (staticSite) {
            assertThat(staticSite.dns().createZone(BindServer.STATIC_ZONE).name()).isEqualTo(BindServer.STATIC_ZONE + ".");
            assertThatThrownBy(() -> staticSite.dns().createZone("not-on-the-server.example.org"))
                    .isInstanceOf(UnsupportedCapabilityException.class)
                    .hasMessageContaining("not-on-the-server.example.org")
                    .hasMessageContaining("dns.zone-admin");
        }
    }

    @Test
    void aWrongTsigKeyIsUnauthorizedAndTheKeyIsNotInTheMessage() {
        byte[] wrong = new byte[32];
        wrong[0] = 1;
        String wrongSecret = Base64.getEncoder().encodeToString(wrong);
        Cloud wrongKey = OnPremTestEnvironment.open("sites { w { provider = onprem, region = dc-test, dns { server = \""
                + bind.address() + "\", tsig { name = " + bind.tsigKeyName() + ", secret = \"literal:" + wrongSecret
                + "\" } } } }").site("w");
        try (wrongKey) {
            String zone = BindServer.STATIC_ZONE;
            List<Throwable> errors = new ArrayList<>();
            assertThatThrownBy(() -> wrongKey.dns().upsert(zone, RecordSet.of("x." + zone, RecordType.A,
                    Duration.ofSeconds(60), "192.0.2.1")))
                    .isInstanceOfSatisfying(UnauthorizedException.class, errors::add)
                    .hasMessageContaining("TSIG");
            assertThat(errors.get(0).toString()).doesNotContain(wrongSecret).doesNotContain(bind.tsigSecret());
        }
    }
}
