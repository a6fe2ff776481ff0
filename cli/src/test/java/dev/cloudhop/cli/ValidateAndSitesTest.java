package dev.cloudhop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate}, {@code sites} and the shared error handling, end to end through picocli. */
class ValidateAndSitesTest {

    @TempDir
    Path dir;

    static final String GOOD = """
            sites {
              azure  { provider = local, region = westeurope }
              aws    { provider = local, region = us-east-1 }
              onprem { provider = onprem, region = dc1, blob.directory = "%s" }
            }
            failover {
              priority = [azure, aws, onprem]
              critical-services = [blob]
              dns { zone = shop.example.com, record = www.shop.example.com, sites = [onprem],
                    endpoints { azure = "10.0.0.10", aws = "10.1.0.10", onprem = "192.168.0.10" } }
            }
            """;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private Path good() throws IOException {
        return write("good.conf", GOOD.formatted(dir.resolve("blobs")));
    }

    @Test
    void validateAcceptsAGoodConfigurationAndSaysWhatItHolds() throws IOException {
        Path conf = good();
        Cli.Result r = Cli.run("validate", conf.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains(conf + ": ok: 3 sites").contains("onprem: onprem")
                .contains("failover priority [azure, aws, onprem]");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void validateReportsEveryProblemAtOnceOneLineEachNamingTheFileAndTheKey() throws IOException {
        Path conf = write("bad.conf", """
                sites {
                  azure { provider = locl, region = westeurope }
                  aws   { provider = local }
                }
                colour = blue
                failover {
                  priority = [azure, gcp]
                  probe.interval = soon
                }
                """);
        Cli.Result r = Cli.run("validate", conf.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList())
                .anySatisfy(l -> assertThat(l).startsWith(conf + ": colour: unknown key"))
                .anySatisfy(l -> assertThat(l).startsWith(conf + ": sites.azure.provider: unknown provider 'locl'")
                        .contains("did you mean 'local'?"))
                .anySatisfy(l -> assertThat(l).startsWith(conf + ": sites.aws.region: "))
                // the failover section's problems too, although the sites have problems of their own
                .anySatisfy(l -> assertThat(l).startsWith(conf + ": failover.priority").contains("gcp"))
                .anySatisfy(l -> assertThat(l).startsWith(conf + ": failover.probe.interval"))
                .last().asString().endsWith("problems in " + conf);
        assertThat(r.err().lines().filter(l -> l.startsWith(conf + ": ")).count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void validateChecksTheFailoverSectionAgainstTheSites() throws IOException {
        Path conf = write("failover.conf", """
                sites { a { provider = local, region = r1 }, b { provider = local, region = r2 } }
                failover { priority = [a, gcp], probe.interval = soon }
                """);
        Cli.Result r = Cli.run("validate", conf.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains(conf + ": failover.priority").contains("gcp")
                .contains(conf + ": failover.probe.interval");
    }

    @Test
    void aMissingFileIsOneLineNamingIt() {
        Path missing = dir.resolve("nope.conf");
        for (String command : new String[] {"validate", "sites", "status"}) {
            Cli.Result r = Cli.run(command, missing.toString());
            assertThat(r.code()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains(missing + ": : configuration file not found");
            assertThat(r.err().lines().count()).as(r.toString()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void sitesListsProvidersRolesServicesAndCapabilities() throws IOException {
        Cli.Result r = Cli.run("sites", good().toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList())
                .anySatisfy(l -> assertThat(l).matches("azure\\s+local\\s+westeurope\\s+primary\\s+yes\\s+yes\\s+yes\\s+yes"))
                .anySatisfy(l -> assertThat(l).matches("aws\\s+local\\s+us-east-1\\s+failover #1\\s+yes.*"))
                .anySatisfy(l -> assertThat(l).matches("onprem\\s+onprem\\s+dc1\\s+failover #2, dns\\s+yes.*"))
                .anySatisfy(l -> assertThat(l).contains("azure: blob, blob-conditional-write"))
                .anySatisfy(l -> assertThat(l).startsWith("failover: active-passive, priority azure > aws > onprem"));
    }

    @Test
    void secretsAreNeverPrinted() throws IOException {
        Path conf = write("secret.conf", """
                sites {
                  aws { provider = aws, region = us-east-1, endpoint = "http://127.0.0.1:1"
                        credentials { access-key = "literal:AKIDEXAMPLE", secret-key = "literal:s3cr3t-value-xyz" } }
                }
                """);
        for (String command : new String[] {"validate", "sites"}) {
            Cli.Result r = Cli.run(command, conf.toString());
            assertThat(r.code()).as(r.toString()).isZero();
            assertThat(r.out() + r.err()).doesNotContain("s3cr3t-value-xyz").doesNotContain("AKIDEXAMPLE");
        }
    }

    @Test
    void usageErrorsExitWithTwoAndVerboseAddsTheStackTrace() throws IOException {
        Cli.Result r = Cli.run("validate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: 'CONF'");
        Cli.Result unknown = Cli.run("explode", "x.conf");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched arguments");

        Path conf = good();
        Cli.Result quiet = Cli.run("failover", conf.toString(), "--to", "gcp");
        assertThat(quiet.code()).isEqualTo(1);
        assertThat(quiet.err().strip()).isEqualTo("error: --to gcp: no such site in " + conf
                + "; configured sites: aws, azure, onprem");
        Cli.Result verbose = Cli.run("failover", conf.toString(), "--to", "gcp", "--verbose");
        assertThat(verbose.code()).isEqualTo(1);
        assertThat(verbose.err()).startsWith("error: --to gcp: no such site").contains("at dev.cloudhop.cli.");
    }

    @Test
    void helpListsEveryCommand() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("validate", "sites", "status", "failover", "failback", "drill", "tck");
    }
}
