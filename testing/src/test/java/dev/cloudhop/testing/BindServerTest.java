package dev.cloudhop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BindServerTest {

    @Test
    void servesItsStaticZoneOnAFreeLoopbackPortAndStops() {
        try (BindServer bind = BindServer.start()) {
            assertThat(bind.port()).isPositive();
            assertThat(bind.startupTime()).isPositive();

            String soa = bind.dig("+short", BindServer.STATIC_ZONE, "SOA");

            assertThat(soa).as("SOA of the static zone; log:%n%s", bind.logTail(20))
                    .contains("ns." + BindServer.STATIC_ZONE + ".");
            assertThat(bind.dig("+short", "ns." + BindServer.STATIC_ZONE, "A")).contains("127.0.0.1");
            bind.close();
            assertThat(bind.process().isAlive()).isFalse();
        }
    }
}
