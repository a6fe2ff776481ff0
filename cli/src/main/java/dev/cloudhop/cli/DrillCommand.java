package dev.cloudhop.cli;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.RunbookReport;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.drill.Drill;
import dev.cloudhop.failover.drill.DrillReport;
import dev.cloudhop.failover.drill.DrillReportPage;
import dev.cloudhop.failover.event.FailoverEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cloudhop drill CONF SCENARIO --site S}: a disaster drill against the sites of a configuration. */
@Command(name = "drill", description = {"Run a built-in disaster scenario against the sites of a configuration, under "
        + "a built-in workload (or none), and report detection, RTO, RPO, failed calls and lost writes.",
        "Faults are injected by this process's switchboard (no real infrastructure is touched); this process is the "
        + "application, so run it against sites no production instance uses. Exit 1 when a runbook failed or the "
        + "workload lost an acknowledged write.",
        "Scenarios: region-outage, dependent-service-outage (--service), network-latency (--latency), network-outage, "
        + "planned-move (--to)."})
final class DrillCommand implements Callable<Integer> {

    /** The built-in scenarios. */
    enum Scenario {
        REGION_OUTAGE, DEPENDENT_SERVICE_OUTAGE, NETWORK_LATENCY, NETWORK_OUTAGE, PLANNED_MOVE;

