package dev.cloudhop.samples.crosscloud;

import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.testing.AzuriteServer;
import dev.cloudhop.testing.BindServer;
import dev.cloudhop.testing.EmulatorServer;
import dev.cloudhop.testing.LocalStackServer;
import dev.cloudhop.testing.MotoServer;
import dev.cloudhop.testing.SshdServer;
import dev.cloudhop.testing.TcpEdge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Three real sites on this machine, the way the DR guide draws them: <b>azure</b> (Azurite, Blob and Queue
 * storage, data on disk so that it survives a {@code SIGKILL}), <b>aws</b> (LocalStack 4.14 in host mode, or
 * moto: S3, SQS, Route 53, EC2) and <b>onprem</b> (a blob directory, an embedded ActiveMQ Artemis broker,
 * BIND 9 with TSIG-signed RFC 2136 updates, and an SSH inventory of machines for compute). Everything
 * listens on free loopback ports and is stopped by {@link #close()}.
 *
 * <p>Azure's endpoints go through a {@link TcpEdge}, a forwarding process standing for the region's network
 * edge: a region outage {@code SIGKILL}s it (connections refused) while Azurite keeps every write it
 * acknowledged, as Azure's replicated storage would; killing Azurite itself would drop up to 5 s of
 * acknowledged writes (it saves its metadata every 5 s). A network outage {@code SIGSTOP}s the emulators
 * themselves.
 *
 * <p>{@link #config(String)} writes the one configuration file that names the three sites with their
 * providers and endpoints; the application then opens it like any other. The disaster methods act on
 * the real processes: {@linkplain #kill(String) SIGKILL} (connections refused) and
 * {@linkplain #freeze(String) SIGSTOP} (every call hangs until the client's timeout).
 */
public final class EmulatedSites implements AutoCloseable {

    /** The zone the failover's DNS record lives in: static on BIND, a hosted zone on Route 53. */
    public static final String ZONE = BindServer.STATIC_ZONE;

    /** The application's DNS name that the runbook switches. */
    public static final String RECORD = "www." + ZONE;

    /** The address each site's deployment answers on (the record's value while that site is active). */
    public static final Map<String, String> ENDPOINTS = Map.of("azure", "10.0.0.10", "aws", "10.1.0.10", "onprem", "192.168.0.10");

    /** Which emulator plays AWS. */
    public enum Aws {
        /** LocalStack 4.14.0 in host mode. */
        LOCALSTACK,
        /** moto server 5.1. */
        MOTO;

        /** From {@code localstack} or {@code moto}. */
        public static Aws of(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown AWS emulator '" + name + "'; use localstack or moto", e);
            }
        }
    }

    private static final int MACHINES = 4;

    /**
     * jclouds logs every request that fails after its retries at SEVERE through java.util.logging; in a
     * disaster drill that is thousands of expected lines. The facade reports outages as events instead.
     * (Held in a field: java.util.logging keeps loggers only weakly.)
     */
    private static final java.util.logging.Logger JCLOUDS_LOG = java.util.logging.Logger.getLogger("org.jclouds");

    static {
        JCLOUDS_LOG.setLevel(java.util.logging.Level.OFF);
    }

    private final Aws awsKind;
    private final AzuriteServer azurite;
    private final TcpEdge azureEdge;
    private final EmulatorServer aws;
    private final BindServer bind;
    private final SshdServer sshd;
    private final Path work;
    private final Map<String, Duration> startup = new LinkedHashMap<>();

    private EmulatedSites(Aws awsKind, AzuriteServer azurite, TcpEdge azureEdge, EmulatorServer aws, BindServer bind,
                          SshdServer sshd, Path work) {
        this.awsKind = awsKind;
        this.azurite = azurite;
        this.azureEdge = azureEdge;
        this.aws = aws;
        this.bind = bind;
        this.sshd = sshd;
        this.work = work;
        startup.put("azurite", azurite.startupTime());
        startup.put("azure-edge", azureEdge.startupTime());
        startup.put(awsKind.name().toLowerCase(Locale.ROOT), aws.startupTime());
        startup.put("bind", bind.startupTime());
        startup.put("sshd", sshd.startupTime());
    }

    /**
     * Starts the servers in parallel (LocalStack takes 5-15 s, the others about a second). What did start is
     * stopped again if one fails.
     *
     * @throws IllegalStateException naming what is missing and how to install it ({@code bin/test} and
     *                               {@code bin/demo} install everything)
     */
    public static EmulatedSites start(Aws awsKind) {
        return start(awsKind, true);
    }

    /**
     * As {@link #start(Aws)}, with Azurite's data on disk ({@code durable}, so that Azurite itself survives a
     * {@code SIGKILL}) or in memory. Neither is a steady primary over minutes of traffic: durable Azurite slowed from
     * about 38 to 10 calls a second over a 10-minute soak as its blobs piled up, and in memory it stalled for 0.4-6 s
     * about a minute after its start (see the README's soak paragraph).
     */
    public static EmulatedSites start(Aws awsKind, boolean durableAzure) {
        CompletableFuture<AzuriteServer> azurite = async(durableAzure ? AzuriteServer::startDurable : AzuriteServer::start);
        CompletableFuture<EmulatorServer> aws = async(() -> awsKind == Aws.LOCALSTACK ? LocalStackServer.start() : MotoServer.start());
        CompletableFuture<BindServer> bind = async(BindServer::start);
        CompletableFuture<SshdServer> sshd = async(SshdServer::start);
        try {
            CompletableFuture.allOf(azurite, aws, bind, sshd).join();
            Path work = Files.createTempDirectory("cloudhop-crosscloud-");
            TcpEdge edge = TcpEdge.start("azure-edge", azurite.join().blobPort(), azurite.join().queuePort());
            return new EmulatedSites(awsKind, azurite.join(), edge, aws.join(), bind.join(), sshd.join(), work);
        } catch (CompletionException | IOException | IllegalStateException e) {
            for (CompletableFuture<? extends AutoCloseable> f : java.util.List.of(azurite, aws, bind, sshd)) {
                f.thenAccept(EmulatedSites::closeQuietly);
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }

    private static <T> CompletableFuture<T> async(Supplier<T> start) {
        return CompletableFuture.supplyAsync(start);
    }

    /** How long each server took to become ready. */
    public Map<String, Duration> startupTimes() {
        return Map.copyOf(startup);
    }

    /** The emulator playing AWS. */
    public Aws awsKind() {
        return awsKind;
    }

    /** The on-prem DNS server, for independent queries ({@link BindServer#dig}). */
    public BindServer bind() {
        return bind;
    }

    /**
     * The sites of the demo and the drills with the given {@code failover { ... }} section, written to a file
     * under this environment's work directory.
     */
    public Path config(String failoverSection) {
        Path file = work.resolve("crosscloud-" + System.nanoTime() + ".conf");
        try {
            Files.writeString(file, sites() + "\n" + failoverSection + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * The {@code sites} section. Request timeouts are short (2 s, one retry) so that a frozen server is
     * detected by the application's own calls within seconds, as the facade's {@code call-timeout} is for
     * switchboard blackholes.
     */
    public String sites() {
        Path onprem = dir("onprem-" + System.nanoTime());
        String awsEndpoint = (aws instanceof LocalStackServer l ? l.endpoint() : ((MotoServer) aws).endpoint()).toString();
        return "sites {\n"
                + "  azure {\n"
                + "    provider = azure, region = westeurope\n"
                + "    storage { account = " + AzuriteServer.ACCOUNT + ", key = \"literal:" + AzuriteServer.ACCOUNT_KEY + "\"\n"
                + "              blob-endpoint = \"http://127.0.0.1:" + azureEdge.port(0) + "/" + AzuriteServer.ACCOUNT + "\"\n"
                + "              queue-endpoint = \"http://127.0.0.1:" + azureEdge.port(1) + "/" + AzuriteServer.ACCOUNT + "\" }\n"
                + "    timeout = 2 s, retries = 1\n"
                + "  }\n"
                + "  aws {\n"
                + "    provider = aws, region = us-east-1, endpoint = \"" + awsEndpoint + "\"\n"
                + "    credentials { access-key = \"literal:test\", secret-key = \"literal:test\" }\n"
                + "    s3.conditional-writes = " + (awsKind == Aws.LOCALSTACK) + "\n"
                + "    timeouts { connect = 1 s, read = 2 s }, max-attempts = 2\n"
                + "  }\n"
                + "  onprem {\n"
                + "    provider = onprem, region = dc1\n"
                + "    blob.directory = \"" + dir(onprem, "blobs") + "\"\n"
                + "    queue.journal-directory = \"" + dir(onprem, "journal") + "\"\n"
                + "    dns { server = \"" + bind.address() + "\", zones = " + ZONE + ", timeout = 2 s\n"
                + "          tsig { name = " + bind.tsigKeyName() + ", secret = \"literal:" + bind.tsigSecret() + "\" } }\n"
                + "    compute { inventory = \"" + inventory(onprem) + "\"\n"
                + "              ssh { user = " + sshd.user() + ", private-key = \"file:" + sshd.clientKey() + "\"\n"
                + "                    known-hosts = \"" + sshd.knownHostsFile() + "\" } }\n"
                + "  }\n"
                + "}\n";
    }

    /**
     * The failover section of the demo: Azure first, then AWS, then on-prem; the redeploy topology (EC2
     * instances on AWS, inventory machines on-prem are provisioned by the runbook; Azure runs a standing
     * deployment); the DNS record switched on BIND (RFC 2136) and on Route 53; async replication.
     *
     * @param failback {@code manual} or {@code automatic}
     */
    public static String failoverSection(String failback) {
        return """
                failover {
                  topology = redeploy
                  priority = [azure, aws, onprem]
                  automatic = true
                  failback = %s
                  critical-services = [blob]
                  probe { interval = 200 ms, timeout = 1 s, tolerated-failures = 2 }
                  passive.consecutive-failures = 3
                  client-wait = 5 s
                  call-timeout = 2 s
                  dns {
                    zone = %s
                    record = %s
                    ttl = 30 s
                    sites = [onprem, aws]
                    endpoints { azure = "%s", aws = "%s", onprem = "%s" }
                  }
                  # a failback pre-syncs (clients working, each write waiting for its copy) until 20 writes are
                  # behind, then pauses writes at most 4 s (under client-wait) to drain the rest, or is aborted.
                  # With 100 left, a loaded 2-core machine (a CI run beside a benchmark) could not verify them all
                  # at Azurite within the 4 s, and the failback was aborted.
                  # No reconciliation before a move: each drill opens a new facade without a journal, so the
                  # deletes a drill leaves owed to Azurite pile up there, and repairing thousands of them on a
                  # loaded 2-core machine outlasts a drill (ReconcileOnEmulatorsTest covers reconciliation here)
                  replication { mode = async, rpo-budget = 2 s, presync-timeout = 60 s, presync-threshold = 20,
                                max-pause = 4 s, reconcile-before-move = false }
                  redeploy {
                    group = shop-web, count = 2, standing = [azure]
                    image = debian-12, size = small
                    sites { aws { image = "us-east-1/ami-785db401", size = t2.micro } }
                  }
                  capabilities { ordering = [queue, blob], catalog = [blob] }
                }
                """.formatted(failback, ZONE, RECORD, ENDPOINTS.get("azure"), ENDPOINTS.get("aws"), ENDPOINTS.get("onprem"));
    }

    // ------------------------------------------------------------------------------------------------
    // real disasters

    /** What a region outage kills: azure's network edge, or the AWS emulator (which keeps no state). */
    private EmulatorServer edge(String site) {
        return site.equals("azure") ? azureEdge : server(site);
    }

    /** The process behind a site's cloud services: Azurite for azure, LocalStack/moto for aws. */
    private EmulatorServer server(String site) {
        return switch (site) {
            case "azure" -> azurite;
            case "aws" -> aws;
            default -> throw new IllegalArgumentException("no emulator process behind site '" + site
                    + "'; real disasters strike azure or aws (on-prem is the last resort)");
        };
    }

    /**
     * A region outage: {@code SIGKILL}s azure's edge process, or the AWS emulator itself (which then comes
     * back empty: community LocalStack and moto persist nothing). From now on connections are refused.
     */
    public void kill(String site) {
        edge(site).process().kill();
    }

    /** Starts what {@link #kill} killed again on the same ports. */
    public Duration restart(String site) {
        return edge(site).restart();
    }

    /** {@code SIGSTOP}s the site's emulator: connections are accepted, nothing is answered. */
    public void freeze(String site) {
        server(site).process().freeze();
    }

    /** {@code SIGCONT}: the frozen emulator answers again, with its state. */
    public void thaw(String site) {
        server(site).process().thaw();
    }

    /** A region-wide outage by {@code SIGKILL}, ended by a restart on the same ports. */
    public Drill.Scenario killScenario(String site) {
        return Drill.Scenario.of("region-outage-sigkill", site, site + (site.equals("azure") ? "'s edge" : "'s emulator")
                        + " killed (SIGKILL): connections refused",
                () -> kill(site), () -> restart(site));
    }

    /** A network outage by {@code SIGSTOP}: every call to the site hangs until its timeout; {@code SIGCONT} ends it. */
    public Drill.Scenario freezeScenario(String site) {
        return Drill.Scenario.of("network-outage-sigstop", site, site + "'s emulator frozen (SIGSTOP): every call hangs",
                () -> freeze(site), () -> thaw(site));
    }

    /** What BIND answers for the application's record, by {@code dig} (no Cloudhop code involved). */
    public String digRecord() {
        return bind.dig("+short", RECORD, "A").trim();
    }

    // ------------------------------------------------------------------------------------------------

    private Path inventory(Path onprem) {
        StringBuilder yaml = new StringBuilder("machines:\n");
        for (int i = 1; i <= MACHINES; i++) {
            yaml.append("  - id: dc1-m").append(i).append('\n')
                    .append("    host: 127.0.0.1\n")
                    .append("    port: ").append(sshd.port()).append('\n')
                    .append("    image: debian-12\n")
                    .append("    size: small\n")
                    .append("    os-family: debian\n");
        }
        Path file = onprem.resolve("inventory.yaml");
        try {
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private Path dir(String name) {
        return dir(work, name);
    }

    private static Path dir(Path parent, String name) {
        try {
            return Files.createDirectories(parent.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // best effort
        }
    }

    /** Stops every server (thawing frozen ones first) and removes the work directory. */
    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {azureEdge, azurite, aws, bind, sshd}) {
            closeQuietly(c);
        }
        try (var paths = Files.walk(work)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "EmulatedSites[azure=" + azurite + " behind edge " + azureEdge.port(0) + "/" + azureEdge.port(1) + ", aws=" + aws + ", onprem=BIND " + bind.address() + " + sshd " + sshd.port() + "]";
    }
}
