package dev.cloudhop.failover.coordination;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.failover.fencing.Fence;
import dev.cloudhop.failover.fencing.SystemBlobs;
import dev.cloudhop.failover.internal.InterceptedSite;
import dev.cloudhop.failover.internal.Threads;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordination with no infrastructure beyond the sites ({@code coordination.kind = sites}), like a failover
 * cluster's cloud witness. In {@value Fence#CONTAINER} on every site's blob store:
 * <ul>
 *   <li>{@code register}: {@code "<epoch> <site>"}, changed only by conditional writes (ETag or create-only) and
 *       decided when a majority of all sites holds it. A read needs a majority of sites to answer and takes the
 *       highest epoch among them; by quorum intersection a decided value is always among them, so a single value
 *       at the highest epoch is rolled forward (written to the answering sites that lack it). Two values at the
 *       highest epoch with neither on a majority are unknown until more sites answer.</li>
 *   <li>{@code lease}: {@code "<instance> <untilMillis>"}, the runbook owner's lease, taken (when expired) and
 *       renewed every {@code lease/3} by conditional writes; held while a majority accepted it.</li>
 *   <li>{@code views/<instance>}: {@code "<millis> <site,site|->"}, the sites an instance sees down, written to every
 *       site it reaches; views younger than two leases count.</li>
 * </ul>
 * This instance may acknowledge writes while it has read the register from a majority within one lease.
 * Thread-safe: a background thread refreshes every {@code lease/3}.
 */
public final class SitesCoordinator implements Coordinator {

    private static final Logger LOG = LoggerFactory.getLogger(SitesCoordinator.class);
    static final String REGISTER = "register";
    static final String LEASE = "lease";
    static final String VIEWS = "views/";

    private final List<InterceptedSite> sites;
    private final String instance;
    private final double share;
    private final Duration lease;
    private final Clock clock;
    private final int majority;
    private final List<Consumer<Register>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread;
    private final Object lock = new Object();
    private volatile Register current;
    private volatile long readAtMillis = Long.MIN_VALUE / 2;
    private volatile long leaseUntilMillis = Long.MIN_VALUE / 2;
    private volatile Set<String> ownView = Set.of();
    private volatile Set<String> fleetDown = Set.of();

    /**
     * @param sites    every site (at least three; their blob stores should support conditional writes)
     * @param instance this instance's id in the fleet
     * @param share    a site is down for the fleet when more than this share of live instances sees it down (1: all)
     * @param lease    the leader's lease and how fresh a register read must be to acknowledge writes
     */
    public SitesCoordinator(List<InterceptedSite> sites, String instance, double share, Duration lease, Clock clock) {
        this.sites = List.copyOf(sites);
        this.instance = instance;
        this.share = share;
        this.lease = lease;
        this.clock = clock;
        this.majority = sites.size() / 2 + 1;
        this.thread = Executors.newSingleThreadScheduledExecutor(Threads.daemon("cloudhop-coordination-" + instance));
    }

    /** This instance's id in the fleet. */
    public String instance() {
        return instance;
    }

    @Override
    public Register join(Register initial) {
        synchronized (lock) {
            Optional<Register> read = readRegister();
            if (read.isEmpty()) {
                Map<InterceptedSite, SystemBlobs.Read> seen = readAll(REGISTER);
                if (writeAll(REGISTER, seen, format(initial)) < majority) {
                    read = readRegister(); // another instance created it first
                } else {
                    read = Optional.of(initial);
                }
            }
            current = read.orElseThrow(() -> new CoordinationException("the fleet's register could not be created on a "
                    + "majority of the sites"));
            readAtMillis = clock.millis();
        }
        long period = Math.max(10, lease.toMillis() / 3);
        thread.scheduleWithFixedDelay(this::refreshQuietly, 0, period, TimeUnit.MILLISECONDS);
        return current;
    }

    @Override
    public Register current() {
        return current;
    }

    /** An instance acknowledges for one lease after its last read of the register from a majority. */
    @Override
    public Duration staleWriterBound() {
        return lease;
    }

    @Override
    public boolean mayAcknowledge() {
        return clock.millis() - readAtMillis < lease.toMillis();
    }

