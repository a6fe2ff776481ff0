package dev.cloudhop.samples.fleet;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.drill.Fault;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.event.FailoverEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One application instance of a fleet, run as its own JVM: it opens {@link FailoverCloud} on a shared
 * configuration, writes blobs (keys shared by all instances and keys of its own, see {@link FleetLog}) and
 * appends one line per acknowledged write to its ack log and one line per facade event to its event log.
 *
 * <p>Usage: {@code FleetInstance CONFIG INSTANCE-ID RUN-DIR [WRITE-INTERVAL-MS]}. It prints
 * {@code READY <id> active=<site> epoch=<n>} once it writes, then reads commands from standard input, one a
 * line, and answers each with one line:
 * <ul>
 *   <li>{@code fault <site> <service> unavailable|blackhole|latency <ms>}: a fault in this instance's view only
 *       (its switchboard) - {@code OK fault ...}</li>
 *   <li>{@code clear <site>}: clears this instance's faults of a site - {@code OK clear ...}</li>
 *   <li>{@code failover <site>}: a manual failover - {@code OK failover <site> ok=<bool>}</li>
 *   <li>{@code status}: {@code STATUS <id> active=<site> epoch=<n> acked=<n> failed=<n> backlog=<n>}, with backup
 *       followed by {@code backup-lag=<ms> backup-pending=<n>}</li>
 *   <li>{@code stop}: stops writing, waits up to 10 s for replication to settle (backlog 0), closes the facade,
 *       prints {@code STOPPED <id> backlog=<n> acked=<n>} and exits 0</li>
 * </ul>
 * Its standard input closing (the harness died) stops it the same way.
 */
public final class FleetInstance {

    /**
     * System property choosing the keys written: {@code rotating} (default: keys shared by all instances and keys of
     * its own, rewritten over and over) or {@code unique} (a key per write, {@code w-<id>-<sequence>}).
     */
    public static final String KEYS_PROPERTY = "fleet.keys";
    private static final int SHARED_KEYS = 8;
    private static final int OWN_KEYS = 16;
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final FailoverCloud cloud;
    private final String id;
    private final Writer acks;
    private final Writer events;
    private final long intervalMillis;
    private final AtomicLong sequence;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean writing = true;
    private final boolean uniqueKeys = "unique".equals(System.getProperty(KEYS_PROPERTY));
    private long runbookEpoch = FleetLog.UNKNOWN_EPOCH;

    private FleetInstance(FailoverCloud cloud, String id, Path runDir, long intervalMillis) throws IOException {
        this.cloud = cloud;
        this.id = id;
        this.intervalMillis = intervalMillis;
        Path ackLog = FleetLog.ackLog(runDir, id);
        // a restarted instance jumps past its last logged sequence (and any write in flight when it died), so that
        // every value names one write
        long last = FleetLog.readAcks(ackLog).stream().mapToLong(FleetLog.Ack::sequence).max().orElse(0);
        this.sequence = new AtomicLong(last == 0 ? 1 : last + 1000);
        this.acks = open(ackLog);
        this.events = open(FleetLog.eventLog(runDir, id));
    }

