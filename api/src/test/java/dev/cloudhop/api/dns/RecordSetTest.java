package dev.cloudhop.api.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordSetTest {

    @Test
    void namesAreNormalisedToLowerCaseAbsoluteNames() {
        RecordSet set = RecordSet.of("WWW.Example.com", RecordType.CNAME, Duration.ofSeconds(60), "Shop.Example.COM");
        assertThat(set.name()).isEqualTo("www.example.com.");
        assertThat(set.values()).containsExactly("shop.example.com.");
    }

    @Test
    void invalidAddressesAreNamed() {
        assertThatThrownBy(() -> RecordSet.of("a.example.com", RecordType.A, Duration.ofSeconds(1), "10.0.0.256"))
                .hasMessageContaining("'10.0.0.256' is not an IPv4 address");
        assertThatThrownBy(() -> RecordSet.of("a.example.com", RecordType.AAAA, Duration.ofSeconds(1), "10.0.0.1"))
                .hasMessageContaining("not an IPv6 address");
    }

    @Test
    void ipv6IsNormalised() {
        assertThat(RecordSet.of("a.example.com", RecordType.AAAA, Duration.ZERO, "2001:DB8:0:0:0:0:0:1").values())
                .containsExactly("2001:db8::1");
        assertThat(RecordSet.compressIpv6("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(RecordSet.compressIpv6("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(RecordSet.compressIpv6("fe80:0:0:1:0:0:0:2")).isEqualTo("fe80:0:0:1::2");
        assertThat(RecordSet.compressIpv6("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2:3:4:5:6");
    }

    @Test
    void cnameTakesExactlyOneValue() {
        assertThatThrownBy(() -> new RecordSet("a.example.com", RecordType.CNAME, Duration.ofSeconds(1), List.of("b.example.com", "c.example.com")))
                .hasMessageContaining("exactly one value");
    }

    @Test
    void txtValuesAreLimitedTo255Characters() {
        assertThatThrownBy(() -> RecordSet.of("a.example.com", RecordType.TXT, Duration.ofSeconds(1), "x".repeat(256)))
                .hasMessageContaining("256 characters");
    }

    @Test
    void ttlMustBeWholeSeconds() {
        assertThatThrownBy(() -> RecordSet.of("a.example.com", RecordType.A, Duration.ofMillis(1500), "10.0.0.1"))
                .hasMessageContaining("whole seconds");
    }

    @Test
    void badNamesAreRejected() {
        assertThatThrownBy(() -> DnsNames.normalize("a..b")).hasMessageContaining("empty label");
        assertThatThrownBy(() -> DnsNames.normalize("a b.com")).hasMessageContaining("contains ' '");
        assertThat(DnsNames.isInZone("www.example.com.", "example.com.")).isTrue();
        assertThat(DnsNames.isInZone("wwwexample.com.", "example.com.")).isFalse();
    }
}