    @Override
    public boolean compareAndSet(Register expected, Register next) {
        synchronized (lock) {
            Map<InterceptedSite, SystemBlobs.Read> seen = readAll(REGISTER);
            Register now = decide(seen).orElseThrow(() -> new CoordinationException("the fleet's register is unknown: "
                    + "fewer than a majority of " + sites.size() + " sites answered, or they disagree"));
            if (!now.equals(expected)) {
                adopt(now);
                return false;
            }
            int accepted = writeAll(REGISTER, seen, format(next));
            if (accepted >= majority) {
                current = next;
                readAtMillis = clock.millis();
                LOG.warn("fleet register moved to epoch {} site {} by instance {}", next.epoch(), next.activeSite(), instance);
                return true;
            }
            Optional<Register> after = decide(readAll(REGISTER));
            if (after.isPresent() && after.get().epoch() >= next.epoch() && !after.get().equals(next)) {
                adopt(after.get());
                return false;
            }
            throw new CoordinationException("the fleet's register move to epoch " + next.epoch() + " site "
                    + next.activeSite() + " reached " + accepted + " of " + sites.size() + " sites (a majority is " + majority
                    + "): its outcome is unknown until a majority answers");
        }
    }

    @Override
    public boolean isLeader() {
        return clock.millis() < leaseUntilMillis;
    }

    @Override
    public void publishView(Set<String> sitesDown) {
        ownView = Set.copyOf(sitesDown);
    }

    @Override
    public Set<String> fleetDown() {
        return fleetDown;
    }

    @Override
    public void onChange(Consumer<Register> listener) {
        listeners.add(listener);
    }

