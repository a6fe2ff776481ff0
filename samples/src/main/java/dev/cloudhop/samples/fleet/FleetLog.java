package dev.cloudhop.samples.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The two logs a {@link FleetInstance} writes and the {@link FleetChecker} reads, one tab-separated line per
 * record, flushed per line so that a killed instance leaves every line it finished. A torn last line (a kill
 * in the middle of a write) is skipped when reading.
 *
 * <p>Keys and values of the workload: {@code shared-<k>} keys are written by every instance,
 * {@code own-<instance>-<k>} keys only by their owner; a value is {@code <instance>:<sequence>}, the sequence
 * counting that instance's writes from 1 (a restarted instance continues after the last sequence of its log).
 */
public final class FleetLog {

    /** The container every instance writes to. */
    public static final String CONTAINER = "fleet";

    /** Epoch of an acknowledgement whose epoch or site changed while the write was in flight. */
    public static final long UNKNOWN_EPOCH = -1;

    private FleetLog() {
    }

    /**
     * One acknowledged write: when the put returned, by whom, what, and at which epoch and site (the facade's,
     * read before and after the put; {@link #UNKNOWN_EPOCH} and {@code "?"} when they differ).
     */
    public record Ack(long atMillis, String instance, String key, String value, long epoch, String site) {
        /** Validates. */
        public Ack {
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(site, "site");
        }

        /** Whether the site and epoch are known for certain. */
        public boolean certain() {
            return epoch != UNKNOWN_EPOCH;
        }

        /** The writer's sequence number, from the value. */
        public long sequence() {
            return FleetLog.sequence(value);
        }

        /** The log line, without newline. */
        public String line() {
            return String.join("\t", Long.toString(atMillis), instance, key, value, Long.toString(epoch), site);
        }

        static Ack parse(String line) {
            String[] f = line.split("\t", -1);
            return new Ack(Long.parseLong(f[0]), f[1], f[2], f[3], Long.parseLong(f[4]), f[5]);
        }
    }

    /**
     * One event of an instance's facade. {@code epoch} is the runbook's epoch for the events of a runbook (from
     * {@code FailoverStarted} to {@code FailoverCompleted}), the event's own epoch for {@code ActiveSiteChanged},
     * and {@link #UNKNOWN_EPOCH} otherwise; {@code step} and {@code ok} are those of a {@code RunbookStepCompleted};
     * {@code site} is the target of a failover or the site of a health, fault or fenced-write event; {@code detail}
     * is a step's detail, or the whole event for other types.
     */
    public record Event(long atMillis, String instance, String type, long epoch, String step, boolean ok, String site,
                        String detail) {
        /** Validates. */
        public Event {
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(site, "site");
            Objects.requireNonNull(detail, "detail");
        }

        /** The log line, without newline (tabs and newlines in the detail become spaces). */
        public String line() {
            return String.join("\t", Long.toString(atMillis), instance, type, Long.toString(epoch), step,
                    Boolean.toString(ok), site, detail.replaceAll("[\\t\\r\\n]", " "));
        }

        static Event parse(String line) {
            String[] f = line.split("\t", -1);
            return new Event(Long.parseLong(f[0]), f[1], f[2], Long.parseLong(f[3]), f[4], Boolean.parseBoolean(f[5]),
                    f[6], f[7]);
        }
    }

    /** The ack log of {@code instance} in a run directory. */
    public static Path ackLog(Path runDir, String instance) {
        return runDir.resolve("acks-" + instance + ".log");
    }

    /** The event log of {@code instance} in a run directory. */
    public static Path eventLog(Path runDir, String instance) {
        return runDir.resolve("events-" + instance + ".log");
    }

    /** The key a shared write of slot {@code k} goes to. */
    public static String sharedKey(int k) {
        return "shared-" + k;
    }

    /** The key of slot {@code k} that only {@code instance} writes. */
    public static String ownKey(String instance, int k) {
        return "own-" + instance + "-" + k;
    }

    /** The only instance writing {@code key}, or null for a shared key. */
    public static String owner(String key) {
        if (!key.startsWith("own-")) {
            return null;
        }
        return key.substring(4, key.lastIndexOf('-'));
    }

    /** The value the {@code sequence}-th write of {@code instance} puts. */
    public static String value(String instance, long sequence) {
        return instance + ":" + sequence;
    }

    /** The writer of a value. */
    public static String writer(String value) {
        return value.substring(0, value.lastIndexOf(':'));
    }

    /** The writer's sequence number in a value, or -1 if it is not a workload value. */
    public static long sequence(String value) {
        try {
            return Long.parseLong(value.substring(value.lastIndexOf(':') + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return -1;
        }
    }

    /** Every complete ack line of a log (none if the file is absent). */
    public static List<Ack> readAcks(Path file) {
        List<Ack> acks = new ArrayList<>();
        for (String line : lines(file)) {
            acks.add(Ack.parse(line));
        }
        return acks;
    }

    /** Every complete event line of a log (none if the file is absent). */
    public static List<Event> readEvents(Path file) {
        List<Event> events = new ArrayList<>();
        for (String line : lines(file)) {
            events.add(Event.parse(line));
        }
        return events;
    }

    private static List<String> lines(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n")));
            if (!text.endsWith("\n") && !lines.isEmpty()) {
                lines.remove(lines.size() - 1); // torn by a kill mid-line
            }
            lines.removeIf(String::isBlank);
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
