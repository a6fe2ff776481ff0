package dev.cloudhop.failover.runbook;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.RunbookReport;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.event.FailoverEvent;
import dev.cloudhop.failover.fencing.Fence;
import dev.cloudhop.failover.internal.EventBus;
import dev.cloudhop.failover.internal.Threads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides and runs failovers: reacts to health changes (automatic failover away from a failed active
 * site, fencing and merging when a site recovers, automatic failback), runs manual failovers and
 * failbacks, and runs the runbook's steps in order, timing each into a {@link RunbookReport}. All of this
 * happens on one orchestrator thread, so runbooks never overlap. Thread-safe.
 */
public final class Orchestrator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);

    private final RunbookServices s;
    private final List<RunbookStep> steps;
    private final EventBus events;
    private final Clock clock;
    private final Runnable onRunbook;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Threads.daemon("cloudhop-orchestrator"));
    /** Runs the front-door steps of data-plane-first runbooks beside each other. */
    private final ExecutorService frontDoor = Executors.newCachedThreadPool(Threads.daemon("cloudhop-front-door"));
    private final List<RunbookReport> reports = new CopyOnWriteArrayList<>();
    /** The target of the last automatic runbook, when it failed: not retried while it stays the candidate. */
    private volatile String failedTarget;

    /**
     * @param services  the facade's parts
     * @param steps     every step in order: {@link #steps}
     * @param onRunbook called after every runbook that moved clients or tried to (a meter)
     */
    public Orchestrator(RunbookServices services, List<RunbookStep> steps, EventBus events, Clock clock, Runnable onRunbook) {
        this.s = services;
        this.steps = List.copyOf(steps);
        this.events = events;
        this.clock = clock;
        this.onRunbook = onRunbook;
    }

    /**
     * The built-in steps with application steps placed among them, in the order they were added.
     *
     * @throws IllegalArgumentException when a position names no step or a name is taken
     */
    public static List<RunbookStep> steps(FailoverConfig.RunbookOrder order,
                                          List<Map.Entry<RunbookStep.Position, RunbookStep>> userSteps) {
        return StepOrder.of(builtIns(order), userSteps);
    }

    /**
     * The built-in steps in order. Data plane first: {@code redirect} comes before {@code provision} and
     * {@code switch-dns}, which then run concurrently; compute first: both come before {@code redirect}, one after the
     * other.
     */
    static List<RunbookStep> builtIns(FailoverConfig.RunbookOrder order) {
        List<RunbookStep> before = List.of(new ReconcileStep(), new PreSyncStep(), new DrainStep(), new FenceStep(),
                new SettleReplicationStep(), new PrepareStep());
        List<RunbookStep> frontDoor = List.of(new ProvisionStep(), new SwitchDnsStep());
        List<RunbookStep> after = List.of(new ReleaseStep(), new ReplayStep(), new VerifyStep());
        List<RunbookStep> all = new ArrayList<>(before);
        if (order == FailoverConfig.RunbookOrder.COMPUTE_FIRST) {
            all.addAll(frontDoor);
            all.add(new RedirectStep());
        } else {
            all.add(new RedirectStep());
            all.addAll(frontDoor);
        }
        all.addAll(after);
        return List.copyOf(all);
    }

    /** Whether a step belongs to the front door (compute and DNS), which data-plane-first runbooks run concurrently. */
    private static boolean frontDoor(RunbookStep step) {
        return step instanceof ProvisionStep || step instanceof SwitchDnsStep;
    }

    /** The steps every runbook considers, in order. */
    public List<String> stepNames() {
        return steps.stream().map(RunbookStep::name).toList();
    }

    /** Every runbook run so far, oldest first. */
    public List<RunbookReport> reports() {
        return List.copyOf(reports);
    }

    /** Fails over to {@code to} now and waits for the runbook's report. */
    public RunbookReport failover(String to) {
        s.router().site(to);
        return await(thread.submit(() -> runbook(to, "manual failover to " + to, true)));
    }

    /** Returns to the primary (the first site of {@code priority}) and waits for the report. */
    public RunbookReport failback() {
        String primary = s.config().priority().get(0);
        return await(thread.submit(() -> runbook(primary, "failback to " + primary, true)));
    }

    /** Completes when the work queued so far (runbooks, replays, recoveries) is done. */
    public Future<?> barrier() {
        return thread.submit(() -> { });
    }

    /** A service of a site changed health (called by the health monitor). */
    public void healthChanged(String siteId, Service service) {
        if (s.active().closed()) {
            return;
        }
        FailoverConfig config = s.config();
        String active = s.active().site();
        s.fleet().publishView(ownView());
        if (siteId.equals(active) && down(active) && config.automatic() && s.fleet().isLeader()) {
            later(() -> decide(siteId, "automatic: " + service.key() + " down at " + siteId));
            return;
        }
        boolean up = s.health().isUp(siteId, service);
        if (up && !siteId.equals(active) && s.health().allUp(siteId, config.criticalServices())) {
            later(() -> recover(siteId));
        }
        if (up && service == Service.QUEUE && siteId.equals(active)) {
            later(() -> s.replayChecked(s.router().active()));
        }
    }

    /**
     * After a probe round: replays captured sends once the active site's queues are up, and sweeps the other
     * sites for stranded messages every {@code replication.merge-interval}.
     */
    public void afterProbeRound() {
        if (s.active().closed()) {
            return;
        }
        s.fleet().publishView(ownView());
        // In a fleet, other instances' views change without a health change here; alone, a failed automatic runbook is
        // retried once its target is seen down too and another candidate is up.
        String active = s.active().site();
        if (s.config().automatic() && s.fleet().isLeader() && (s.coordinated() || failedTarget != null) && down(active)
                && candidate(active).filter(to -> !to.equals(failedTarget)).isPresent()) {
            later(() -> decide(active, "automatic: " + active + " still down"));
        }
        if (s.replay().pending() && s.health().isUp(s.active().site(), Service.QUEUE)) {
            later(() -> s.replayChecked(s.router().active()));
        }
        s.merger().sweepIfDue();
    }

    /** A site came back: fence it at the current epoch, move its stranded messages, maybe fail back. */
    private void recover(String siteId) {
        if (s.health().isUp(siteId, Service.DNS)) {
            s.dns().refresh(siteId);
        }
        try {
            Fence held = s.fences().write(s.router().site(siteId), new Fence(s.active().epoch(), s.active().site()));
            if (held.epoch() > s.active().epoch()) {
                s.active().adopt(held.epoch(), held.activeSite());
                return; // another instance moved the fleet while this one did not see the site
            }
        } catch (CloudException e) {
            LOG.warn("site {} recovered but its fence could not be written (blob.put): {}; tried on its next recovery",
                    siteId, e.toString());
            return;
        }
        String primary = s.config().priority().get(0);
        if (s.config().automaticFailback() && siteId.equals(primary) && !s.active().site().equals(primary)) {
            // the failback's own replay step moves what is stranded at the active site; the primary's are home
            runQuietly(primary, "automatic failback: " + primary + " healthy again", true);
        } else {
            s.merger().request(siteId);
        }
    }

    /** Fails over when the active site is (still) down and a candidate is up: on the orchestrator thread. */
    /**
     * Moves away from the active site if it is down. {@code reason} is about {@code site}, the active site when the
     * decision was queued; if a runbook moved clients since, the site now active is judged, and named, instead.
     */
    private void decide(String site, String reason) {
        String now = s.active().site();
        if (down(now) && s.fleet().isLeader()) {
            String why = now.equals(site) ? reason : "automatic: " + now + " down (after " + reason.replace("automatic: ", "") + ")";
            candidate(now).ifPresent(to -> runQuietly(to, why, false));
        }
    }

    /**
     * Whether a site's critical services are down: alone, as this instance sees it; in a fleet, as the fleet sees
     * it (an instance that alone loses a site does not move the fleet: its calls fail until its view heals).
     */
    private boolean down(String site) {
        return s.coordinated() ? s.fleet().fleetDown().contains(site) : !s.health().allUp(site, s.config().criticalServices());
    }

    /** The sites whose critical services this instance sees down. */
    private Set<String> ownView() {
        return s.config().priority().stream().filter(id -> !s.health().allUp(id, s.config().criticalServices()))
                .collect(Collectors.toSet());
    }

    private Optional<String> candidate(String from) {
        return s.config().priority().stream().filter(id -> !id.equals(from)).filter(id -> !down(id)).findFirst();
    }

    private void runQuietly(String to, String reason, boolean requested) {
        try {
            failedTarget = runbook(to, reason, requested).ok() ? null : to;
        } catch (RuntimeException e) {
            LOG.error("runbook to site {} ({}) failed outside its steps", to, reason, e);
        }
    }

    private void later(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("orchestration task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("orchestrator closed: task dropped", e);
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while failing over", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Runs on the orchestrator thread only.
     *
     * @param requested a manual failover or a failback (not a reaction to an outage): planned when the site left is
     *                  healthy
     */
    private RunbookReport runbook(String to, String reason, boolean requested) {
        String from = s.active().site();
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        List<RunbookReport.Step> done = new ArrayList<>();
        if (from.equals(to)) {
            return new RunbookReport(from, to, reason + " (already active)", s.active().epoch(), started, Duration.ZERO, true,
                    0, done);
        }
        LOG.warn("failover {} -> {} started: {}", from, to, reason);
        events.publish(new FailoverEvent.FailoverStarted(started, from, to, reason));
        boolean planned = requested && s.health().allUp(from, s.config().criticalServices());
        RunbookContext context = new RunbookContext(s, from, to, reason, s.active().epoch() + 1, planned);
        boolean ok = true;
        if (planned) {
            // backpressure: until the drain pauses them (or the fence, without a drain), each write waits (up to client-wait) for its copy to the
            // target, so writers cannot outrun replication while it catches up
            s.replicator().throttleWrites(to, s.config().clientWait());
        }
        boolean concurrentFrontDoor = s.config().runbookOrder() == FailoverConfig.RunbookOrder.DATA_PLANE_FIRST;
        try {
            for (int i = 0; i < steps.size() && ok; i++) {
                RunbookStep step = steps.get(i);
                if (step instanceof DrainStep || step instanceof FenceStep) {
                    s.replicator().stopThrottling(); // the drain pauses writes instead: none may wait on a copy then
                    s.active().switching(true); // writes wait from the fence (a planned move: from the drain) to the redirect
                }
                if (concurrentFrontDoor && frontDoor(step)) {
                    List<RunbookStep> group = new ArrayList<>();
                    for (; i < steps.size() && frontDoor(steps.get(i)); i++) {
                        if (steps.get(i).appliesTo(context)) {
                            group.add(steps.get(i));
                        }
                    }
                    i--; // the loop's own increment moves past the group
                    ok = runConcurrently(group, context, done, t0);
                    continue;
                }
                if (step.appliesTo(context)) {
                    ok = run(step, context, done, t0) || !step.required();
                }
                if (step instanceof RedirectStep) {
                    s.active().switching(false);
                }
            }
        } finally {
            s.replicator().stopThrottling();
            s.active().switching(false);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        RunbookReport report = new RunbookReport(from, to, reason, context.epoch(), started, took, ok,
                context.unreplicatedWrites(), done);
        reports.add(report);
        onRunbook.run();
        events.publish(new FailoverEvent.FailoverCompleted(clock.instant(), from, to, ok, took));
        if (ok) {
            LOG.warn("failover {} -> {} completed in {} ms", from, to, took.toMillis());
        } else {
            LOG.error("failover {} -> {} FAILED in {} ms: {}", from, to, took.toMillis(), done.get(done.size() - 1));
        }
        return report;
    }

    /**
     * Runs adjacent front-door steps at once (each on its own thread) and waits for all of them; each is reported as if
     * it had run alone, in the runbook's order, with its own start offset.
     *
     * @return false when a required step of the group failed
     */
    private boolean runConcurrently(List<RunbookStep> group, RunbookContext context, List<RunbookReport.Step> done, long t0) {
        if (group.size() <= 1) {
            return group.isEmpty() || run(group.get(0), context, done, t0) || !group.get(0).required();
        }
        List<java.util.concurrent.CompletableFuture<RunbookReport.Step>> running = new ArrayList<>();
        for (RunbookStep step : group) {
            running.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> attempt(step, context, t0), frontDoor));
        }
        boolean ok = true;
        for (int k = 0; k < group.size(); k++) {
            RunbookReport.Step result;
            try {
                result = running.get(k).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.forEach(f -> f.cancel(true));
                result = new RunbookReport.Step(group.get(k).name(), Duration.ZERO, false, "interrupted: the orchestrator is closing",
                        Duration.ofNanos(System.nanoTime() - t0));
            } catch (ExecutionException e) {
                result = new RunbookReport.Step(group.get(k).name(), Duration.ZERO, false, e.getCause().toString(),
                        Duration.ofNanos(System.nanoTime() - t0));
            }
            record(result, done);
            ok &= result.ok() || !group.get(k).required();
        }
        return ok;
    }

    private boolean run(RunbookStep step, RunbookContext context, List<RunbookReport.Step> done, long t0) {
        RunbookReport.Step result = attempt(step, context, t0);
        record(result, done);
        return result.ok();
    }

    private void record(RunbookReport.Step result, List<RunbookReport.Step> done) {
        done.add(result);
        events.publish(new FailoverEvent.RunbookStepCompleted(clock.instant(), result.name(), result.took(), result.ok(),
                result.detail()));
    }

    /** Runs one step and times it; never throws. */
    private RunbookReport.Step attempt(RunbookStep step, RunbookContext context, long t0) {
        long t = System.nanoTime();
        boolean ok;
        String detail;
        try {
            detail = step.run(context);
            ok = true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            detail = e.getClass().getSimpleName() + ": " + e.getMessage();
            ok = false;
            LOG.warn("runbook step {} ({} -> {}) failed", step.name(), context.from(), context.to(), e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t);
        return new RunbookReport.Step(step.name(), took, ok, detail, Duration.ofNanos(t - t0));
    }

    /** Stops orchestrating; a runbook in progress is interrupted. */
    @Override
    public void close() {
        thread.shutdownNow();
        frontDoor.shutdownNow();
    }
}
