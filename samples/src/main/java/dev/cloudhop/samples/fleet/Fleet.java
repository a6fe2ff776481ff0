package dev.cloudhop.samples.fleet;

import dev.cloudhop.testing.ManagedProcess;
import dev.cloudhop.testing.ZooKeeperEnsemble;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A fleet of {@link FleetInstance} JVMs on one configuration: three or more {@code onprem} sites whose blob
 * stores are directories shared by every instance (file blobs take conditional writes across processes), so
 * every instance sees the same sites and the checker reads them as plain files. The workload is blobs only
 * ({@code critical-services = [blob]}): the on-prem queue is an embedded Artemis owned by one process, and DNS
 * and compute would need a BIND and an SSH server per site.
 *
 * <p>The harness drives instances through their standard input (see {@link FleetInstance}), kills them
 * (SIGKILL) or freezes them (SIGSTOP) as real processes, and plays a {@link FleetSchedule}. Every file of a
 * run (configuration, site directories, ack and event logs, instance output) lives in {@link #runDir()}.
 *
 * <p>Not thread-safe: drive it from one thread.
 */
public final class Fleet implements AutoCloseable {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);

    private final Path runDir;
    private final Path config;
    private final FleetMode mode;
    private final Map<String, Path> sites;
    private final List<ManagedProcess> instances = new ArrayList<>();
    private boolean uniqueKeys;

    private Fleet(Path runDir, Path config, FleetMode mode, Map<String, Path> sites) {
        this.runDir = runDir;
        this.config = config;
        this.mode = mode;
        this.sites = sites;
    }

    /**
     * Writes the configuration and starts {@code instanceCount} instances, waiting until each is ready.
     *
     * @param runDir        an empty directory for the run's files
     * @param siteIds       the sites, in priority order
     * @param zooKeeper     the ensemble's connect string when the mode uses ZooKeeper, else null
     * @param writeInterval the pause between two writes of one instance
     * @throws IllegalStateException with the instance's output if one does not start within 60 s
     */
    public static Fleet start(Path runDir, FleetMode mode, List<String> siteIds, int instanceCount, String zooKeeper,
                              Duration writeInterval) {
        return start(runDir, mode, siteIds, instanceCount, zooKeeper, writeInterval, false);
    }

    /**
     * As {@link #start(Path, FleetMode, List, int, String, Duration)}; with {@code backup}, the {@value FleetLog#CONTAINER}
     * container is also backed up continuously to an on-prem site {@code vault} ({@link #backupSite()}), each instance
     * spooling under {@code backup/spool} in the run directory.
     */
    public static Fleet start(Path runDir, FleetMode mode, List<String> siteIds, int instanceCount, String zooKeeper,
                              Duration writeInterval, boolean backup) {
        return start(runDir, mode, siteIds, instanceCount, zooKeeper, writeInterval, new Options(backup, false, false));
    }

    /**
     * What a fleet adds to the shared configuration and workload.
     *
     * @param backup     the {@value FleetLog#CONTAINER} container is backed up to an on-prem site {@code vault}
     * @param journal    each instance journals its replication backlog under {@code journal/<id>} in the run directory
     *                   (its own configuration file, {@code fleet-<id>.conf}), without the reconciliation at start, so
     *                   that only the journal carries a backlog across a crash
     * @param uniqueKeys every write goes to a key of its own ({@code w-<id>-<sequence>}), so that a lost write is not
     *                   masked by a later write of the same key
     */
    public record Options(boolean backup, boolean journal, boolean uniqueKeys) {
    }

    /** As {@link #start(Path, FleetMode, List, int, String, Duration)}, with {@code options}. */
    public static Fleet start(Path runDir, FleetMode mode, List<String> siteIds, int instanceCount, String zooKeeper,
                              Duration writeInterval, Options options) {
        boolean backup = options.backup();
        try {
            Map<String, Path> sites = new LinkedHashMap<>();
            for (String s : siteIds) {
                sites.put(s, Files.createDirectories(runDir.resolve("sites").resolve(s)));
            }
            Path config = runDir.resolve("fleet.conf");
            String text = config(mode, sites, zooKeeper);
            if (backup) {
                text = withBackup(text, Files.createDirectories(backupSite(runDir)), runDir.resolve("backup").resolve("spool"));
            }
            Files.writeString(config, text, StandardCharsets.UTF_8);
            Fleet fleet = new Fleet(runDir, config, mode, sites);
            fleet.uniqueKeys = options.uniqueKeys();
            if (options.journal()) {
                for (int i = 0; i < instanceCount; i++) {
                    Path journal = runDir.resolve("journal").resolve(id(i));
                    Files.writeString(fleet.configOf(i), text.replace("  replication { mode = async, rpo-budget = 1 s }\n",
                            "  replication { mode = async, rpo-budget = 1 s, reconcile-at-start = false,\n"
                                    + "    journal { directory = \"" + journal + "\", fsync = true } }\n"), StandardCharsets.UTF_8);
                }
            }
            try {
                for (int i = 0; i < instanceCount; i++) {
                    fleet.instances.add(fleet.launch(i, writeInterval));
                }
                return fleet;
            } catch (RuntimeException e) {
                fleet.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a fleet in " + runDir, e);
        }
    }

    /** The shared configuration: on-prem file sites, automatic failover on blob health, async replication. */
    static String config(FleetMode mode, Map<String, Path> sites, String zooKeeper) {
        StringBuilder c = new StringBuilder("sites {\n");
        int dc = 1;
        for (Map.Entry<String, Path> s : sites.entrySet()) {
            c.append("  ").append(s.getKey()).append(" { provider = onprem, region = dc").append(dc++)
                    .append(", blob.directory = \"").append(s.getValue()).append("\", blob.fsync = false }\n");
        }
        c.append("}\n")
                .append("failover {\n")
                .append("  topology = active-passive\n")
                .append("  priority = [").append(String.join(", ", sites.keySet())).append("]\n")
                .append("  automatic = true\n")
                .append("  failback = manual\n")
                .append("  critical-services = [blob]\n")
                .append("  probe { interval = 100 ms, timeout = 250 ms, tolerated-failures = 2 }\n")
                .append("  passive.consecutive-failures = 3\n")
                .append("  client-wait = 2 s\n")
                .append("  call-timeout = 1 s\n")
                .append("  replication { mode = async, rpo-budget = 1 s }\n");
        c.append("  coordination { kind = ").append(mode.kind()).append(", lease = 1 s");
        if (mode.usesZooKeeper()) {
            c.append(", zookeeper { connect = \"").append(zooKeeper).append("\", session-timeout = 4 s }");
        }
        c.append(" }\n");
        return c.append("}\n").toString();
    }

    /** {@code config} with a backup site {@code vault} (files at {@code vault}) keeping the fleet container. */
    static String withBackup(String config, Path vault, Path spool) {
        return config.replaceFirst("(?m)^}\n", "  vault { provider = onprem, region = vault, blob.directory = \"" + vault
                        + "\", blob.fsync = false }\n}\n")
                .replaceFirst("(?m)^  priority = ", "  backup { containers = [" + FleetLog.CONTAINER + "], site = vault, "
                        + "spool-directory = \"" + spool + "\" }\n  priority = ");
    }

    private static Path backupSite(Path runDir) {
        return runDir.resolve("backup").resolve("vault");
    }

    /** The blob directory of the backup site {@code vault} (see {@link #start(Path, FleetMode, List, int, String, Duration, boolean)}). */
    public Path backupSite() {
        return backupSite(runDir);
    }

    /** The configuration file of instance {@code i}: its own when it journals, else the shared one. */
    private Path configOf(int i) {
        return runDir.resolve("fleet-" + id(i) + ".conf");
    }

    private ManagedProcess launch(int i, Duration writeInterval) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path own = configOf(i);
        return ManagedProcess.builder("fleet-" + id(i), List.of(java, "-Xmx160m", "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-D" + FleetInstance.KEYS_PROPERTY + "=" + (uniqueKeys ? "unique" : "rotating"),
                        "-cp", System.getProperty("java.class.path"), FleetInstance.class.getName(),
                        (Files.exists(own) ? own : config).toString(), id(i), runDir.toString(),
                        Long.toString(writeInterval.toMillis())))
                .log(runDir.resolve("out-" + id(i) + ".log"))
                .readyWhenLogContains("READY " + id(i)).startTimeout(Duration.ofSeconds(60)).start();
    }

    /** The id of instance {@code i} (0-based): {@code i1}, {@code i2}, ... */
    public static String id(int i) {
        return "i" + (i + 1);
    }

    /** The number of instances. */
    public int size() {
        return instances.size();
    }

    /** The coordination mode written in the configuration. */
    public FleetMode mode() {
        return mode;
    }

    /** The directory of the run's files. */
    public Path runDir() {
        return runDir;
    }

    /** The configuration file every instance opened. */
    public Path config() {
        return config;
    }

    /** Each site's blob directory, by site id, in priority order. */
    public Map<String, Path> sites() {
        return sites;
    }

    /** Instance {@code i}'s process (its output log, pid). */
    public ManagedProcess instance(int i) {
        return instances.get(i);
    }

    /** Sends a command line to instance {@code i} without waiting for its answer. */
    public void send(int i, String command) {
        instances.get(i).send(command);
    }

    /**
     * Sends a command and returns the first line of output starting with {@code replyPrefix} that the instance
     * prints after it (or an {@code ERROR} line).
     *
     * @throws IllegalStateException if none comes within 20 s or the instance exits
     */
    public String request(int i, String command, String replyPrefix) {
        ManagedProcess p = instances.get(i);
        long offset = outputSize(p);
        p.send(command);
        long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : outputSince(p, offset)) {
                if (line.startsWith(replyPrefix) || line.startsWith("ERROR")) {
                    return line;
                }
            }
            if (!p.isAlive()) {
                break;
            }
            pause(20);
        }
        throw new IllegalStateException("no '" + replyPrefix + "' from " + p.name() + " after '" + command + "':\n"
                + p.logTail(20));
    }

    /** Instance {@code i}'s {@code STATUS} line: active site, epoch, writes acknowledged and failed, backlog. */
    public String status(int i) {
        return request(i, "status", "STATUS");
    }

    /** In instance {@code i}'s view only, {@code site}'s blob service becomes unavailable. */
    public void loseSiteInView(int i, String site) {
        request(i, "fault " + site + " blob unavailable", "OK");
    }

    /** Clears instance {@code i}'s faults of {@code site}. */
    public void clearView(int i, String site) {
        request(i, "clear " + site, "OK");
    }

    /** Every running instance sees {@code site}'s blob calls delayed. */
    public void slowSite(String site, Duration latency) {
        forRunning(i -> send(i, "fault " + site + " blob latency " + latency.toMillis()));
    }

    /** Clears {@code site}'s faults in every running instance. */
    public void clearSite(String site) {
        forRunning(i -> send(i, "clear " + site));
    }

    private void forRunning(java.util.function.IntConsumer action) {
        for (int i = 0; i < instances.size(); i++) {
            if (instances.get(i).isAlive()) {
                action.accept(i);
            }
        }
    }

    /** Kills instance {@code i} with SIGKILL: no clean-up, no flush beyond what it already wrote. */
    public void kill(int i) {
        instances.get(i).kill();
    }

    /** Starts a killed instance {@code i} again (same id and logs) and waits until it is ready. */
    public void restart(int i) {
        instances.set(i, instances.get(i).restart());
    }

    /** Freezes instance {@code i} (SIGSTOP): its calls, probes and runbooks stop mid-way. */
    public void freeze(int i) {
        instances.get(i).freeze();
    }

    /** Thaws a frozen instance {@code i} (SIGCONT). */
    public void thaw(int i) {
        instances.get(i).thaw();
    }

    /**
     * Plays a schedule: every fault at its time, undone after its duration. Faults are not meant to overlap (see
     * {@link FleetSchedule}); an action that fails (e.g. on an instance that died) is counted, not thrown.
     *
     * @param zooKeeper the ensemble for {@link FleetSchedule.KillZooKeeper} steps, or null
     * @return how many faults were injected
     */
    public int play(FleetSchedule schedule, ZooKeeperEnsemble zooKeeper) {
        record Action(long at, String what, Runnable run) {
        }
        List<Action> actions = new ArrayList<>();
        for (FleetSchedule.Step s : schedule.steps()) {
            long end = s.atMillis() + s.durationMillis();
            if (s instanceof FleetSchedule.ViewLoss v) {
                actions.add(new Action(s.atMillis(), "lose " + v.site() + " in " + id(v.instance()), () -> loseSiteInView(v.instance(), v.site())));
                actions.add(new Action(end, "clear " + v.site() + " in " + id(v.instance()), () -> clearView(v.instance(), v.site())));
            } else if (s instanceof FleetSchedule.KillInstance k) {
                actions.add(new Action(s.atMillis(), "kill " + id(k.instance()), () -> kill(k.instance())));
                actions.add(new Action(end, "restart " + id(k.instance()), () -> restart(k.instance())));
            } else if (s instanceof FleetSchedule.FreezeInstance f) {
                actions.add(new Action(s.atMillis(), "freeze " + id(f.instance()), () -> freeze(f.instance())));
                actions.add(new Action(end, "thaw " + id(f.instance()), () -> thaw(f.instance())));
            } else if (s instanceof FleetSchedule.SiteOutage o) {
                actions.add(new Action(s.atMillis(), "outage of " + o.site(), () -> forRunning(i -> send(i, "fault " + o.site() + " blob unavailable"))));
                actions.add(new Action(end, "clear " + o.site(), () -> clearSite(o.site())));
            } else if (s instanceof FleetSchedule.SlowSite w) {
                actions.add(new Action(s.atMillis(), "slow " + w.site(), () -> slowSite(w.site(), Duration.ofMillis(w.latencyMillis()))));
                actions.add(new Action(end, "clear " + w.site(), () -> clearSite(w.site())));
            } else if (s instanceof FleetSchedule.KillZooKeeper z) {
                if (zooKeeper == null) {
                    throw new IllegalArgumentException("the schedule kills ZooKeeper servers but the run has no ensemble");
                }
                actions.add(new Action(s.atMillis(), "kill zookeeper " + z.server(), () -> zooKeeper.kill(z.server())));
                actions.add(new Action(end, "restart zookeeper " + z.server(), () -> zooKeeper.restart(z.server())));
            }
        }
        actions.sort(Comparator.comparingLong(Action::at));
        long start = System.nanoTime();
        StringBuilder trace = new StringBuilder();
        for (Action a : actions) {
            long wait = a.at() - (System.nanoTime() - start) / 1_000_000;
            if (wait > 0) {
                pause(wait);
            }
            try {
                a.run().run();
                trace.append(String.format("%6d ms  %s%n", (System.nanoTime() - start) / 1_000_000, a.what()));
            } catch (RuntimeException e) {
                trace.append(String.format("%6d ms  %s FAILED: %s%n", (System.nanoTime() - start) / 1_000_000, a.what(), e.getMessage()));
            }
        }
        writeQuietly(runDir.resolve("schedule.log"), "seed " + schedule.seed() + "\n" + trace);
        return schedule.steps().size();
    }

    /**
     * Stops every instance cleanly: thaws it, sends {@code stop} (it lets replication settle, closes and exits)
     * and waits; an instance that has not exited after 30 s is killed.
     *
     * @return the {@code STOPPED} line of each instance that stopped cleanly, by id
     */
    public Map<String, String> stopAll() {
        for (int i = 0; i < instances.size(); i++) {
            if (instances.get(i).isAlive()) {
                thaw(i);
                try {
                    send(i, "stop");
                } catch (UncheckedIOException e) {
                    // it is exiting already
                }
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (instances.stream().anyMatch(ManagedProcess::isAlive) && System.nanoTime() < deadline) {
            pause(50);
        }
        Map<String, String> stopped = new LinkedHashMap<>();
        for (int i = 0; i < instances.size(); i++) {
            ManagedProcess p = instances.get(i);
            if (p.isAlive()) {
                p.kill();
            }
            int at = i;
            outputSince(p, 0).stream().filter(l -> l.startsWith("STOPPED " + id(at) + " ")).reduce((a, b) -> b)
                    .ifPresent(l -> stopped.put(id(at), l));
        }
        return stopped;
    }

    /** Kills whatever still runs. Idempotent. */
    @Override
    public void close() {
        instances.forEach(ManagedProcess::close);
    }

    private static long outputSize(ManagedProcess p) {
        try {
            return Files.size(p.log());
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<String> outputSince(ManagedProcess p, long offset) {
        try {
            byte[] all = Files.readAllBytes(p.log());
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void writeQuietly(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the trace is for people; the run does not depend on it
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
