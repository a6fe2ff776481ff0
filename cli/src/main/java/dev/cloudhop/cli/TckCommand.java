package dev.cloudhop.cli;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.spi.CloudProvider;
import dev.cloudhop.api.spi.ConfigKey;
import dev.cloudhop.api.spi.Secret;
import dev.cloudhop.api.spi.SiteConfig;
import dev.cloudhop.cli.tck.SiteBlobStoreContract;
import dev.cloudhop.cli.tck.SiteComputeServiceContract;
import dev.cloudhop.cli.tck.SiteDeadLetterQueueContract;
import dev.cloudhop.cli.tck.SiteDnsServiceContract;
import dev.cloudhop.cli.tck.SiteErrorMappingContract;
import dev.cloudhop.cli.tck.SiteQueueServiceContract;
import dev.cloudhop.cli.tck.TckTarget;
import dev.cloudhop.failover.FailoverConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cloudhop tck CONF --site S}: the contract suites against a configured site. */
@Command(name = "tck", description = {"Run Cloudhop's contract suites (the TCK every provider passes) against a site "
        + "of your configuration, and print how many tests passed, failed and were skipped, with the reasons.",
        "The suites create and delete their own uniquely named containers, queues, zones and nodes (compute launches "
        + "real nodes where the provider can: give --image and --size, or failover.redeploy). Skips are capabilities "
        + "the provider declares it lacks. Exit 1 when a test failed."})
final class TckCommand implements Callable<Integer> {

    /** The suites of each service, in run order. */
    private static final Map<String, List<Class<?>>> SUITES = new LinkedHashMap<>();

    static {
        SUITES.put("blob", List.of(SiteBlobStoreContract.class));
        SUITES.put("queue", List.of(SiteQueueServiceContract.class, SiteDeadLetterQueueContract.class));
        SUITES.put("dns", List.of(SiteDnsServiceContract.class));
        SUITES.put("compute", List.of(SiteComputeServiceContract.class));
        SUITES.put("errors", List.of(SiteErrorMappingContract.class));
    }

    @Parameters(index = "0", paramLabel = "CONF", description = "The configuration file.")
    Path file;

    @Option(names = "--site", required = true, paramLabel = "SITE", description = "The site to test.")
    String site;

    @Option(names = "--service", paramLabel = "SERVICE", split = ",",
            description = "blob, queue, dns, compute or errors (error mapping); repeat or separate with commas. "
                    + "Default: every service the site's provider offers, and errors.")
    List<String> services = new ArrayList<>();

    @Option(names = "--image", paramLabel = "IMAGE", description = "compute: the image of nodes the suite launches.")
    String image;

    @Option(names = "--size", paramLabel = "SIZE", description = "compute: the size of nodes the suite launches.")
    String size;