    /** Reads the register, renews or takes the lease, writes this instance's view and reads the fleet's. */
    void refresh() {
        synchronized (lock) {
            readRegister().ifPresent(r -> {
                readAtMillis = clock.millis();
                adopt(r);
            });
        }
        renewLease();
        writeView();
        readViews();
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("fleet coordination refresh of instance {} failed", instance, e);
        }
    }

    private void adopt(Register r) {
        Register old = current;
        if (old == null || r.epoch() > old.epoch()) {
            current = r;
            listeners.forEach(l -> l.accept(r));
        }
    }

    /** The decided register among a majority of answering sites, rolled forward to those that lack it. */
    private Optional<Register> readRegister() {
        Map<InterceptedSite, SystemBlobs.Read> seen = readAll(REGISTER);
        Optional<Register> decided = decide(seen);
        decided.ifPresent(r -> seen.forEach((site, read) -> {
            if (!read.found().map(t -> t.trim().equals(format(r))).orElse(false) && !(read instanceof SystemBlobs.Unreadable)
                    && parse(read).map(x -> x.epoch() <= r.epoch()).orElse(true)) {
                try {
                    SystemBlobs.write(site, REGISTER, format(r), read); // roll forward; a lost condition is fine
                } catch (CloudException e) {
                    LOG.debug("register of site {} not rolled forward now", site.id(), e);
                }
            }
        }));
        return decided;
    }

    private Optional<Register> decide(Map<InterceptedSite, SystemBlobs.Read> seen) {
        long answered = seen.values().stream().filter(r -> !(r instanceof SystemBlobs.Unreadable)).count();
        if (answered < majority) {
            return Optional.empty();
        }
        Map<Register, Integer> counts = new HashMap<>();
        seen.values().forEach(r -> parse(r).ifPresent(reg -> counts.merge(reg, 1, Integer::sum)));
        if (counts.isEmpty()) {
            return Optional.empty();
        }
        long top = counts.keySet().stream().mapToLong(Register::epoch).max().orElseThrow();
        List<Register> atTop = counts.keySet().stream().filter(r -> r.epoch() == top).toList();
        if (atTop.size() == 1) {
            return Optional.of(atTop.get(0));
        }
        return atTop.stream().filter(r -> counts.get(r) >= majority).findFirst();
    }

    private Map<InterceptedSite, SystemBlobs.Read> readAll(String name) {
        Map<InterceptedSite, SystemBlobs.Read> seen = new LinkedHashMap<>();
        sites.forEach(s -> seen.put(s, SystemBlobs.read(s, name)));
        return seen;
    }

    /** Writes record {@code name} as {@code text}, conditionally on what was seen, at every answering site; how many took it. */
    private static int writeAll(String name, Map<InterceptedSite, SystemBlobs.Read> seen, String text) {
        int accepted = 0;
        for (Map.Entry<InterceptedSite, SystemBlobs.Read> e : seen.entrySet()) {
            if (e.getValue() instanceof SystemBlobs.Unreadable) {
                continue;
            }
            try {
                if (SystemBlobs.write(e.getKey(), name, text, e.getValue())) {
                    accepted++;
                }
            } catch (CloudException ex) {
                LOG.debug("site {} did not take {} now", e.getKey().id(), name, ex);
            }
        }
        return accepted;
    }

    /** Takes the lease when it is free or expired at a majority, or renews it; leads while a majority holds it. */
    private void renewLease() {
        long now = clock.millis();
        Map<InterceptedSite, SystemBlobs.Read> seen = readAll(LEASE);
        Map<InterceptedSite, SystemBlobs.Read> writable = new LinkedHashMap<>();
        seen.forEach((site, read) -> {
            Optional<String[]> held = read.found().map(t -> t.trim().split("\\s+"));
            boolean free = read instanceof SystemBlobs.Absent || held.map(h -> h.length < 2 || h[0].equals(instance)
                    || expired(h[1], now)).orElse(false);
            if (free) {
                writable.put(site, read);
            }
        });
        if (writable.size() < majority) {
            return; // another instance holds it at a majority, or too few sites answer: this one's lapses
        }
        long until = now + lease.toMillis();
        if (writeAll(LEASE, writable, instance + " " + until) >= majority) {
            if (!isLeader()) {
                LOG.info("instance {} leads the fleet's runbooks (lease until {})", instance, until);
            }
            leaseUntilMillis = until;
        }
    }

    private static boolean expired(String untilMillis, long now) {
        try {
            return Long.parseLong(untilMillis) <= now;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Writes this instance's view to every site that answers. */
    private void writeView() {
        String text = clock.millis() + " " + (ownView.isEmpty() ? "-" : String.join(",", new TreeSet<>(ownView)));
        for (InterceptedSite site : sites) {
            try {
                SystemBlobs.write(site, VIEWS + instance, text, new SystemBlobs.Unconditional());
            } catch (CloudException e) {
                LOG.debug("view of instance {} not written at site {} now", instance, site.id(), e);
            }
        }
    }

    /** The sites more than {@code share} of the fresh views see down (this instance's own view counts as fresh). */
    private void readViews() {
        long now = clock.millis();
        Map<String, long[]> newest = new HashMap<>();
        Map<String, Set<String>> views = new HashMap<>();
        for (InterceptedSite site : sites) {
            List<BlobEntry> entries;
            try {
                entries = site.blobs().list(Fence.CONTAINER, ListOptions.prefix(VIEWS)).toList();
            } catch (CloudException e) {
                continue;
            }
            for (BlobEntry entry : entries) {
                String other = entry.name().substring(VIEWS.length());
                SystemBlobs.read(site, entry.name()).found().ifPresent(text -> {
                    String[] p = text.trim().split("\\s+");
                    long at;
                    try {
                        at = Long.parseLong(p[0]);
                    } catch (NumberFormatException e) {
                        return;
                    }
                    if (now - at < 2 * lease.toMillis() && at > newest.getOrDefault(other, new long[]{Long.MIN_VALUE})[0]) {
                        newest.put(other, new long[]{at});
                        views.put(other, p.length < 2 || p[1].equals("-") ? Set.of() : Set.of(p[1].split(",")));
                    }
                });
            }
        }
        views.put(instance, ownView);
        Map<String, Integer> down = new HashMap<>();
        views.values().forEach(v -> v.forEach(site -> down.merge(site, 1, Integer::sum)));
        Set<String> result = new HashSet<>();
        down.forEach((site, n) -> {
            if (n > share * views.size() || share >= 1 && n == views.size()) {
                result.add(site);
            }
        });
        fleetDown = Set.copyOf(result);
    }

    /** Stops refreshing and gives the lease up (a successor need not wait for it to expire). */
    @Override
    public void close() {
        thread.shutdownNow();
        if (isLeader()) {
            leaseUntilMillis = Long.MIN_VALUE / 2;
            Map<InterceptedSite, SystemBlobs.Read> seen = readAll(LEASE);
            seen.values().removeIf(r -> !r.found().map(t -> t.startsWith(instance + " ")).orElse(false));
            writeAll(LEASE, seen, instance + " 0");
        }
    }

    private static String format(Register r) {
        return r.epoch() + " " + r.activeSite();
    }

    private static Optional<Register> parse(SystemBlobs.Read read) {
        return read.found().flatMap(t -> {
            String[] p = t.trim().split("\\s+");
            try {
                return p.length >= 2 ? Optional.of(new Register(Long.parseLong(p[0]), p[1])) : Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }
}