        static Scenario of(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CliException("unknown scenario '" + name + "'; scenarios: region-outage, dependent-service-outage, "
                        + "network-latency, network-outage, planned-move");
            }
        }
    }

    /** The container the blob workload writes to. */
    static final String CONTAINER = "cloudhop-drill";

    @Parameters(index = "0", paramLabel = "CONF", description = "The configuration file.")
    Path file;

    @Parameters(index = "1", paramLabel = "SCENARIO", description = "region-outage, dependent-service-outage, "
            + "network-latency, network-outage or planned-move.")
    String scenarioName;

    @Option(names = "--site", required = true, paramLabel = "SITE", description = "The site the disaster strikes "
            + "(planned-move: the site moved away from).")
    String site;

    @Option(names = "--to", paramLabel = "SITE", description = "planned-move: the site to move to (default: the next in priority).")
    String to;

    @Option(names = "--service", paramLabel = "SERVICE", defaultValue = "blob",
            description = "dependent-service-outage: blob, queue, dns or compute (default blob).")
    String service;

    @Option(names = "--latency", paramLabel = "DURATION", defaultValue = "500ms", converter = Durations.class,
            description = "network-latency: the added latency (default 500ms).")
    Duration latency;

    @Option(names = "--workload", paramLabel = "KIND", defaultValue = "blob",
            description = "blob (clients write small blobs to container " + CONTAINER + " and the drill checks that "
                    + "every acknowledged one is at the active site afterwards) or none.")
    String workload;

    @Option(names = "--clients", defaultValue = "2", description = "Client threads of the workload (default 2).")
    int clients;

    @Option(names = "--before", defaultValue = "2s", converter = Durations.class,
            description = "Traffic before the fault (default 2s).")
    Duration before;

    @Option(names = "--fault-for", defaultValue = "5s", converter = Durations.class,
            description = "How long the fault lasts (default 5s).")
    Duration faultFor;

    @Option(names = "--after", defaultValue = "2s", converter = Durations.class,
            description = "Traffic after the fault is cleared (default 2s).")
    Duration after;

    @Option(names = "--failback", description = "Fail back to the primary once it is healthy again.")
    boolean failback;

    @Option(names = "--report", paramLabel = "FILE.json|FILE.html",
            description = "Write the report as JSON and as a page with its timeline (FILE.json and FILE.html, side by side).")
    Path report;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto", converter = RunbookOptions.ProgressModes.class,
            description = "auto (a bar on a terminal, plain lines otherwise), bar or plain.")
    Progress.Mode progress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Scenario scenario = Scenario.of(scenarioName);
        String reportName = report == null ? "" : report.getFileName().toString().toLowerCase(Locale.ROOT);
        if (report != null && !reportName.endsWith(".json") && !reportName.endsWith(".html")) {
            throw new CliException("--report " + report + ": name a .json or .html file (both are written, side by side)");
        }
        if (!workload.equals("blob") && !workload.equals("none")) {
            throw new CliException("--workload " + workload + ": use blob or none");
        }
        if (clients < 1) {
            throw new CliException("--clients " + clients + ": must be at least 1");
        }
        Service svc;
        try {
            svc = Service.of(service);
        } catch (IllegalArgumentException e) {
            throw new CliException("--service " + service + ": use blob, queue, dns or compute");
        }
        Deployment d = Deployment.load(file);
        java.util.List<String> priority = d.requireFailover("drill").priority();
        d.site(site, "--site");
        if (!priority.contains(site)) {
            throw new CliException("--site " + site + ": not in failover.priority " + priority + " of " + d.source());
        }
        String target = to;
        if (scenario == Scenario.PLANNED_MOVE) {
            if (target == null) {
                target = priority.get((priority.indexOf(site) + 1) % priority.size());
            }
            d.site(target, "--to");
            if (target.equals(site)) {
                throw new CliException("--to " + target + ": a planned move needs another site than --site");
            }
        }
        Drill.Scenario s = switch (scenario) {
            case REGION_OUTAGE -> Drill.Scenario.regionOutage(site);
            case DEPENDENT_SERVICE_OUTAGE -> Drill.Scenario.dependentServiceOutage(site, svc);
            case NETWORK_LATENCY -> Drill.Scenario.networkLatency(site, latency);
            case NETWORK_OUTAGE -> Drill.Scenario.networkOutage(site);
            case PLANNED_MOVE -> Drill.Scenario.plannedMove(site, target);
        };
        try (FailoverCloud cloud = d.openAsWritten("drill")) {
            if (scenario == Scenario.PLANNED_MOVE && !cloud.activeSite().equals(site)) {
                throw new CliException("--site " + site + ": a planned move starts at the active site, which is "
                        + cloud.activeSite() + " (epoch " + cloud.epoch() + ")");
            }
            Drill.Workload w = workload.equals("blob") ? new BlobWorkload(cloud) : (client, seq) -> { };
            out.println("drill " + s.name() + ": " + s.description() + "; active site " + cloud.activeSite() + ", epoch "
                    + cloud.epoch() + "; workload " + workload + " with " + clients + " clients");
            Drill.Options options = new Drill.Options(clients, Duration.ofMillis(20), before, faultFor, after, failback);
            DrillReport r = run(cloud, s, w, options, new Progress(out, progress));
            out.print(r.summary());
            if (report != null) {
                String base = report.getFileName().toString().substring(0, report.getFileName().toString().length() - 5);
                Path json = report.resolveSibling(base + ".json");
                Path page = report.resolveSibling(base + ".html");
                write(json, r.toJson());
                try {
                    DrillReportPage.write(r, page);
                } catch (RuntimeException e) {
                    throw new CliException("--report " + page + ": cannot write the page: " + e.getMessage());
                }
                out.println("report: " + json + " and " + page);
            }
            out.flush();
            boolean runbooksOk = r.runbooks().stream().allMatch(RunbookReport::ok);
            boolean noLoss = !(r.workload().get("lost") instanceof Number n) || n.longValue() == 0;
            if (!runbooksOk || !noLoss) {
                spec.commandLine().getErr().println("error: drill " + s.name() + " at site " + site + ": "
                        + (!runbooksOk ? "a runbook failed" : "the workload lost acknowledged writes"));
                spec.commandLine().getErr().flush();
                return CloudhopCommand.FAILED;
            }
            return 0;
        }
    }

    private static DrillReport run(FailoverCloud cloud, Drill.Scenario s, Drill.Workload w, Drill.Options o, Progress progress)
            throws InterruptedException {
        long totalS = Math.max(1, o.before().plus(o.faultFor()).plus(o.after()).toSeconds());
        long t0 = System.nanoTime();
        return progress.follow(cloud, "cloudhop-drill", e -> {
            if (e instanceof FailoverEvent.SiteHealthChanged h) {
                return h.site() + " " + h.service().key() + (h.up() ? " up" : " DOWN")
                        + (h.reason().isEmpty() ? "" : " (" + h.reason() + ")");
            } else if (e instanceof FailoverEvent.FailoverStarted f) {
                return "failover " + f.from() + " -> " + f.to() + " started: " + f.reason();
            } else if (e instanceof FailoverEvent.RunbookStepCompleted st) {
                return Progress.step(st);
            } else if (e instanceof FailoverEvent.ActiveSiteChanged a) {
                return "clients now go to " + a.to() + " (epoch " + a.epoch() + ")";
            } else if (e instanceof FailoverEvent.FaultChanged f) {
                return (f.on() ? "fault on: " + f.fault() : "fault cleared") + " at " + f.site()
                        + (f.service() == null ? "" : " " + f.service().key());
            }
            return null;
        }, () -> Drill.run(cloud, s, w, o), 250, () -> progress.update("drill",
                Math.min((System.nanoTime() - t0) / 1_000_000_000, totalS), totalS, "s", "active " + cloud.activeSite()));
    }

    private static void write(Path file, String json) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("--report " + file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * Clients writing small blobs through the facade; afterwards every acknowledged blob must be at the active site
     * (once replication has caught up, at most 30 s).
     */
    static final class BlobWorkload implements Drill.Workload {
        private final FailoverCloud cloud;
        private final Set<BlobId> acknowledged = ConcurrentHashMap.newKeySet();
        private final String run = Long.toString(System.currentTimeMillis(), 36);

        BlobWorkload(FailoverCloud cloud) {
            this.cloud = cloud;
            cloud.blobs().createContainer(CONTAINER);
        }

        @Override
        public void call(int client, long seq) {
            BlobId id = BlobId.of(CONTAINER, run + "/c" + client + "-" + seq);
            cloud.blobs().put(id, BlobContent.ofUtf8("drill write " + seq + " of client " + client));
            acknowledged.add(id);
        }

        @Override
        public Map<String, Object> verify() {
            String active = cloud.activeSite();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (cloud.replicationBacklog(active) > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            long lost = acknowledged.stream().filter(id -> cloud.rawSite(active).blobs().stat(id).isEmpty()).count();
            Map<String, Object> found = new LinkedHashMap<>();
            found.put("acknowledged", acknowledged.size());
            found.put("lost", lost);
            return found;
        }
    }
}
