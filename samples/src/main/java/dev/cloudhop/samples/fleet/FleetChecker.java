package dev.cloudhop.samples.fleet;

import dev.cloudhop.samples.fleet.FleetLog.Ack;
import dev.cloudhop.samples.fleet.FleetLog.Event;
import dev.cloudhop.samples.fleet.FleetReport.Rule;
import dev.cloudhop.samples.fleet.FleetReport.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks a fleet run against the invariants without asking Cloudhop: it reads the instances' own records
 * (ack and event logs, see {@link FleetLog}) and the sites' blobs as plain files in their directories
 * ({@code <site dir>/<container>/<key>} holds the blob's bytes). Run it after the instances stopped and
 * replication settled.
 *
 * <p>The rules, over acknowledgements whose epoch and site did not change while the write was in flight
 * ("certain" ones):
 * <ol>
 *   <li>a. Per epoch, the certain acknowledgements name one site.
 *       b. For two sites X != Y and epochs e &lt; e', X's last acknowledgement at e is not later than Y's first
 *       at e' plus a grace (default 200 ms, for a write that passed the fence check just before the fence
 *       moved): an older epoch does not keep accepting writes once a newer one does elsewhere.</li>
 *   <li>The final site is that of the latest certain acknowledgement. For a key written by one instance only
 *       ({@code own-*}), the blob there holds a value of that instance with a sequence at least that of its last
 *       acknowledged write to the key (a later write may have landed without its acknowledgement). For a key
 *       shared by all instances, concurrent writers have no order the checker can know: the blob must exist and
 *       hold a workload value.</li>
 *   <li>Per epoch, over all instances: at most one successful {@code provision} step, one successful
 *       {@code switch-dns} step that switched a record (not one whose detail says {@value #NO_DNS}), and one
 *       successful {@code redirect} step (one failover decision).</li>
 * </ol>
 * The blob workload sends no orders, so "no order processed twice" is not checked here.
 */
public final class FleetChecker {

    /** Default grace of rule 1b. */
    public static final Duration DEFAULT_GRACE = Duration.ofMillis(200);

    /** The detail of a {@code switch-dns} step that had no record to switch: it does not count for rule 3. */
    public static final String NO_DNS = "no DNS record configured";

    private final Duration grace;

    /** A checker with grace {@code grace} for rule 1b. */
    public FleetChecker(Duration grace) {
        this.grace = grace;
    }

    /** A checker with {@link #DEFAULT_GRACE}. */
    public FleetChecker() {
        this(DEFAULT_GRACE);
    }

    /**
     * Checks the run in {@code runDir} (every {@code acks-*.log} and {@code events-*.log} there).
     *
     * @param sites          each site's blob directory by site id
     * @param faultsInjected reported as is
     */
    public FleetReport check(Path runDir, Map<String, Path> sites, int faultsInjected) {
        List<Ack> acks = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        for (String instance : instances(runDir)) {
            acks.addAll(FleetLog.readAcks(FleetLog.ackLog(runDir, instance)));
            events.addAll(FleetLog.readEvents(FleetLog.eventLog(runDir, instance)));
        }
        return check(acks, events, sites, faultsInjected);
    }

    /** Checks given records; see the class comment for the rules. */
    public FleetReport check(List<Ack> acks, List<Event> events, Map<String, Path> sites, int faultsInjected) {
        List<Violation> violations = new ArrayList<>();
        List<Ack> certain = acks.stream().filter(Ack::certain).sorted(Comparator.comparingLong(Ack::atMillis)).toList();
        epochs(certain, violations);
        String finalSite = certain.isEmpty() ? null : certain.get(certain.size() - 1).site();
        if (finalSite != null) {
            lostWrites(acks, sites.get(finalSite), finalSite, violations);
        }
        decisions(events, violations);
        long failovers = events.stream().filter(e -> e.type().equals("FailoverCompleted") && e.ok()).count();
        return new FleetReport(violations, acks.size(), acks.size() - certain.size(), faultsInjected, failovers, finalSite,
                switchGaps(certain), runbookDurations(events));
    }

    /** Per epoch change in the time-ordered certain acknowledgements, the silence before the newer epoch's first one. */
    private static List<Long> switchGaps(List<Ack> certain) {
        List<Long> gaps = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        long lastAt = -1;
        for (Ack a : certain) {
            if (lastAt >= 0 && a.epoch() > newest) {
                gaps.add(a.atMillis() - lastAt);
            }
            newest = Math.max(newest, a.epoch());
            lastAt = a.atMillis();
        }
        return gaps;
    }

    /** Per instance, each successful runbook's time from {@code FailoverStarted} to {@code FailoverCompleted}. */
    private static List<Long> runbookDurations(List<Event> events) {
        List<Long> durations = new ArrayList<>();
        Map<String, Long> startedAt = new TreeMap<>();
        events.stream().sorted(Comparator.comparingLong(Event::atMillis)).forEach(e -> {
            if (e.type().equals("FailoverStarted")) {
                startedAt.put(e.instance(), e.atMillis());
            } else if (e.type().equals("FailoverCompleted")) {
                Long start = startedAt.remove(e.instance());
                if (start != null && e.ok()) {
                    durations.add(e.atMillis() - start);
                }
            }
        });
        return durations;
    }

    private static Set<String> instances(Path runDir) {
        try (Stream<Path> files = Files.list(runDir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("(acks|events)-.+\\.log"))
                    .map(n -> n.substring(n.indexOf('-') + 1, n.length() - ".log".length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runDir, e);
        }
    }

    /** Rule 1. */
    private void epochs(List<Ack> certain, List<Violation> violations) {
        // (epoch, site) -> [first, last] ack time and the instances that wrote there
        record Span(long epoch, String site, long first, long last, Set<String> instances) {
        }
        Map<Long, Map<String, Span>> byEpoch = new TreeMap<>();
        for (Ack a : certain) {
            byEpoch.computeIfAbsent(a.epoch(), e -> new TreeMap<>()).merge(a.site(),
                    new Span(a.epoch(), a.site(), a.atMillis(), a.atMillis(), new TreeSet<>(Set.of(a.instance()))),
                    (x, y) -> {
                        x.instances().addAll(y.instances());
                        return new Span(x.epoch(), x.site(), Math.min(x.first(), y.first()), Math.max(x.last(), y.last()),
                                x.instances());
                    });
        }
        for (Map.Entry<Long, Map<String, Span>> e : byEpoch.entrySet()) {
            if (e.getValue().size() > 1) {
                violations.add(new Violation(Rule.EPOCH_WITH_TWO_SITES, "epoch " + e.getKey() + " acknowledged at "
                        + e.getValue().values().stream().map(s -> s.site() + " by " + s.instances()).collect(Collectors.joining(", "))));
            }
        }
        List<Span> spans = byEpoch.values().stream().flatMap(m -> m.values().stream()).toList();
        for (Span older : spans) {
            for (Span newer : spans) {
                if (older.epoch() < newer.epoch() && !older.site().equals(newer.site())
                        && older.last() > newer.first() + grace.toMillis()) {
                    violations.add(new Violation(Rule.OVERLAPPING_EPOCHS, String.format(
                            "%s acknowledged epoch %d writes (by %s) until %d, %d ms after %s acknowledged epoch %d (by %s) at %d",
                            older.site(), older.epoch(), older.instances(), older.last(), older.last() - newer.first(),
                            newer.site(), newer.epoch(), newer.instances(), newer.first())));
                }
            }
        }
    }

    /** Rule 2. */
    private static void lostWrites(List<Ack> acks, Path siteDir, String site, List<Violation> violations) {
        Map<String, List<Ack>> byKey = acks.stream().collect(Collectors.groupingBy(Ack::key, TreeMap::new, Collectors.toList()));
        for (Map.Entry<String, List<Ack>> k : byKey.entrySet()) {
            String key = k.getKey();
            Optional<String> stored = read(siteDir.resolve(FleetLog.CONTAINER).resolve(key));
            String owner = FleetLog.owner(key);
            if (owner == null) {
                if (stored.isEmpty() || FleetLog.sequence(stored.get()) < 0) {
                    violations.add(new Violation(Rule.LOST_WRITE, "shared key " + key + " was acknowledged " + k.getValue().size()
                            + " times but " + site + " holds " + stored.map(v -> "'" + v + "'").orElse("nothing")));
                }
                continue;
            }
            Ack last = k.getValue().stream().filter(a -> a.instance().equals(owner)).max(Comparator.comparingLong(Ack::sequence))
                    .orElse(null);
            if (last == null) {
                continue;
            }
            boolean kept = stored.isPresent() && FleetLog.writer(stored.get()).equals(owner)
                    && FleetLog.sequence(stored.get()) >= last.sequence();
            if (!kept) {
                violations.add(new Violation(Rule.LOST_WRITE, key + " = '" + last.value() + "' acknowledged at " + last.atMillis()
                        + " (epoch " + last.epoch() + ", " + last.site() + ") but " + site + " holds "
                        + stored.map(v -> "'" + v + "'").orElse("nothing")));
            }
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Rule 3. */
    private static void decisions(List<Event> events, List<Violation> violations) {
        Map<String, Rule> steps = Map.of("provision", Rule.DOUBLE_PROVISIONING, "switch-dns", Rule.DOUBLE_DNS_SWITCH,
                "redirect", Rule.DOUBLE_REDIRECT);
        Map<String, Map<Long, List<Event>>> done = events.stream()
                .filter(e -> e.type().equals("RunbookStepCompleted") && e.ok() && steps.containsKey(e.step())
                        && e.epoch() != FleetLog.UNKNOWN_EPOCH && !e.detail().startsWith(NO_DNS))
                .collect(Collectors.groupingBy(Event::step, TreeMap::new,
                        Collectors.groupingBy(Event::epoch, TreeMap::new, Collectors.toList())));
        done.forEach((step, byEpoch) -> byEpoch.forEach((epoch, list) -> {
            if (list.size() > 1) {
                violations.add(new Violation(steps.get(step), list.size() + " '" + step + "' steps at epoch " + epoch + " by "
                        + list.stream().map(Event::instance).sorted().toList()));
            }
        }));
    }
}
