package dev.cloudhop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.samples.crosscloud.EmulatedSites;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code status}, {@code failover} and {@code failback} against the real emulated sites of the demo: Azurite (azure),
 * LocalStack (aws: S3, SQS, Route 53, EC2) and the on-prem servers (files, Artemis, BIND, sshd), started on free
 * loopback ports and stopped afterwards. The DNS record is checked with dig against BIND, not through Cloudhop.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class EmulatedSitesCliTest {

    private static EmulatedSites env;
    private static Path conf;

    @BeforeAll
    static void startSites() {
        env = EmulatedSites.start(EmulatedSites.Aws.LOCALSTACK);
        conf = env.config(EmulatedSites.failoverSection("manual"));
        // what the application's set-up does (CrossCloudDemo.prepareDns): the zone and the record, pointing at azure
        try (Sites sites = Cloudhop.open(conf, Map.of())) {
            for (String site : new String[] {"onprem", "aws"}) {
                sites.site(site).dns().createZone(EmulatedSites.ZONE);
                sites.site(site).dns().upsert(EmulatedSites.ZONE, RecordSet.of(EmulatedSites.RECORD, RecordType.A,
                        Duration.ofSeconds(30), EmulatedSites.ENDPOINTS.get("azure")));
            }
        }
    }

    @AfterAll
    static void stopSites() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void statusFailoverAndFailbackOnAzuriteLocalStackAndOnPrem() {
        Cli.Result before = Cli.run("status", conf.toString(), "--timeout", "30s");
        // blob (the critical service) answers on every site; the others are shown as they are: on a loaded machine
        // a first EC2 call can outlast the site's own 2 s read timeout, and azure has no ARM credentials (DNS, compute)
        String state = "(up|DOWN|ERROR)";
        assertThat(before.out()).contains("active site: azure")
                .containsPattern("azure \\*\\s+azure\\s+up\\s+" + state + "\\s+" + state + "\\s+" + state + "\\s+none")
                .containsPattern("aws\\s+aws\\s+up\\s+" + state + "\\s+" + state + "\\s+" + state + "\\s+none")
                .containsPattern("onprem\\s+onprem\\s+up\\s+" + state + "\\s+" + state + "\\s+" + state + "\\s+none")
                .contains("azure dns ERROR: dns.zone.list on site azure (azure, westeurope): site azure is not configured "
                        + "for Azure Resource Manager");

        Cli.Result failover = Cli.run("failover", conf.toString(), "--to", "aws");
        assertThat(failover.code()).as(failover.toString()).isZero();
        assertThat(failover.out()).contains("plan: failover azure -> aws")
                .containsPattern("ok\\s+provision")
                .containsPattern("ok\\s+switch-dns")
                .contains("failover azure -> aws: ok");
        assertThat(env.digRecord()).contains(EmulatedSites.ENDPOINTS.get("aws"));

        Cli.Result moved = Cli.run("status", conf.toString(), "--timeout", "30s");
        assertThat(moved.out()).containsPattern("active site: aws   epoch: \\d+   \\(fence on 3 of 3 sites\\)")
                .containsPattern("aws \\*\\s+aws\\s+up");

        Cli.Result failback = Cli.run("failback", conf.toString());
        assertThat(failback.code()).as(failback.toString()).isZero();
        assertThat(failback.out()).contains("plan: failback aws -> azure").contains("failback aws -> azure: ok");
        assertThat(env.digRecord()).contains(EmulatedSites.ENDPOINTS.get("azure"));
        Cli.Result back = Cli.run("status", conf.toString(), "--timeout", "30s");
        assertThat(back.out()).containsPattern("active site: azure   epoch: \\d+   \\(fence on 3 of 3 sites\\)");
    }
}
