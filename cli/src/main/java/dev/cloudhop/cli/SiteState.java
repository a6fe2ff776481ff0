package dev.cloudhop.cli;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.failover.Service;
import dev.cloudhop.failover.fencing.Fence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What one site says about itself, read from the site alone (no application instance needed): the health of each
 * service it has (one cheap call each, the facade's probes) and Cloudhop's records in its {@value Fence#CONTAINER}
 * container (the fence, the fleet register and the runbook lease).
 */
record SiteState(String id, Map<Service, Health> health, Record fence, Record register, Record lease) {

    /** The call each service's probe makes: the facade's probes ({@code health.Prober}). */
    private static final String PROBE_NAME = "cloudhop-probe";

    /** A service's health: up, down (unavailable, timed out) or failing otherwise (e.g. unauthorized). */
    record Health(String state, String reason) {
        static final Health UP = new Health("up", "");

        boolean up() {
            return this == UP;
        }
    }

    /** A record: absent (a fresh site), its text, or unreadable with the reason. */
    record Record(Optional<String> text, String unreadable) {
        static final Record ABSENT = new Record(Optional.empty(), "");

        boolean readable() {
            return unreadable.isEmpty();
        }
    }

    /** Reads one site, each call bounded by {@code timeout}, on {@code pool}. */
    static SiteState read(String id, Cloud site, Duration timeout, boolean coordinationRecords, ExecutorService pool) {
        Map<Service, Future<?>> probes = new EnumMap<>(Service.class);
        for (Service s : Service.values()) {
            if (site.supports(capability(s))) {
                probes.put(s, pool.submit(() -> probe(site, s)));
            }
        }
        Future<Record> fence = pool.submit(() -> record(site, Fence.NAME));
        Future<Record> register = coordinationRecords ? pool.submit(() -> record(site, "register")) : null;
        Future<Record> lease = coordinationRecords ? pool.submit(() -> record(site, "lease")) : null;
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Service, Health> health = new EnumMap<>(Service.class);
        probes.forEach((service, f) -> health.put(service, health(f, deadline, timeout)));
        return new SiteState(id, health, await(fence, deadline, timeout),
                register == null ? Record.ABSENT : await(register, deadline, timeout),
                lease == null ? Record.ABSENT : await(lease, deadline, timeout));
    }

    private static Capability capability(Service s) {
        return switch (s) {
            case BLOB -> Capability.BLOB;
            case QUEUE -> Capability.QUEUE;
            case DNS -> Capability.DNS;
            case COMPUTE -> Capability.COMPUTE;
        };
    }

    private static void probe(Cloud site, Service service) {
        switch (service) {
            case BLOB -> site.blobs().containerExists(PROBE_NAME);
            case QUEUE -> site.queues().queueExists(PROBE_NAME);
            case DNS -> site.dns().listZones();
            case COMPUTE -> site.compute().node(PROBE_NAME);
        }
    }

    private static Health health(Future<?> f, long deadline, Duration timeout) {
        try {
            f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return Health.UP;
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Health("DOWN", "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // as the facade counts it: only unavailability (and throttling) is an outage; other errors are the caller's
            boolean outage = !(cause instanceof CloudException ce) || ce.retryable();
            return new Health(outage ? "DOWN" : "ERROR", oneLine(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Health("DOWN", "interrupted");
        }
    }

    private static Record record(Cloud site, String name) {
        try {
            Optional<Blob> blob = site.blobs().get(BlobId.of(Fence.CONTAINER, name));
            if (blob.isEmpty()) {
                return Record.ABSENT;
            }
            try (Blob b = blob.get()) {
                return new Record(Optional.of(new String(b.readAllBytes(), StandardCharsets.UTF_8).trim()), "");
            }
        } catch (NotFoundException e) {
            return Record.ABSENT;
        } catch (RuntimeException e) {
            return new Record(Optional.empty(), oneLine(e));
        }
    }

    private static Record await(Future<Record> f, long deadline, Duration timeout) {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Record(Optional.empty(), "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Record(Optional.empty(), oneLine(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Record(Optional.empty(), "interrupted");
        }
    }

    /** The site's fence, if it holds a well-formed one. */
    Optional<Fence> parsedFence(String defaultActive) {
        try {
            return fence.text().map(t -> Fence.parse(t, defaultActive));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * An error as one line: the first line of its message and, when the deepest cause says something else, that
     * cause's first line; at most 300 characters, user information of URIs removed.
     */
    static String oneLine(Throwable e) {
        String line = firstLine(e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            String cause = root.getClass().getSimpleName() + ": " + firstLine(root);
            if (!line.contains(firstLine(root))) {
                line = line + " (cause: " + cause + ")";
            }
        }
        line = dev.cloudhop.api.spi.Secret.redactUserInfo(line);
        return line.length() <= 300 ? line : line.substring(0, 297) + "...";
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
