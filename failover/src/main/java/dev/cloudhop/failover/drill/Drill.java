package dev.cloudhop.failover.drill;

import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.RunbookReport;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.metrics.FailoverMeters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a disaster scenario against a live {@link FailoverCloud} under client traffic and measures what the
 * clients saw: detection time, RTO (from the fault to the first successful client call at the new site,
 * as the client sees it: a call that hung through the failover counts from the fault, not from when it
 * was answered), RPO (writes acknowledged at the failed site that had not reached the new site when
 * clients were redirected), failed calls, and whatever the workload verifies (lost and duplicated messages).
 * When no failover moves the clients (a fault the site rides out, e.g. added latency), the RTO is the time
 * from the fault to the first success after calls began failing, and zero if none failed. Each call's outcome is also
 * counted in 100 ms buckets by when it ended ({@link DrillReport#failedCallsPer100ms()}), and the report places the
 * fault, the redirect and each runbook on the drill's clock, for {@link DrillReportPage}.
 */
public final class Drill {

    private static final Logger LOG = LoggerFactory.getLogger(Drill.class);

    private Drill() {
    }

    /**
     * A disaster to simulate.
     *
     * @param name        short name for reports
     * @param site        the site it strikes
     * @param description one line for humans
     * @param inject      starts the disaster (a switchboard fault, or a real one: killing or freezing a process)
     * @param clear       ends it
     */
    public record Scenario(String name, String site, String description, Consumer<FailoverCloud> inject,
                           Consumer<FailoverCloud> clear) {

        /** A disaster outside the switchboard, e.g. {@code SIGKILL} or {@code SIGSTOP} of an emulator. */
        public static Scenario of(String name, String site, String description, Runnable start, Runnable stop) {
            return new Scenario(name, site, description, c -> start.run(), c -> stop.run());
        }

        /** Every service of {@code site} unavailable: a region-wide outage. */
        public static Scenario regionOutage(String site) {
            return new Scenario("region-outage", site, "every service of " + site + " unavailable",
                    c -> c.switchboard().inject(site, Fault.unavailable()), c -> c.switchboard().clear(site));
        }

        /** One service of {@code site} unavailable: a dependent-service failure. */
        public static Scenario dependentServiceOutage(String site, Service service) {
            return new Scenario("dependent-service-outage", site, service.key() + " of " + site + " unavailable",
                    c -> c.switchboard().inject(site, service, Fault.unavailable()), c -> c.switchboard().clear(site, service));
        }

        /** Every call to {@code site} delayed by {@code latency}: a degraded network. */
        public static Scenario networkLatency(String site, Duration latency) {
            return new Scenario("network-latency", site, latency.toMillis() + " ms latency on every call to " + site,
                    c -> c.switchboard().inject(site, Fault.latency(latency)), c -> c.switchboard().clear(site));
        }

        /**
         * No disaster: a planned move of clients from {@code site} to {@code to} ({@link FailoverCloud#failover}),
         * which drains replication with writes paused, so the report's RPO is 0; a move that cannot drain in time is
         * aborted and clients stay at {@code site}.
         */
        public static Scenario plannedMove(String site, String to) {
            return new Scenario("planned-move", site, "manual failover " + site + " -> " + to + " (planned)",
                    c -> c.failover(to), c -> { });
        }

        /** Every call to {@code site} hangs until the call timeout: a network outage. */
        public static Scenario networkOutage(String site) {
            return new Scenario("network-outage", site, "calls to " + site + " black-holed",
                    c -> c.switchboard().inject(site, Fault.blackhole()), c -> c.switchboard().clear(site));
        }
    }

    /** The client traffic of a drill. */
    public interface Workload {
        /**
         * One client call (e.g. submit an order). Returning normally is a success; throwing is a failed call.
         *
         * @param client the client thread's number
         * @param seq    the call's sequence number within that client
         */
        void call(int client, long seq) throws Exception;

        /** After the drill: the workload's own findings (lost, duplicated, ...), in report order. */
        default Map<String, Object> verify() {
            return Map.of();
        }
    }

    /**
     * How the drill runs.
     *
     * @param clients       client threads
     * @param callInterval  pause between one client's calls
     * @param before        traffic before the fault
     * @param faultFor      how long the fault lasts
     * @param after         traffic after the fault is cleared (and after failback, when asked)
     * @param failback      whether to fail back to the primary once the site is healthy again
     */
    public record Options(int clients, Duration callInterval, Duration before, Duration faultFor, Duration after,
                          boolean failback) {

        /** Validates. */
        public Options {
            if (clients < 1) {
                throw new IllegalArgumentException("clients must be at least 1");
            }
            Objects.requireNonNull(callInterval, "callInterval");
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(faultFor, "faultFor");
            Objects.requireNonNull(after, "after");
        }
    }

    private record Call(long startNanos, long endNanos, boolean ok, String error) {
    }

    /** A runbook's completion as the drill saw it: published right after the runbook measured {@code took}. */
    private record Completed(String from, String to, Duration took, long atNanos) {
    }

    /**
     * Runs the scenario and returns the report, whose detection and RTO are also recorded in the facade's
     * {@link FailoverCloud#meters() meters} ({@code cloudhop.drill.detection}, {@code cloudhop.drill.rto}). Blocks for
     * about before + faultFor + after.
     */
    public static DrillReport run(FailoverCloud cloud, Scenario scenario, Workload workload, Options options)
            throws InterruptedException {
        long t0 = System.nanoTime();
        List<DrillReport.TimedEvent> timeline = Collections.synchronizedList(new ArrayList<>());
        AtomicLong detectedAt = new AtomicLong(-1);
        AtomicLong faultAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong redirectedAt = new AtomicLong(-1);
        List<Completed> completed = Collections.synchronizedList(new ArrayList<>());
        AutoCloseable subscription = cloud.events().subscribe(e -> {
            long at = System.nanoTime();
            timeline.add(new DrillReport.TimedEvent(Duration.ofNanos(at - t0), describe(e)));
            if (e instanceof FailoverEvent.SiteHealthChanged h && !h.up() && h.site().equals(scenario.site())
                    && at >= faultAt.get()) {
                detectedAt.compareAndSet(-1, at);
            }
            if (e instanceof FailoverEvent.ActiveSiteChanged a && a.from().equals(scenario.site()) && at >= faultAt.get()) {
                redirectedAt.compareAndSet(-1, at);
            }
            if (e instanceof FailoverEvent.FailoverCompleted c) {
                completed.add(new Completed(c.from(), c.to(), c.took(), at));
            }
        });
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < options.clients(); c++) {
            int client = c;
            Thread t = new Thread(() -> {
                long seq = 0;
                while (!stop.get() && !Thread.currentThread().isInterrupted()) {
                    long s = System.nanoTime();
                    String error = null;
                    try {
                        workload.call(client, seq++);
                    } catch (Exception e) {
                        // counted and sampled in the report; the stack only for debugging the workload
                        error = e.getClass().getSimpleName() + ": " + e.getMessage();
                        LOG.debug("drill {} at site {}: client {} call {} (workload.call) failed", scenario.name(),
                                scenario.site(), client, seq - 1, e);
                    }
                    calls.add(new Call(s, System.nanoTime(), error == null, error));
                    sleep(options.callInterval());
                }
            }, "drill-client-" + c);
            t.setDaemon(true);
            clients.add(t);
            t.start();
        }
        String before = cloud.activeSite();
        int runbooksBefore = cloud.failovers().size();
        Thread.sleep(options.before().toMillis());
        faultAt.set(System.nanoTime());
        timeline.add(new DrillReport.TimedEvent(Duration.ofNanos(faultAt.get() - t0), "FAULT " + scenario.description()));
        scenario.inject().accept(cloud);
        Thread.sleep(options.faultFor().toMillis());
        long clearedAt = System.nanoTime();
        scenario.clear().accept(cloud);
        timeline.add(new DrillReport.TimedEvent(Duration.ofNanos(clearedAt - t0), "CLEARED " + scenario.description()));
        String primary = cloud.config().priority().get(0);
        if (options.failback()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!cloud.health().allUp(primary, cloud.config().criticalServices()) && System.nanoTime() < deadline) {
                cloud.probeNow();
                Thread.sleep(20);
            }
            cloud.awaitIdle(Duration.ofSeconds(30));
            if (!cloud.activeSite().equals(primary)) {
                cloud.failback();
            }
        }
        Thread.sleep(options.after().toMillis());
        stop.set(true);
        for (Thread t : clients) {
            t.join(30_000);
        }
        cloud.awaitIdle(Duration.ofSeconds(30));
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("drill {} at site {}: event subscription not closed (events.unsubscribe)", scenario.name(),
                    scenario.site(), e);
        }

        List<Call> all;
        synchronized (calls) {
            all = new ArrayList<>(calls);
        }
        all.sort((a, b) -> Long.compare(a.endNanos(), b.endNanos()));
        long fault = faultAt.get();
        List<Call> afterFault = all.stream().filter(c -> c.endNanos() >= fault).toList();
        Duration rto = rto(afterFault, fault, clearedAt, redirectedAt.get());
        List<RunbookReport> runbooks = cloud.failovers().subList(runbooksBefore, cloud.failovers().size());
        int rpoWrites = runbooks.stream().filter(r -> r.from().equals(scenario.site())).mapToInt(RunbookReport::unreplicatedWrites).sum();
        List<String> errors = afterFault.stream().filter(c -> !c.ok()).map(Call::error).distinct().limit(5).toList();
        long end = System.nanoTime();
        int buckets = (int) ((end - t0) / DrillReport.BUCKET.toNanos()) + 1;
        Integer[] perBucket = new Integer[buckets];
        Integer[] failedPerBucket = new Integer[buckets];
        java.util.Arrays.fill(perBucket, 0);
        java.util.Arrays.fill(failedPerBucket, 0);
        for (Call c : all) {
            int i = (int) Math.min(buckets - 1, Math.max(0, (c.endNanos() - t0) / DrillReport.BUCKET.toNanos()));
            perBucket[i]++;
            if (!c.ok()) {
                failedPerBucket[i]++;
            }
        }
        List<Completed> seen;
        synchronized (completed) {
            seen = new ArrayList<>(completed);
        }
        List<Duration> runbookStarts = runbookStarts(runbooks, seen, t0);
        List<DrillReport.TimedEvent> events;
        synchronized (timeline) {
            events = List.copyOf(timeline);
        }
        DrillReport report = new DrillReport(scenario.name(), scenario.description(), before, cloud.activeSite(),
                detectedAt.get() < 0 ? null : Duration.ofNanos(detectedAt.get() - fault), rto, rpoWrites,
                all.size(), (int) all.stream().filter(c -> !c.ok()).count(), errors, runbooks, workload.verify(),
                events, Duration.ofNanos(end - t0), Duration.ofNanos(fault - t0),
                redirectedAt.get() < 0 ? null : Duration.ofNanos(redirectedAt.get() - fault), runbookStarts,
                List.of(perBucket), List.of(failedPerBucket));
        FailoverMeters.drillFinished(cloud.meters(), report);
        return report;
    }

    /**
     * When each runbook began, from the drill's start: its completion event's arrival less its duration. Every runbook
     * the drill reports completed while the drill listened (it was not yet in {@code failovers()} when the drill
     * began); empty if one cannot be matched, so that the report never shows a guess.
     */
    private static List<Duration> runbookStarts(List<RunbookReport> runbooks, List<Completed> seen, long t0) {
        List<Duration> starts = new ArrayList<>();
        int next = 0;
        for (RunbookReport r : runbooks) {
            while (next < seen.size() && !(seen.get(next).from().equals(r.from()) && seen.get(next).to().equals(r.to())
                    && seen.get(next).took().equals(r.took()))) {
                next++;
            }
            if (next == seen.size()) {
                LOG.debug("drill: no completion event seen for runbook {} -> {}; runbook starts not recorded", r.from(), r.to());
                return List.of();
            }
            starts.add(Duration.ofNanos(seen.get(next).atNanos() - t0).minus(r.took()));
            next++;
        }
        return starts;
    }

    /**
     * The outage as clients saw it. With a failover: from the fault to the end of the first successful call
     * that ended after clients were redirected to the new site (calls answered meanwhile by the local
     * capture journal do not count as recovery). Without one: from the fault to the first success after the
     * first failure of a call made while the fault was on; failures after the fault is cleared (e.g. during
     * a failback) count as failed calls but do not stretch the outage.
     */
    private static Duration rto(List<Call> afterFault, long fault, long clearedAt, long redirectedAt) {
        long now = System.nanoTime();
        if (redirectedAt >= 0) {
            return afterFault.stream().filter(c -> c.ok() && c.endNanos() >= redirectedAt).findFirst()
                    .map(c -> Duration.ofNanos(c.endNanos() - fault)).orElse(Duration.ofNanos(now - fault));
        }
        Long firstFailure = afterFault.stream().filter(c -> !c.ok() && c.startNanos() < clearedAt).map(Call::endNanos)
                .findFirst().orElse(null);
        if (firstFailure == null) {
            return Duration.ZERO;
        }
        return afterFault.stream().filter(c -> c.ok() && c.startNanos() >= firstFailure).findFirst()
                .map(c -> Duration.ofNanos(c.endNanos() - fault)).orElse(Duration.ofNanos(now - fault));
    }

    private static String describe(FailoverEvent e) {
        return switch (e.getClass().getSimpleName()) {
            case "SiteHealthChanged" -> {
                FailoverEvent.SiteHealthChanged h = (FailoverEvent.SiteHealthChanged) e;
                yield h.site() + " " + h.service().key() + (h.up() ? " UP" : " DOWN") + " (" + h.reason() + ")";
            }
            case "FailoverStarted" -> {
                FailoverEvent.FailoverStarted f = (FailoverEvent.FailoverStarted) e;
                yield "failover " + f.from() + " -> " + f.to() + " started: " + f.reason();
            }
            case "RunbookStepCompleted" -> {
                FailoverEvent.RunbookStepCompleted s = (FailoverEvent.RunbookStepCompleted) e;
                yield "  step " + s.step() + " " + (s.ok() ? "ok" : "FAILED") + " in " + s.took().toMillis() + " ms: " + s.detail();
            }
            case "ActiveSiteChanged" -> {
                FailoverEvent.ActiveSiteChanged a = (FailoverEvent.ActiveSiteChanged) e;
                yield "clients redirected " + a.from() + " -> " + a.to() + " (epoch " + a.epoch() + ")";
            }
            case "FailoverCompleted" -> {
                FailoverEvent.FailoverCompleted c = (FailoverEvent.FailoverCompleted) e;
                yield "failover " + c.from() + " -> " + c.to() + (c.ok() ? " completed" : " FAILED") + " in " + c.took().toMillis() + " ms";
            }
            case "MessagesReplayed" -> {
                FailoverEvent.MessagesReplayed m = (FailoverEvent.MessagesReplayed) e;
                yield m.count() + " messages of queue " + m.queue() + " delivered to " + m.toSite() + " (" + m.source() + ")";
            }
            case "FaultChanged" -> {
                FailoverEvent.FaultChanged f = (FailoverEvent.FaultChanged) e;
                yield "switchboard: " + f.site() + " " + f.service().key() + " " + (f.on() ? f.fault() : "cleared");
            }
            case "MessageCaptured" -> {
                FailoverEvent.MessageCaptured m = (FailoverEvent.MessageCaptured) e;
                yield "send to " + m.queue() + " captured locally (" + m.site() + " unavailable)";
            }
            default -> e.toString();
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            LOG.debug("drill client {} interrupted: it stops", Thread.currentThread().getName());
            Thread.currentThread().interrupt();
        }
    }
}
