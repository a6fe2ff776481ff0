package dev.cloudhop.cli;

import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.spi.SiteConfig;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.coordination.CoordinationKind;
import dev.cloudhop.failover.fencing.Fence;
import dev.cloudhop.failover.replication.BacklogJournal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cloudhop status CONF}: the state of a deployment read from its sites, so it works while the application runs
 * elsewhere (and when it does not run at all).
 */
@Command(name = "status", description = {"Show the health of every site's services, the active site and epoch (from "
        + "the fences on the sites' blob stores), the replication backlog and lag (from the replication journal, if "
        + "configured and on this machine), captured messages, and the sites' coordination register.",
        "Exit status 1 when a service is down or failing, or a fence cannot be read."})
final class StatusCommand implements Callable<Integer> {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    @Parameters(index = "0", paramLabel = "CONF", description = "The configuration file.")
    Path file;

    @Option(names = "--watch", arity = "0..1", fallbackValue = "5", paramLabel = "SECONDS",
            description = "Refresh every SECONDS (1 to 3600; default 5) until interrupted or --count refreshes.")
    Integer watch;

    @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N refreshes.")
    Integer count;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long each site may take to answer "
            + "(e.g. 2s, 500ms; default 10s, which includes creating this process's clients).", converter = Durations.class)
    Duration timeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (watch != null && (watch < 1 || watch > 3600)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--watch " + watch
                    + ": the refresh interval must be 1 to 3600 seconds");
        }
        if (count != null && (watch == null || count < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), count < 1 ? "--count must be at least 1"
                    : "--count needs --watch");
        }
        PrintWriter out = spec.commandLine().getOut();
        Deployment d = Deployment.load(file);
        // not the probe timeout: this process's first call to a site also creates its clients (seconds for jclouds)
        Duration wait = timeout != null ? timeout : DEFAULT_TIMEOUT;
        boolean clear = watch != null && Progress.Mode.AUTO.bar();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "cloudhop-status");
            t.setDaemon(true); // a site that hangs past its timeout must not keep the command alive
            return t;
        });
        try (Sites sites = d.openSites()) {
            int status = 0;
            for (int round = 1; ; round++) {
                if (clear) {
                    out.print("\033[H\033[2J");
                } else if (round > 1) {
                    out.println();
                }
                status = render(d, sites, wait, pool, out);
                out.flush();
                if (watch == null || count != null && round >= count) {
                    return status;
                }
                Thread.sleep(watch * 1000L);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private int render(Deployment d, Sites sites, Duration wait, ExecutorService pool, PrintWriter out) {
        Optional<FailoverConfig> f = d.failover();
        boolean coordinationRecords = f.map(c -> c.coordination().kind() == CoordinationKind.SITES).orElse(false);
        List<SiteConfig> ordered = SitesCommand.ordered(d);
        List<CompletableFuture<SiteState>> reads = ordered.stream().map(s -> CompletableFuture.supplyAsync(
                () -> SiteState.read(s.id(), sites.site(s.id()), wait, coordinationRecords, pool), pool)).toList();
        List<SiteState> states = reads.stream().map(CompletableFuture::join).toList();
        String primary = f.map(c -> c.priority().get(0)).orElse(ordered.get(0).id());

        out.println("cloudhop status of " + d.source() + " at " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Optional<Fence> newest = states.stream().flatMap(s -> s.parsedFence(primary).stream())
                .max(java.util.Comparator.comparingLong(Fence::epoch));
        long holding = newest.map(n -> states.stream().filter(s -> s.parsedFence(primary).equals(Optional.of(n))).count())
                .orElse(0L);
        if (newest.isPresent()) {
            out.println("active site: " + newest.get().activeSite() + "   epoch: " + newest.get().epoch() + "   (fence on "
                    + holding + " of " + states.size() + " sites)");
        } else {
            out.println("active site: " + primary + " (no fence on any site yet: a fresh deployment starts at the primary, "
                    + "epoch 1)");
        }
        out.println();

        Table table = new Table("SITE", "PROVIDER", "BLOB", "QUEUE", "DNS", "COMPUTE", "FENCE");
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            SiteState s = states.get(i);
            SiteConfig c = ordered.get(i);
            List<String> row = new ArrayList<>(List.of(s.id() + (newest.map(n -> n.activeSite().equals(s.id())).orElse(
                    s.id().equals(primary)) ? " *" : ""), c.info().provider()));
            for (Service service : Service.values()) {
                SiteState.Health h = s.health().get(service);
                row.add(h == null ? "-" : h.state());
                if (h != null && !h.up()) {
                    problems.add(s.id() + " " + service.key() + " " + h.state() + ": " + h.reason());
                }
            }
            row.add(fence(s, primary, newest));
            if (!s.fence().readable()) {
                problems.add(s.id() + " fence (" + Fence.CONTAINER + "/" + Fence.NAME + ") unreadable: " + s.fence().unreadable());
            }
            table.row(row.toArray());
        }
        table.print(out);
        out.println("(* active site; - the provider does not offer the service)");
        out.println();

        f.ifPresent(c -> {
            replication(c, ordered, out);
            captured(c, out);
            coordination(c, states, out);
        });
        if (f.isEmpty()) {
            out.println("failover: no failover section (replication, capture and coordination not configured)");
        }
        if (!problems.isEmpty()) {
            out.println();
            out.println("problems:");
            problems.forEach(p -> out.println("  " + p));
        }
        return problems.isEmpty() ? 0 : CloudhopCommand.FAILED;
    }

    private static String fence(SiteState s, String primary, Optional<Fence> newest) {
        if (!s.fence().readable()) {
            return "unreadable";
        }
        if (s.fence().text().isEmpty()) {
            return "none";
        }
        Optional<Fence> fence = s.parsedFence(primary);
        if (fence.isEmpty()) {
            return "malformed: '" + s.fence().text().get() + "'";
        }
        boolean behind = newest.isPresent() && fence.get().epoch() < newest.get().epoch();
        return "epoch " + fence.get().epoch() + " -> " + fence.get().activeSite() + (behind ? " (behind)" : "");
    }

    private static void replication(FailoverConfig c, List<SiteConfig> sites, PrintWriter out) {
        String mode = c.replicationMode().name().toLowerCase(java.util.Locale.ROOT);
        if (c.journalDirectory().isEmpty()) {
            out.println("replication (" + mode + ", RPO budget " + c.rpoBudget().toMillis() + " ms): backlog in the "
                    + "application's memory (no replication.journal.directory), not readable from here");
            return;
        }
        Path dir = c.journalDirectory().get();
        if (!Files.isDirectory(dir)) {
            out.println("replication (" + mode + "): no journal at " + dir + " on this machine (the application runs "
                    + "elsewhere, or has not started yet)");
            return;
        }
        List<BacklogJournal.Owed> pending;
        try {
            pending = BacklogJournal.pending(dir);
        } catch (RuntimeException e) {
            out.println("replication (" + mode + "): journal " + dir + " unreadable: " + SiteState.oneLine(e));
            return;
        }
        out.println("replication (" + mode + ", RPO budget " + c.rpoBudget().toMillis() + " ms, journal " + dir + ")");
        Map<String, List<BacklogJournal.Owed>> byTarget = pending.stream()
                .collect(Collectors.groupingBy(BacklogJournal.Owed::target, LinkedHashMap::new, Collectors.toList()));
        Table t = new Table("TO SITE", "BACKLOG", "LAG", "");
        Instant now = Instant.now();
        for (SiteConfig s : sites) {
            List<BacklogJournal.Owed> owed = byTarget.getOrDefault(s.id(), List.of());
            Duration lag = owed.stream().map(BacklogJournal.Owed::ackedAt).min(Instant::compareTo)
                    .map(oldest -> Duration.between(oldest, now)).orElse(Duration.ZERO);
            t.row(s.id(), owed.size() + " writes", lag.toMillis() + " ms",
                    lag.compareTo(c.rpoBudget()) > 0 ? "over the RPO budget" : "");
        }
        t.print(out);
    }

    private static void captured(FailoverConfig c, PrintWriter out) {
        if (c.captureDirectory().isEmpty()) {
            out.println("captured messages: capture in the application's memory (no capture.directory), not readable from here");
            return;
        }
        Path dir = c.captureDirectory().get();
        if (!Files.isDirectory(dir)) {
            out.println("captured messages: no capture directory " + dir + " on this machine (the application runs "
                    + "elsewhere, or has captured nothing yet)");
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            long n = files.filter(p -> p.getFileName().toString().endsWith(".msg")).count();
            out.println("captured messages: " + n + " waiting for replay (" + dir + ")");
        } catch (IOException e) {
            out.println("captured messages: capture directory " + dir + " unreadable: " + e.getMessage());
        }
    }

    private static void coordination(FailoverConfig c, List<SiteState> states, PrintWriter out) {
        switch (c.coordination().kind()) {
            case SINGLE -> out.println("coordination: single (one application instance decides alone)");
            case ZOOKEEPER -> out.println("coordination: zookeeper at " + c.coordination().zookeeperConnect().orElse("?")
                    + " (not read by this command; the fences above are what the sites enforce)");
            case SITES -> {
                Map<String, Long> registers = states.stream().filter(s -> s.register().text().isPresent())
                        .collect(Collectors.groupingBy(s -> s.register().text().get(), LinkedHashMap::new, Collectors.counting()));
                int majority = states.size() / 2 + 1;
                String register = registers.isEmpty() ? "none yet" : registers.entrySet().stream()
                        .map(e -> "'" + e.getKey() + "' on " + e.getValue() + " of " + states.size()
                                + (e.getValue() >= majority ? " (decided)" : ""))
                        .collect(Collectors.joining("; "));
                out.println("coordination: sites; register (epoch site): " + register);
                states.stream().flatMap(s -> s.lease().text().stream()).findFirst().ifPresent(l -> {
                    String[] p = l.split("\\s+");
                    String until = p.length > 1 ? p[1] : "?";
                    try {
                        Instant u = Instant.ofEpochMilli(Long.parseLong(until));
                        out.println(u.toEpochMilli() <= 0 ? "runbook lease: free (last held by instance " + p[0] + ")"
                                : "runbook lease: held by instance " + p[0] + (u.isAfter(Instant.now()) ? " until " : ", expired at ")
                                + u.truncatedTo(ChronoUnit.SECONDS));
                    } catch (NumberFormatException e) {
                        out.println("runbook lease: '" + l + "'");
                    }
                });
            }
        }
    }
}
