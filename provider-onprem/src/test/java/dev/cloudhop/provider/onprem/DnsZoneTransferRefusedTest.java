package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.testing.BindServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Listing a zone whose server refuses the transfer: a zone added to the test BIND over its control channel with
 * {@code allow-transfer { none; }} (updates still allowed for the key). Updates and queries work; {@code list}
 * is an {@link UnauthorizedException} naming the zone and what to allow, without the key in it.
 */
class DnsZoneTransferRefusedTest {

    private final BindServer bind = OnPremTestEnvironment.bind();

    @Test
    void aRefusedZoneTransferIsUnauthorizedAndSaysWhatToAllow() throws Exception {
        String zone = "no-axfr-" + Long.toHexString(System.nanoTime()) + ".test";
        Path file = bind.zoneDirectory().resolve(zone + ".no-axfr.db");
        Files.writeString(file, Rfc2136DnsService.zoneFile(zone + ".", "localhost."), StandardCharsets.US_ASCII);
        RndcClient rndc = new RndcClient(new InetSocketAddress("127.0.0.1", bind.controlPort()), "hmac-sha256",
                bind.controlSecret(), Duration.ofSeconds(5));
        rndc.call("addzone " + zone + " { type primary; file \"" + file + "\"; allow-update { key \""
                + bind.tsigKeyName() + "\"; }; allow-transfer { none; }; };");
        Cloud site = OnPremTestEnvironment.open("sites { refusing { provider = onprem, region = dc-test, dns { server = \""
                + bind.address() + "\", tsig { name = " + bind.tsigKeyName() + ", secret = \"literal:" + bind.tsigSecret()
                + "\" }, zones = \"" + zone + "\" } } }").site("refusing");
        try (site) {
            awaitServed(site, zone);
            RecordSet www = RecordSet.of("www." + zone, RecordType.A, Duration.ofSeconds(60), "192.0.2.7");
            site.dns().upsert(zone, www);
            assertThat(site.dns().get(zone, "www." + zone, RecordType.A)).as("a query still answers").isPresent();

            List<Throwable> errors = new ArrayList<>();
            assertThatThrownBy(() -> site.dns().list(zone).toList())
                    .isInstanceOfSatisfying(UnauthorizedException.class, errors::add)
                    .hasMessageContaining(zone)
                    .hasMessageContaining("refused")
                    .hasMessageContaining("allow-transfer");
            assertThat(errors.get(0).toString()).doesNotContain(bind.tsigSecret());
        } finally {
            rndc.call("delzone -clean " + zone);
        }
    }

    /** Waits (up to 10 s) until the server answers authoritatively for the zone it has just loaded. */
    private static void awaitServed(Cloud site, String zone) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(site.dns().zone(zone)).as("zone %s served", zone).isPresent());
    }
}