    private static Writer open(Path file) throws IOException {
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Runs an instance until {@code stop} or the end of standard input; see the class comment. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: FleetInstance CONFIG INSTANCE-ID RUN-DIR [WRITE-INTERVAL-MS]");
            System.exit(2);
        }
        long interval = args.length > 3 ? Long.parseLong(args[3]) : 20;
        FailoverCloud cloud = FailoverCloud.open(Path.of(args[0]));
        FleetInstance instance = new FleetInstance(cloud, args[1], Path.of(args[2]), interval);
        instance.run();
        System.exit(0);
    }

    private void run() throws Exception {
        cloud.events().subscribe(this::logEvent);
        cloud.blobs().createContainer(FleetLog.CONTAINER);
        Thread workload = new Thread(this::workload, "fleet-workload-" + id);
        workload.start();
        System.out.println("READY " + id + " active=" + cloud.activeSite() + " epoch=" + cloud.epoch());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!command(line.trim().split("\\s+"))) {
                break;
            }
        }
        writing = false;
        workload.join(SETTLE.toMillis());
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (backlog() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long left = backlog();
        cloud.close();
        synchronized (this) {
            acks.close();
            events.close();
        }
        System.out.println("STOPPED " + id + " backlog=" + left + " acked=" + acked.get());
    }

    /** Executes one command; false to stop. */
    private boolean command(String[] c) {
        try {
            switch (c[0]) {
                case "fault" -> {
                    Fault fault = switch (c[3]) {
                        case "unavailable" -> Fault.unavailable();
                        case "blackhole" -> Fault.blackhole();
                        case "latency" -> Fault.latency(Duration.ofMillis(Long.parseLong(c[4])));
                        default -> throw new IllegalArgumentException("unknown fault " + c[3]);
                    };
                    cloud.switchboard().inject(c[1], Service.of(c[2]), fault);
                    System.out.println("OK " + String.join(" ", c));
                }
                case "clear" -> {
                    cloud.switchboard().clear(c[1]);
                    System.out.println("OK " + String.join(" ", c));
                }
                case "failover" -> System.out.println("OK failover " + c[1] + " ok=" + cloud.failover(c[1]).ok());
                case "status" -> System.out.println("STATUS " + id + " active=" + cloud.activeSite() + " epoch=" + cloud.epoch()
                        + " acked=" + acked.get() + " failed=" + failed.get() + " backlog=" + backlog()
                        + cloud.backup().map(b -> " backup-lag=" + b.status().lag().toMillis() + " backup-pending="
                                + b.status().pending()).orElse(""));
                case "stop" -> {
                    return false;
                }
                case "" -> { }
                default -> System.out.println("ERROR unknown command " + c[0]);
            }
        } catch (RuntimeException e) {
            System.out.println("ERROR " + String.join(" ", c) + ": " + e);
        }
        System.out.flush();
        return true;
    }

    private int backlog() {
        return cloud.siteIds().stream().mapToInt(cloud::replicationBacklog).sum();
    }

    private void workload() {
        long n = 0;
        while (writing) {
            long seq = sequence.getAndIncrement();
            String key = uniqueKeys ? "w-" + id + "-" + seq
                    : n % 2 == 0 ? FleetLog.sharedKey((int) (n / 2 % SHARED_KEYS)) : FleetLog.ownKey(id, (int) (n / 2 % OWN_KEYS));
            n++;
            String value = FleetLog.value(id, seq);
            long epochBefore = cloud.epoch();
            String siteBefore = cloud.activeSite();
            try {
                cloud.blobs().put(BlobId.of(FleetLog.CONTAINER, key), BlobContent.ofUtf8(value));
                long epoch = cloud.epoch();
                String site = cloud.activeSite();
                boolean certain = epoch == epochBefore && site.equals(siteBefore);
                write(acks, new FleetLog.Ack(System.currentTimeMillis(), id, key, value,
                        certain ? epoch : FleetLog.UNKNOWN_EPOCH, certain ? site : "?").line());
                acked.incrementAndGet();
            } catch (RuntimeException e) {
                failed.incrementAndGet(); // not acknowledged: the checker owes it nothing
            }
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void logEvent(FailoverEvent e) {
        long epoch = FleetLog.UNKNOWN_EPOCH;
        String step = "";
        boolean ok = true;
        String site = "";
        String detail = e.toString();
        synchronized (this) {
            if (e instanceof FailoverEvent.FailoverStarted s) {
                // the orchestrator establishes its own epoch + 1; events come on its thread, before the redirect
                runbookEpoch = cloud.epoch() + 1;
                epoch = runbookEpoch;
                site = s.to();
            } else if (e instanceof FailoverEvent.RunbookStepCompleted s) {
                epoch = runbookEpoch;
                step = s.step();
                ok = s.ok();
                detail = s.detail();
            } else if (e instanceof FailoverEvent.ActiveSiteChanged s) {
                epoch = s.epoch();
                site = s.to();
            } else if (e instanceof FailoverEvent.FailoverCompleted s) {
                epoch = runbookEpoch;
                ok = s.ok();
                site = s.to();
                runbookEpoch = FleetLog.UNKNOWN_EPOCH;
            } else if (e instanceof FailoverEvent.SiteHealthChanged s) {
                site = s.site();
            } else if (e instanceof FailoverEvent.FaultChanged s) {
                site = s.site();
            } else if (e instanceof FailoverEvent.WriteFenced s) {
                epoch = s.epoch();
                site = s.site();
            }
            write(events, new FleetLog.Event(e.at().toEpochMilli(), id, e.getClass().getSimpleName(), epoch, step, ok, site,
                    detail).line());
        }
    }

    private synchronized void write(Writer w, String line) {
        try {
            w.write(line);
            w.write('\n');
            w.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
