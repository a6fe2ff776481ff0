package dev.cloudhop.failover.replication;

import dev.cloudhop.api.blob.BlobId;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication backlog on local disk, so that a write acknowledged before a crash (SIGKILL, power loss with
 * {@code fsync}) still reaches every replica after a restart. An append-only file ({@value #FILE}) of records:
 * a write that must reach some targets (appended before the write is acknowledged), a copy that reached a target
 * (appended after), and, after a compaction, a snapshot of what was pending. Each record is framed by its length and a
 * CRC32C, so a record torn by a crash is recognised and cut off at the next open; it was never acknowledged.
 *
 * <p>Replaying the file gives the backlog per target with the rules of the {@link Replicator}: the newest write of a
 * blob wins, it is owed by every site but its source, and a copy clears only the write it copied (by sequence
 * number). The file is compacted (rewritten to a temporary file, forced, atomically renamed) when it holds far more
 * records than are pending. One process at a time: the directory is locked ({@value #LOCK}).
 *
 * <p>Not thread-safe by itself: the {@link Replicator} appends under its own lock, so the file's order is the
 * backlog's order; {@link #force(long)} (group commit) is called outside that lock.
 */
public final class BacklogJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogJournal.class);
    static final String FILE = "backlog.journal";
    static final String LOCK = "backlog.lock";
    private static final int MAGIC = 0x43484231; // "CHB1"
    private static final byte WRITE = 1;
    private static final byte COPIED = 2;
    private static final byte SNAPSHOT = 3;
    private static final int MAX_RECORD = 1 << 20;

    /**
     * A write owed to a target.
     *
     * @param target  the site that lacks it
     * @param id      the blob
     * @param source  the site holding its newest state
     * @param delete  whether the write deleted it
     * @param ackedAt when the oldest unreplicated write of it was acknowledged (the lag is counted from there)
     * @param seq     the sequence number of the newest write of it
     */
    public record Owed(String target, BlobId id, String source, boolean delete, Instant ackedAt, long seq) {
    }

    private final Path directory;
    private final boolean fsync;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<Owed> recovered;
    private FileChannel channel;
    private long seq;
    private long records;
    /** Bytes appended so far (file position) and bytes known forced; guarded by {@code forceLock}. */
    private volatile long appended;
    private long forced;
    private final Object forceLock = new Object();

    private BacklogJournal(Path directory, boolean fsync, FileChannel lockChannel, FileLock lock) throws IOException {
        this.directory = directory;
        this.fsync = fsync;
        this.lockChannel = lockChannel;
        this.lock = lock;
        Path file = directory.resolve(FILE);
        Map<String, LinkedHashMap<BlobId, Owed>> backlog = new LinkedHashMap<>();
        Replayed replayed = new Replayed();
        long valid = Files.exists(file) ? replay(file, backlog, replayed) : 0;
        this.seq = replayed.seq;
        this.records = replayed.records;
        this.recovered = backlog.values().stream().flatMap(q -> q.values().stream()).toList();
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        if (channel.size() > valid) {
            LOG.warn("replication journal {}: cut off {} bytes of a record torn by a crash (never acknowledged)", file,
                    channel.size() - valid);
            channel.truncate(valid);
        }
        if (valid == 0) {
            writeHeader(channel);
            valid = channel.position();
        }
        channel.position(valid);
        this.appended = valid;
        this.forced = valid;
    }

    /**
     * Opens (creating it if missing) the journal in {@code directory} and reads what was pending.
     *
     * @param fsync whether {@link #force(long)} forces the file to disk (power-loss safe) or only hands it to the
     *              operating system (survives a crash of the process)
     * @throws IllegalStateException when another process (or another facade in this one) holds the directory
     * @throws UncheckedIOException  when it cannot be read or created
     */
    public static BacklogJournal open(Path directory, boolean fsync) {
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("replication.journal.directory " + directory + " is in use by another "
                        + "application instance; each instance needs a directory of its own");
            }
            return new BacklogJournal(directory, fsync, lockChannel, lock);
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new UncheckedIOException("cannot open the replication journal in " + directory
                    + " (replication.journal.directory)", e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    /**
     * What the journal in {@code directory} holds pending, per target in the order it is owed, read without taking the
     * directory's lock and without changing the file: for tools (such as {@code cloudhop status}) that look at the
     * journal of an application running elsewhere. A record being appended meanwhile is cut off like a torn one.
     *
     * @return empty when the directory holds no journal
     * @throws UncheckedIOException  when the journal cannot be read
     * @throws IllegalStateException when the file is not a replication journal
     */
    public static List<Owed> pending(Path directory) {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        Map<String, LinkedHashMap<BlobId, Owed>> backlog = new LinkedHashMap<>();
        try {
            replay(file, backlog, new Replayed());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the replication journal " + file, e);
        }
        return backlog.values().stream().flatMap(q -> q.values().stream()).toList();
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }

    /** What was pending when the journal was opened, per target in the order it was owed. */
    public List<Owed> recovered() {
        return recovered;
    }

    /** The sequence number the next write gets. */
    long nextSeq() {
        return seq + 1;
    }

    /**
     * Appends a write that {@code targets} must receive (handed to the operating system, not yet forced).
     *
     * @return its sequence number
     */
    long written(String source, BlobId id, boolean delete, Instant ackedAt, Collection<String> targets) {
        long s = ++seq;
        append(record(WRITE, out -> {
            out.writeLong(s);
            writeId(out, id);
            out.writeUTF(source);
            out.writeBoolean(delete);
            out.writeLong(ackedAt.toEpochMilli());
            out.writeShort(targets.size());
            for (String t : targets) {
                out.writeUTF(t);
            }
        }));
        return s;
    }

    /** Appends that the write {@code seq} of {@code id} reached {@code target} (or was dropped for it). */
    void copied(String target, BlobId id, long seq) {
        append(record(COPIED, out -> {
            out.writeLong(seq);
            writeId(out, id);
            out.writeUTF(target);
        }));
    }

    /** The file position after the last append: pass it to {@link #force(long)}. */
    long position() {
        return appended;
    }

    /**
     * Makes everything appended up to {@code position} durable: with {@code fsync}, forces the file unless another
     * caller's force already covered it (group commit); without, returns at once (the operating system has it).
     */
    void force(long position) {
        if (!fsync) {
            return;
        }
        synchronized (forceLock) {
            if (forced >= position) {
                return;
            }
            long upTo = appended;
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot force the replication journal in " + directory + " to disk", e);
            }
            forced = upTo;
        }
    }

    /** Whether the file holds so many more records than are pending that rewriting it pays. */
    boolean wantsCompaction(int pending) {
        return records > 10_000 && records > 4L * pending;
    }

    /**
     * Rewrites the file to hold only {@code pending}: written to a temporary file, forced, renamed over the journal.
     * The caller holds the lock that orders appends.
     */
    void compact(Collection<Owed> pending) {
        Path file = directory.resolve(FILE);
        Path tmp = directory.resolve(FILE + ".tmp");
        try {
            synchronized (forceLock) {
                try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
                    writeHeader(out);
                    for (Owed o : pending) {
                        ByteBuffer b = record(SNAPSHOT, d -> {
                            d.writeLong(o.seq());
                            writeId(d, o.id());
                            d.writeUTF(o.source());
                            d.writeBoolean(o.delete());
                            d.writeLong(o.ackedAt().toEpochMilli());
                            d.writeUTF(o.target());
                        });
                        while (b.hasRemaining()) {
                            out.write(b);
                        }
                    }
                    out.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                channel.close();
                channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
                channel.position(channel.size());
                appended = channel.size();
                forced = appended;
                records = pending.size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact the replication journal in " + directory, e);
        }
    }

    @Override
    public void close() {
        synchronized (forceLock) {
            try {
                if (channel.isOpen()) {
                    if (fsync) {
                        channel.force(false);
                    }
                    channel.close();
                }
            } catch (IOException e) {
                LOG.warn("closing the replication journal in {}: {}", directory, e.toString());
            }
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("releasing the replication journal's lock", e);
            }
            closeQuietly(lockChannel);
        }
    }

    @Override
    public String toString() {
        return "BacklogJournal[" + directory + ", fsync=" + fsync + "]";
    }

    // ---- file format ----

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private ByteBuffer record(byte type, Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(type);
            body.write(out);
            out.flush();
            byte[] payload = bytes.toByteArray();
            CRC32C crc = new CRC32C();
            crc.update(payload);
            ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
            b.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: in memory
        }
    }

    private void append(ByteBuffer b) {
        synchronized (forceLock) {
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
                appended = channel.position();
                records++;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the replication journal in " + directory, e);
            }
        }
    }

    private static void writeHeader(FileChannel ch) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(4).putInt(MAGIC).flip();
        while (h.hasRemaining()) {
            ch.write(h);
        }
    }

    private static void writeId(DataOutputStream out, BlobId id) throws IOException {
        out.writeUTF(id.container());
        byte[] name = id.name().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(name.length);
        out.write(name);
    }

    private static BlobId readId(DataInputStream in) throws IOException {
        String container = in.readUTF();
        byte[] name = new byte[in.readInt()];
        in.readFully(name);
        return BlobId.of(container, new String(name, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The highest sequence number and the number of records a replay found. */
    private static final class Replayed {
        long seq;
        long records;
    }

    /** Replays {@code file} into {@code backlog}; returns the length of its valid prefix. */
    private static long replay(Path file, Map<String, LinkedHashMap<BlobId, Owed>> backlog, Replayed replayed)
            throws IOException {
        long valid;
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(
                new java.io.BufferedInputStream(raw, 1 << 16))) {
            try {
                if (in.readInt() != MAGIC) {
                    throw new IllegalStateException(file + " is not a Cloudhop replication journal (bad header); move it "
                            + "away to start without it (a reconciliation then repairs the replicas)");
                }
            } catch (EOFException e) {
                return 0;
            }
            valid = 4;
            while (true) {
                int length;
                int crc;
                byte[] payload;
                try {
                    length = in.readInt();
                    crc = in.readInt();
                    if (length <= 0 || length > MAX_RECORD) {
                        break;
                    }
                    payload = new byte[length];
                    in.readFully(payload);
                } catch (EOFException e) {
                    break;
                }
                CRC32C check = new CRC32C();
                check.update(payload);
                if ((int) check.getValue() != crc) {
                    break;
                }
                apply(new DataInputStream(new java.io.ByteArrayInputStream(payload)), backlog, replayed);
                valid += 8 + length;
                replayed.records++;
            }
        }
        return valid;
    }

    private static void apply(DataInputStream in, Map<String, LinkedHashMap<BlobId, Owed>> backlog, Replayed replayed)
            throws IOException {
        byte type = in.readByte();
        long s = in.readLong();
        BlobId id = readId(in);
        replayed.seq = Math.max(replayed.seq, s);
        switch (type) {
            case WRITE -> {
                String source = in.readUTF();
                boolean delete = in.readBoolean();
                Instant ackedAt = Instant.ofEpochMilli(in.readLong());
                int n = in.readUnsignedShort();
                List<String> targets = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    targets.add(in.readUTF());
                }
                // the source now holds the newest state; every target owes it, counted from its oldest pending write
                queue(backlog, source).remove(id);
                for (String t : targets) {
                    LinkedHashMap<BlobId, Owed> q = queue(backlog, t);
                    Owed previous = q.remove(id);
                    q.put(id, new Owed(t, id, source, delete, previous == null ? ackedAt : previous.ackedAt(), s));
                }
            }
            case COPIED -> {
                String target = in.readUTF();
                LinkedHashMap<BlobId, Owed> q = queue(backlog, target);
                Owed o = q.get(id);
                if (o != null && o.seq() == s) {
                    q.remove(id);
                }
            }
            case SNAPSHOT -> {
                String source = in.readUTF();
                boolean delete = in.readBoolean();
                Instant ackedAt = Instant.ofEpochMilli(in.readLong());
                String target = in.readUTF();
                queue(backlog, target).put(id, new Owed(target, id, source, delete, ackedAt, s));
            }
            default -> throw new IOException("unknown record type " + type);
        }
    }

    private static LinkedHashMap<BlobId, Owed> queue(Map<String, LinkedHashMap<BlobId, Owed>> backlog, String target) {
        return backlog.computeIfAbsent(target, t -> new LinkedHashMap<>());
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
