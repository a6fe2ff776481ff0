package dev.cloudhop.api.naming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PortableNamesTest {

    private final PortableNames all = PortableNames.of(List.of(NamingRules.AWS, NamingRules.AZURE, NamingRules.ONPREM));

    @Test
    void recordNamesFollowTheDnsRulesOfEveryService() {
        assertThat(all.check(NameKind.RECORD, "www.shop.example.com.").valid()).isTrue();
        assertThat(all.check(NameKind.RECORD, "*.shop.example.com").valid()).isTrue();
        assertThat(all.check(NameKind.RECORD, "_dmarc.shop.example.com").valid()).isTrue();
        assertThat(all.check(NameKind.RECORD, "a..example.com").message()).contains("no empty label");
        assertThat(all.check(NameKind.RECORD, "x" + "y".repeat(63) + ".example.com").message()).contains("at most 63 octets");
        assertThat(all.check(NameKind.RECORD, "www.*.example.com").message()).contains("'*' only as the whole leftmost label");
        assertThat(all.check(NameKind.RECORD, "shop example.com").violations())
                .extracting(PortableNames.NameCheck.Violation::provider).containsExactlyInAnyOrder("aws", "azure", "onprem");
    }

    @Test
    void aLowerCaseHyphenatedContainerIsValidEverywhere() {
        assertThat(all.check(NameKind.CONTAINER, "orders-2026").valid()).isTrue();
    }

    @Test
    void saysWhichProviderRejectsANameAndWhy() {
        PortableNames.NameCheck check = all.check(NameKind.CONTAINER, "My_Bucket");
        assertThat(check.valid()).isFalse();
        assertThat(check.violations()).extracting(PortableNames.NameCheck.Violation::provider)
                .contains("aws", "azure").doesNotContain("onprem");
        assertThat(check.message()).contains("'My_Bucket'", "aws: S3 bucket names hold only", "azure: Azure container names hold only");
    }

    @Test
    void dotsInContainersAreFineOnAwsButNotOnAzure() {
        PortableNames.NameCheck check = all.check(NameKind.CONTAINER, "www.example.com");
        assertThat(check.violations()).extracting(PortableNames.NameCheck.Violation::provider).containsExactly("azure");
    }

    @Test
    void queueNamesDifferBetweenSqsAndAzure() {
        assertThat(PortableNames.of(List.of(NamingRules.AWS)).check(NameKind.QUEUE, "Orders_FIFO").valid()).isTrue();
        assertThat(all.check(NameKind.QUEUE, "Orders_FIFO").violations())
                .extracting(PortableNames.NameCheck.Violation::provider).containsOnly("azure").hasSize(2);
    }

    @Test
    void pathTraversalInBlobNamesIsRejectedOnPrem() {
        assertThat(all.check(NameKind.BLOB, "a/../../etc/passwd").violations())
                .extracting(PortableNames.NameCheck.Violation::provider).containsExactly("onprem");
    }

    @Test
    void blobNamesAreMeasuredInUtf8BytesOnS3() {
        String name = String.join("/", java.util.Collections.nCopies(6, "é".repeat(100))); // 605 characters, 1205 bytes
        assertThat(all.check(NameKind.BLOB, name).violations())
                .extracting(PortableNames.NameCheck.Violation::provider).containsExactly("aws");
    }

    @Test
    void localEnforcesTheIntersection() {
        assertThat(NamingRules.LOCAL.violations(NameKind.CONTAINER, "www.example.com")).isNotEmpty();
        assertThat(NamingRules.LOCAL.violations(NameKind.BLOB, "dir/")).isNotEmpty();
        assertThat(NamingRules.LOCAL.violations(NameKind.BLOB, "unicode/日本語.txt")).isEmpty();
    }
}
