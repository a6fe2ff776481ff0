package dev.cloudhop.failover.capture;

import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.api.queue.OutgoingMessage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Durable local capture of queue sends that could not reach their site: one file per message, written to a
 * temporary name, forced to disk and atomically renamed, so a crash never leaves a half message. Replayed
 * in capture order with the message's dedup key, so a replay that is interrupted and repeated delivers
 * once where the provider de-duplicates.
 *
 * <p>A file holds (format 2) the queue, the dedup key, the delay, the attributes, the body and the queue's
 * dead-letter policy if it has one, so that a replay after a restart creates a missing queue with its policy.
 * Format 1 files (without the policy) are read too. Thread-safe.
 */
public final class CaptureJournal {

    /**
     * A captured message.
     *
     * @param policy the dead-letter policy its queue had through the facade when it was captured
     */
    public record Captured(Path file, String queue, OutgoingMessage message, Optional<DeadLetterPolicy> policy) {
    }

    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_POLICY = 1;
    private final Path directory;
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1000);

    /** A journal in {@code directory} (created if missing); messages already there are kept for replay. */
    public CaptureJournal(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create capture directory " + directory, e);
        }
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }

    /** Captures a message for a queue without a dead-letter policy durably. The message must carry a dedup key. */
    public void capture(String queue, OutgoingMessage message) {
        capture(queue, message, Optional.empty());
    }

    /**
     * Captures a message durably, with the dead-letter policy of its queue (if any) for a replay that has to
     * create the queue. The message must carry a dedup key.
     */
    public synchronized void capture(String queue, OutgoingMessage message, Optional<DeadLetterPolicy> policy) {
        String key = message.dedupKey().orElseThrow(() -> new IllegalArgumentException("captured messages need a dedup key"));
        String name = String.format("%020d", sequence.incrementAndGet()) + ".msg";
        Path tmp = directory.resolve(name + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream os = java.nio.channels.Channels.newOutputStream(ch);
                 DataOutputStream out = new DataOutputStream(os)) {
                out.writeInt(VERSION);
                out.writeUTF(queue);
                out.writeUTF(key);
                out.writeLong(message.delay().toMillis());
                out.writeInt(message.attributes().size());
                for (Map.Entry<String, String> e : message.attributes().entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeUTF(e.getValue());
                }
                byte[] body = message.body();
                out.writeInt(body.length);
                out.write(body);
                out.writeBoolean(policy.isPresent());
                if (policy.isPresent()) {
                    out.writeUTF(policy.get().targetQueue());
                    out.writeInt(policy.get().maxDeliveries());
                }
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot capture a message for queue " + queue + " in " + directory, e);
        }
    }

    /** Captured messages in capture order, optionally of one queue. */
    public synchronized List<Captured> list(Optional<String> queue) {
        List<Captured> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".msg")).sorted().toList()) {
                Captured c = read(f);
                if (queue.isEmpty() || queue.get().equals(c.queue())) {
                    out.add(c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list capture directory " + directory, e);
        }
        return out;
    }

    /** How many messages are captured for a queue. */
    public int count(String queue) {
        return list(Optional.of(queue)).size();
    }

    /** Removes a replayed message. */
    public synchronized void remove(Captured c) {
        try {
            Files.deleteIfExists(c.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + c.file(), e);
        }
    }

    private static Captured read(Path f) throws IOException {
        try (InputStream is = Files.newInputStream(f); DataInputStream in = new DataInputStream(is)) {
            int version = in.readInt();
            if (version != VERSION && version != VERSION_WITHOUT_POLICY) {
                throw new IOException("unknown capture format " + version + " in " + f);
            }
            String queue = in.readUTF();
            String key = in.readUTF();
            Duration delay = Duration.ofMillis(in.readLong());
            int n = in.readInt();
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                attributes.put(in.readUTF(), in.readUTF());
            }
            byte[] body = in.readNBytes(in.readInt());
            Optional<DeadLetterPolicy> policy = version != VERSION_WITHOUT_POLICY && in.readBoolean()
                    ? Optional.of(new DeadLetterPolicy(in.readUTF(), in.readInt()))
                    : Optional.empty();
            return new Captured(f, queue, new OutgoingMessage(body, attributes, Optional.of(key), delay), policy);
        }
    }
}
