package dev.cloudhop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code drill} and {@code tck} on in-memory local sites, end to end through picocli. */
class DrillAndTckTest {

    @TempDir
    Path dir;

    private Path conf;

    @BeforeEach
    void writeConfig() throws IOException {
        conf = dir.resolve("local.conf");
        Files.writeString(conf, """
                sites {
                  azure  { provider = local, region = westeurope }
                  aws    { provider = local, region = us-east-1 }
                }
                failover {
                  priority = [azure, aws]
                  critical-services = [blob]
                  probe { interval = 100 ms, timeout = 500 ms, tolerated-failures = 2 }
                  passive.consecutive-failures = 3
                  client-wait = 2 s
                  call-timeout = 1 s
                  replication { mode = async, rpo-budget = 2 s }
                }
                """);
    }

    @Test
    void aRegionOutageDrillFailsOverUnderTheBlobWorkloadAndWritesTheJsonReport() throws IOException {
        Path report = dir.resolve("reports/outage.json");
        Cli.Result r = Cli.run("drill", conf.toString(), "region-outage", "--site", "azure", "--before", "500ms",
                "--fault-for", "2s", "--after", "500ms", "--report", report.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("drill region-outage: every service of azure unavailable; active site azure, epoch 1")
                .contains("failover azure -> aws started")
                .contains("active site: azure -> aws")
                .containsPattern("acknowledged: [1-9]\\d*")
                .contains("lost: 0")
                .contains("report: " + report + " and " + dir.resolve("reports/outage.html"));
        String json = Files.readString(report);
        assertThat(json).startsWith("{").contains("\"scenario\":\"region-outage\"").contains("\"siteAfter\":\"aws\"")
                .contains("\"lost\":0");
        assertThat(Files.readString(dir.resolve("reports/outage.html"))).startsWith("<!DOCTYPE html>").contains("<svg")
                .contains("region-outage");
    }

    @Test
    void aPlannedMoveWithoutWorkload() {
        Cli.Result r = Cli.run("drill", conf.toString(), "planned-move", "--site", "azure", "--workload", "none",
                "--before", "200ms", "--fault-for", "500ms", "--after", "200ms");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("manual failover azure -> aws (planned)").contains("RPO: 0 writes")
                .contains("active site: azure -> aws");
    }

    @Test
    void drillRejectsBadInputWithOneLineNamingIt() {
        Cli.Result html = Cli.run("drill", conf.toString(), "region-outage", "--site", "azure", "--report", "x.txt");
        assertThat(html.code()).isEqualTo(1);
        assertThat(html.err().strip()).isEqualTo("error: --report x.txt: name a .json or .html file (both are written, side by side)");
        Cli.Result scenario = Cli.run("drill", conf.toString(), "meteor", "--site", "azure");
        assertThat(scenario.code()).isEqualTo(1);
        assertThat(scenario.err()).startsWith("error: unknown scenario 'meteor'; scenarios: region-outage");
        Cli.Result site = Cli.run("drill", conf.toString(), "region-outage", "--site", "gcp");
        assertThat(site.code()).isEqualTo(1);
        assertThat(site.err()).startsWith("error: --site gcp: no such site in " + conf + "; configured sites: aws, azure");
    }

    @Test
    void tckRunsTheContractSuitesAgainstAConfiguredSite() {
        Cli.Result r = Cli.run("tck", conf.toString(), "--site", "aws", "--service", "blob,dns", "--large-blob", "1048576");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("tck: site aws (provider local, region us-east-1), services blob, dns");
        assertThat(r.out().lines().toList())
                .anySatisfy(l -> assertThat(l).matches("blob\\s+[1-9]\\d*\\s+0\\s+\\d+"))
                .anySatisfy(l -> assertThat(l).matches("dns\\s+[1-9]\\d*\\s+0\\s+\\d+"))
                .anySatisfy(l -> assertThat(l).matches("total\\s+[1-9]\\d*\\s+0\\s+\\d+"));
    }

    @Test
    void tckComputeNeedsAnImageAndSizeToLaunchNodes() {
        Cli.Result skipped = Cli.run("tck", conf.toString(), "--site", "aws", "--service", "compute");
        assertThat(skipped.code()).as(skipped.toString()).isZero();
        assertThat(skipped.out()).contains("compute: (suite): no image and size of nodes to launch: give --image and --size");
        // jclouds' stub compute catalogue: image 57, hardware small
        Cli.Result r = Cli.run("tck", conf.toString(), "--site", "aws", "--service", "compute", "--image", "57", "--size", "small");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).anySatisfy(l -> assertThat(l).matches("compute\\s+[1-9]\\d*\\s+0\\s+\\d+"));
    }

    @Test
    void tckRejectsAnUnknownSiteOrService() {
        Cli.Result site = Cli.run("tck", conf.toString(), "--site", "gcp");
        assertThat(site.code()).isEqualTo(1);
        assertThat(site.err()).startsWith("error: --site gcp: no such site in " + conf);
        Cli.Result service = Cli.run("tck", conf.toString(), "--site", "aws", "--service", "ftp");
        assertThat(service.code()).isEqualTo(1);
        assertThat(service.err().strip()).isEqualTo("error: --service ftp: use blob, queue, dns, compute, errors");
    }
}
