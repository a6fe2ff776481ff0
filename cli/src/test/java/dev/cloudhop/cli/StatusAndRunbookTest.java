package dev.cloudhop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.drill.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status}, {@code failover} and {@code failback} on three on-prem sites whose blob stores are directories: each
 * command is a separate facade (as a separate process would be), so what one does, the next reads from the sites.
 */
class StatusAndRunbookTest {

    @TempDir
    Path dir;

    private Path conf;

    @BeforeEach
    void writeConfig() throws IOException {
        conf = dir.resolve("onprem.conf");
        Files.writeString(conf, """
                sites {
                  a { provider = onprem, region = dc1, blob.directory = "%1$s/a" }
                  b { provider = onprem, region = dc2, blob.directory = "%1$s/b" }
                  c { provider = onprem, region = dc3, blob.directory = "%1$s/c" }
                }
                failover {
                  priority = [a, b, c]
                  critical-services = [blob]
                  probe { interval = 200 ms, timeout = 2 s, tolerated-failures = 1 }
                  replication { journal.directory = "%1$s/journal", rpo-budget = 1 h }
                  capture.directory = "%1$s/capture"
                }
                """.formatted(dir));
    }

    @Test
    void failoverThenFailbackMoveTheFleetAndStatusReadsItFromTheSites() {
        Cli.Result fresh = Cli.run("status", conf.toString());
        assertThat(fresh.code()).as(fresh.toString()).isZero();
        assertThat(fresh.out()).contains("active site: a (no fence on any site yet")
                .containsPattern("a \\*\\s+onprem\\s+up\\s+-\\s+-\\s+-\\s+none")
                .contains("no journal at " + dir.resolve("journal"))
                .contains("coordination: single");

        Cli.Result dry = Cli.run("failover", conf.toString(), "--to", "b", "--dry-run");
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("plan: failover a -> b, epoch 1 -> 2", "a planned move (a is healthy)",
                " 4. fence", "provision            (skipped: topology is not redeploy)", "dry run: nothing changed");
        assertThat(Cli.run("status", conf.toString()).out()).contains("epoch: 1").contains("active site: a ");

        Cli.Result failover = Cli.run("failover", conf.toString(), "--to", "b");
        assertThat(failover.code()).as(failover.toString()).isZero();
        assertThat(failover.out()).contains("started: manual failover to b")
                .containsPattern("ok\\s+fence\\s+\\d+ ms\\s+epoch 2")
                .contains("clients now go to b (epoch 2)")
                .containsPattern("ok\\s+verify")
                .contains("failover a -> b: ok, epoch 2");

        Cli.Result moved = Cli.run("status", conf.toString());
        assertThat(moved.code()).as(moved.toString()).isZero();
        assertThat(moved.out()).contains("active site: b   epoch: 2   (fence on 3 of 3 sites)")
                .containsPattern("b \\*\\s+onprem\\s+up\\s+-\\s+-\\s+-\\s+epoch 2 -> b");

        Cli.Result again = Cli.run("failover", conf.toString(), "--to", "b");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("b is already the active site (epoch 2); nothing to do");

        Cli.Result failback = Cli.run("failback", conf.toString(), "--progress", "plain");
        assertThat(failback.code()).as(failback.toString()).isZero();
        assertThat(failback.out()).contains("plan: failback b -> a, epoch 2 -> 3").contains("failback b -> a: ok, epoch 3");
        assertThat(Cli.run("status", conf.toString()).out()).contains("active site: a   epoch: 3   (fence on 3 of 3 sites)");
    }

    @Test
    void statusReadsTheBacklogOfAnApplicationRunningMeanwhile() {
        // the application: its own facade, holding the replication journal's lock, with site c refusing blob writes
        try (FailoverCloud app = FailoverCloud.open(conf)) {
            app.switchboard().inject("c", dev.cloudhop.failover.Service.BLOB, Fault.unavailable());
            app.blobs().createContainer("orders");
            for (int i = 0; i < 3; i++) {
                app.blobs().put(BlobId.of("orders", "o" + i), BlobContent.ofUtf8("order " + i));
            }
            app.awaitIdle(java.time.Duration.ofSeconds(10));
            Cli.Result r = Cli.run("status", conf.toString());
            assertThat(r.code()).as(r.toString()).isZero();
            assertThat(r.out()).contains("replication (async, RPO budget 3600000 ms, journal " + dir.resolve("journal") + ")")
                    .containsPattern("c\\s+\\d writes")
                    .containsPattern("a\\s+0 writes\\s+0 ms");
            assertThat(app.replicationBacklog("c")).isPositive();
        }
    }

    @Test
    void withSitesCoordinationStatusShowsTheRegisterAMajorityHolds() throws IOException {
        Files.writeString(conf, Files.readString(conf).replace("capture.directory",
                "coordination { kind = sites, lease = 2 s }\n  capture.directory"));
        Cli.Result failover = Cli.run("failover", conf.toString(), "--to", "c", "--progress", "bar");
        assertThat(failover.code()).as(failover.toString()).isZero();
        // the bar is redrawn in place and removed before the outcome
        assertThat(failover.out()).contains("\r").containsPattern("\\] runbook \\d+/\\d+ steps")
                .contains("failover a -> c: ok, epoch 2");
        Cli.Result r = Cli.run("status", conf.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("active site: c   epoch: 2")
                .contains("coordination: sites; register (epoch site): '2 c' on 3 of 3 (decided)")
                .contains("runbook lease: ");
    }

    @Test
    void watchRefreshesABoundedNumberOfTimes() {
        Cli.Result r = Cli.run("status", conf.toString(), "--watch", "1", "--count", "2");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().split("cloudhop status of ", -1)).hasSize(3);
        assertThat(Cli.run("status", conf.toString(), "--watch", "0").code()).isEqualTo(2);
        assertThat(Cli.run("status", conf.toString(), "--count", "2").err()).contains("--count needs --watch");
    }

    @Test
    void aSiteThatDoesNotAnswerIsDownWithTheReasonAndExitOne() throws IOException {
        // a blob directory that is a file: the site's blob store fails
        Files.writeString(dir.resolve("c"), "not a directory");
        Cli.Result r = Cli.run("status", conf.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("problems:").containsPattern("  c blob (DOWN|ERROR): ");
    }

    @Test
    void failoverToAnUnknownSiteOrWithoutAFailoverSectionNamesIt() throws IOException {
        Cli.Result unknown = Cli.run("failover", conf.toString(), "--to", "z");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: --to z: no such site in " + conf);
        Path plain = dir.resolve("plain.conf");
        Files.writeString(plain, "sites { a { provider = local, region = r } }\n");
        Cli.Result none = Cli.run("failback", plain.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).startsWith("error: " + plain + ": failover: missing; failback needs a failover section");
        Cli.Result missing = Cli.run("failover", conf.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--to=SITE'");
    }
}