    @Option(names = "--large-blob", paramLabel = "BYTES", defaultValue = "67108864",
            description = "blob: the size of the blob streamed up and down (default 64 MiB).")
    long largeBlobBytes;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto", converter = RunbookOptions.ProgressModes.class,
            description = "auto (a bar on a terminal, plain lines otherwise), bar or plain.")
    Progress.Mode progress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The outcome of one test (or of a suite that failed before its tests). */
    record Outcome(String service, String test, String status, String reason) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String s : services) {
            if (!SUITES.containsKey(s)) {
                throw new CliException("--service " + s + ": use " + String.join(", ", SUITES.keySet()));
            }
        }
        if ((image == null) != (size == null)) {
            throw new CliException(image == null ? "--size needs --image" : "--image needs --size");
        }
        if (largeBlobBytes < 1) {
            throw new CliException("--large-blob " + largeBlobBytes + ": must be at least 1 byte");
        }
        Deployment d = Deployment.load(file);
        SiteConfig siteConfig = d.site(site, "--site");
        CloudProvider provider = ProviderRegistry.discover().find(siteConfig.info().provider()).orElseThrow();
        Optional<String[]> imageAndSize = image != null ? Optional.of(new String[] {image, size})
                : d.failover().flatMap(FailoverConfig::redeploy).map(r -> r.imageAndSize(site).toArray(new String[0]));
        Set<String> credentials = new LinkedHashSet<>();
        for (ConfigKey k : provider.configKeys()) {
            if (k.type() == ConfigKey.Type.SECRET) {
                siteConfig.secret(k.name()).map(Secret::reveal).filter(v -> v.length() >= 4).ifPresent(credentials::add);
            }
        }
        try (Sites sites = d.openSites()) {
            dev.cloudhop.api.Cloud cloud = sites.site(site);
            List<String> chosen = new ArrayList<>(services.isEmpty() ? defaults(cloud) : new LinkedHashSet<>(services));
            List<Outcome> outcomes = new ArrayList<>();
            if (chosen.contains("compute") && cloud.supports(Capability.COMPUTE_LAUNCH) && imageAndSize.isEmpty()) {
                chosen.remove("compute");
                outcomes.add(new Outcome("compute", "(suite)", "skipped", "no image and size of nodes to launch: give "
                        + "--image and --size, or failover.redeploy in " + d.source()));
            }
            out.println("tck: site " + site + " (provider " + siteConfig.info().provider() + ", region "
                    + siteConfig.info().region() + "), services " + (chosen.isEmpty() ? "(none to run)" : String.join(", ", chosen)));
            out.flush();
            TckTarget.set(new TckTarget(cloud, provider.namingRules(), Set.copyOf(credentials), imageAndSize, largeBlobBytes));
            try {
                if (!chosen.isEmpty()) {
                    List<Outcome> ran = launch(chosen, new Progress(out, progress));
                    outcomes.addAll(ran);
                    for (String service : chosen) {
                        if (ran.stream().noneMatch(o -> o.service().equals(service))) {
                            // a suite JUnit could not load (e.g. a class missing from the class path) yields no tests
                            outcomes.add(new Outcome(service, "(suite)", "failed", "no test of the suite was found or "
                                    + "run; --verbose shows JUnit's discovery warnings"));
                        }
                    }
                }
            } finally {
                TckTarget.clear();
            }
            return print(outcomes, out);
        }
    }

    private static List<String> defaults(dev.cloudhop.api.Cloud cloud) {
        List<String> out = new ArrayList<>();
        if (cloud.supports(Capability.BLOB)) {
            out.add("blob");
        }
        if (cloud.supports(Capability.QUEUE)) {
            out.add("queue");
        }
        if (cloud.supports(Capability.DNS)) {
            out.add("dns");
        }
        if (cloud.supports(Capability.COMPUTE)) {
            out.add("compute");
        }
        out.add("errors");
        return out;
    }

    private static List<Outcome> launch(List<String> chosen, Progress progress) {
        Map<String, String> serviceOf = new LinkedHashMap<>();
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                // the command is not a build: no junit-platform.properties of a user's class path changes the run
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false");
        for (String service : chosen) {
            for (Class<?> suite : SUITES.get(service)) {
                request.selectors(selectClass(suite));
                serviceOf.put(suite.getName(), service);
            }
        }
        LauncherDiscoveryRequest discovery = request.build();
        Launcher launcher = LauncherFactory.create();
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicLong total = new AtomicLong();
        AtomicLong done = new AtomicLong();
        launcher.execute(discovery, new TestExecutionListener() {
            @Override
            public void testPlanExecutionStarted(TestPlan plan) {
                total.set(plan.countTestIdentifiers(TestIdentifier::isTest));
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                if (id.isTest()) {
                    done.incrementAndGet();
                }
                outcomes.add(new Outcome(service(id), id.getDisplayName(), "skipped", reason));
                tick();
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                String reason = result.getThrowable().map(SiteState::oneLine).orElse("");
                if (id.isTest()) {
                    done.incrementAndGet();
                    String status = switch (result.getStatus()) {
                        case SUCCESSFUL -> "passed";
                        case ABORTED -> "skipped";
                        case FAILED -> "failed";
                    };
                    outcomes.add(new Outcome(service(id), id.getDisplayName(), status, reason));
                    if (status.equals("failed")) {
                        progress.line("  FAILED " + service(id) + ": " + id.getDisplayName() + ": " + reason);
                    }
                } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL && id.getSource().isPresent()) {
                    // a suite whose set-up or clean-up failed (e.g. the site could not be reached)
                    outcomes.add(new Outcome(service(id), id.getDisplayName() + " (suite)",
                            result.getStatus() == TestExecutionResult.Status.ABORTED ? "skipped" : "failed", reason));
                }
                tick();
            }

            private void tick() {
                progress.update("tck", done.get(), total.get(), "tests", "");
            }

            private String service(TestIdentifier id) {
                String cls = id.getSource().map(s -> s instanceof MethodSource m ? m.getClassName()
                        : s instanceof ClassSource c ? c.getClassName() : "").orElse("");
                return serviceOf.getOrDefault(cls, "?");
            }
        });
        progress.done();
        return new ArrayList<>(outcomes);
    }

    private static int print(List<Outcome> outcomes, PrintWriter out) {
        Table table = new Table("SERVICE", "PASSED", "FAILED", "SKIPPED");
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            int[] c = counts.computeIfAbsent(o.service(), s -> new int[3]);
            switch (o.status()) {
                case "passed" -> c[0]++;
                case "failed" -> c[1]++;
                default -> c[2]++;
            }
        }
        int[] all = new int[3];
        counts.forEach((service, c) -> {
            table.row(service, c[0], c[1], c[2]);
            for (int i = 0; i < 3; i++) {
                all[i] += c[i];
            }
        });
        table.row("total", all[0], all[1], all[2]);
        out.println();
        table.print(out);
        List<Outcome> failed = outcomes.stream().filter(o -> o.status().equals("failed")).toList();
        List<Outcome> skipped = outcomes.stream().filter(o -> o.status().equals("skipped")).toList();
        if (!failed.isEmpty()) {
            out.println();
            out.println("failed:");
            failed.forEach(o -> out.println("  " + o.service() + ": " + o.test() + ": " + o.reason()));
        }
        if (!skipped.isEmpty()) {
            out.println();
            out.println("skipped:");
            skipped.forEach(o -> out.println("  " + o.service() + ": " + o.test() + ": "
                    + (o.reason().isEmpty() ? "(no reason given)" : o.reason())));
        }
        out.flush();
        return failed.isEmpty() ? 0 : CloudhopCommand.FAILED;
    }
}
