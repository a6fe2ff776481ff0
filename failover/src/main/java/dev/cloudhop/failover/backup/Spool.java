package dev.cloudhop.failover.backup;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.failover.backup.HistoryEntry.Op;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The local, durable record of acknowledged changes not yet at the backup site: the one place where the backup
 * meets the write path. A put's content is hashed and copied to {@code <seq>.data} while it streams to the site;
 * once the site has acknowledged it, the data file is forced to disk and {@code <seq>.entry} (the
 * {@link HistoryEntry} as one JSON line) is written, forced and renamed into place before the write returns to the
 * application. The {@link Uploader} moves entries to the backup site and then {@link #remove removes} them. At
 * start, entries left by a killed process are pending again, and data files without an entry (writes never
 * acknowledged) are deleted.
 *
 * <p>The configured directory holds one spool per running facade ({@code spool-0}, {@code spool-1}, ...): a facade
 * takes the first whose {@code lock} file it can lock, so instances of a fleet may share one configuration, and a
 * spool left by a killed process (the operating system releases its lock) is taken up by the next facade that
 * starts. Memory holds the pending entries' metadata, never content. Thread-safe.
 */
final class Spool implements AutoCloseable {

    private static final String DATA = ".data";
    private static final String ENTRY = ".entry";
    private static final int BUFFER = 64 * 1024;

    /** A spooled change waiting for the backup site: its entry and, for a put, its content on disk. */
    record Pending(HistoryEntry entry, Optional<Path> data) {
    }

    private final Path dir;
    private final FileChannel lockFile;
    private final Clock clock;
    private final String writer;
    private final Runnable onCommit;
    private final AtomicLong sequence;
    private final ConcurrentSkipListMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private volatile Instant newestAcknowledged = Instant.EPOCH;

    /**
     * Opens (or creates) the spool in {@code dir}, taking up what a previous process left.
     *
     * @param onCommit called after each change is durable (wakes the uploader)
     */
    Spool(Path root, Clock clock, Runnable onCommit) {
        this.clock = clock;
        this.onCommit = onCommit;
        try {
            Files.createDirectories(root);
            Path taken = null;
            FileChannel lock = null;
            for (int n = 0; taken == null; n++) {
                Path candidate = Files.createDirectories(root.resolve("spool-" + n));
                lock = FileChannel.open(candidate.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                if (tryLock(lock)) {
                    taken = candidate;
                } else {
                    lock.close();
                }
            }
            this.dir = taken;
            this.lockFile = lock;
            Path id = dir.resolve("writer");
            if (!Files.exists(id)) {
                writeDurably(id, UUID.randomUUID().toString().substring(0, 8));
            }
            this.writer = Files.readString(id, StandardCharsets.UTF_8).trim();
            long last = 0;
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(ENTRY)) {
                        long seq = Long.parseLong(name.substring(0, name.length() - ENTRY.length()));
                        HistoryEntry e = HistoryEntry.fromJson(Files.readString(f, StandardCharsets.UTF_8).trim());
                        pending.put(seq, new Pending(e, e.op() == Op.PUT ? Optional.of(data(seq)) : Optional.empty()));
                        last = Math.max(last, seq);
                    } else if (name.endsWith(DATA)) {
                        last = Math.max(last, Long.parseLong(name.substring(0, name.length() - DATA.length())));
                    }
                }
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(DATA) && !pending.containsKey(Long.parseLong(name.substring(0, name.length() - DATA.length())))
                            || name.endsWith(".tmp")) {
                        Files.delete(f); // content of a write that was never acknowledged, or a torn record
                    }
                }
            }
            this.sequence = new AtomicLong(last);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the backup spool in " + root, e);
        }
    }

    private static boolean tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock() != null;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false; // another facade of this process holds it
        }
    }

    /** Releases the spool for the next facade; what is pending stays on disk. */
    @Override
    public void close() {
        try {
            lockFile.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the backup spool " + dir, e);
        }
    }

    /** The id of this spool in history entries; kept in the directory, so a restarted process keeps it. */
    String writer() {
        return writer;
    }

    /** The directory. */
    Path directory() {
        return dir;
    }

    private Path data(long seq) {
        return dir.resolve(String.format("%019d", seq) + DATA);
    }

    private Path entry(long seq) {
        return dir.resolve(String.format("%019d", seq) + ENTRY);
    }

    /**
     * Starts capturing a put of {@code content}: a repeatable content (bytes, file) is copied to the spool now, so
     * that the put may re-read it on a retry; a stream is copied while the put reads it ({@link Capture#content()}).
     * Close the capture; unless {@link Capture#acknowledge acknowledged}, closing deletes its data.
     */
    Capture begin(BlobId id, BlobContent content) {
        return new Capture(id, content, sequence.incrementAndGet());
    }

    /** Records an acknowledged delete of {@code id}, durably. */
    HistoryEntry deleted(BlobId id) {
        return commit(sequence.incrementAndGet(), e -> new HistoryEntry(clock.instant(), id.container(), id.name(), Op.DELETE,
                Optional.empty(), Optional.empty(), 0, "", Map.of(), writer, e), false);
    }

    /** Records an acknowledged deletion of a whole container, durably. */
    HistoryEntry containerDeleted(String container) {
        return commit(sequence.incrementAndGet(), e -> new HistoryEntry(clock.instant(), container, "", Op.DELETE_CONTAINER,
                Optional.empty(), Optional.empty(), 0, "", Map.of(), writer, e), false);
    }

    private HistoryEntry commit(long seq, java.util.function.LongFunction<HistoryEntry> make, boolean withData) {
        HistoryEntry e = make.apply(seq);
        try {
            writeDurably(entry(seq), e.toJson());
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot record " + e.version() + " in the backup spool " + dir, ex);
        }
        pending.put(seq, new Pending(e, withData ? Optional.of(data(seq)) : Optional.empty()));
        if (e.at().isAfter(newestAcknowledged)) {
            newestAcknowledged = e.at();
        }
        onCommit.run();
        return e;
    }

    /** Writes {@code text} to {@code file} atomically and durably: a forced temporary file renamed, then the directory forced. */
    private void writeDurably(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory for forcing; the rename is then as durable as they allow
        }
    }

    /** The changes not yet at the backup site, oldest first, at most {@code limit}. */
    List<Pending> pending(int limit) {
        return pending.values().stream().limit(limit).toList();
    }

    /** How many changes wait for the backup site. */
    int size() {
        return pending.size();
    }

    /** When the oldest change not yet at the backup site was acknowledged, if any waits. */
    Optional<Instant> oldestPending() {
        return pending.values().stream().map(p -> p.entry().at()).min(Instant::compareTo);
    }

    /** When the newest change recorded by this process was acknowledged ({@link Instant#EPOCH} if none). */
    Instant newestAcknowledged() {
        return newestAcknowledged;
    }

    /** Forgets a change the backup site now holds, deleting its files. */
    void remove(Pending p) {
        pending.remove(p.entry().sequence());
        try {
            if (p.data().isPresent()) {
                Files.deleteIfExists(p.data().get());
            }
            Files.deleteIfExists(entry(p.entry().sequence()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + p.entry().version() + " from the backup spool " + dir, e);
        }
    }

    /** One put being captured: see {@link Spool#begin}. Not thread-safe. */
    final class Capture implements AutoCloseable {
        private final BlobId id;
        private final long seq;
        private final Path file;
        private final FileChannel out;
        private final MessageDigest sha256 = digest("SHA-256");
        private final MessageDigest md5 = digest("MD5");
        private final BlobContent content;
        private final long length;
        private long written;
        private boolean acknowledged;

        private Capture(BlobId id, BlobContent original, long seq) {
            this.id = id;
            this.seq = seq;
            this.file = data(seq);
            this.length = original.length();
            try {
                this.out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                if (original.repeatable()) {
                    try (InputStream in = original.open()) {
                        copy(in);
                    }
                    this.content = original;
                } else {
                    this.content = BlobContent.of(new Tee(original.open()), length);
                }
            } catch (IOException e) {
                close();
                throw new UncheckedIOException("cannot spool " + id + " for backup in " + dir, e);
            }
        }

        private void copy(InputStream in) throws IOException {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) >= 0; ) {
                record(buf, 0, n);
            }
        }

        private void record(byte[] b, int off, int n) throws IOException {
            if (n <= 0) {
                return;
            }
            sha256.update(b, off, n);
            md5.update(b, off, n);
            ByteBuffer buf = ByteBuffer.wrap(b, off, n);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            written += n;
        }

        /** What to upload to the site: the original content, or a stream that spools what the upload reads. */
        BlobContent content() {
            return content;
        }

        /**
         * The site acknowledged the put: forces the content to disk and records the entry durably. If the upload did
         * not read the whole stream, the stored blob is read back from the site instead.
         *
         * @param readBack reads the blob just written, from the site that took it
         */
        HistoryEntry acknowledge(PutOptions options, Supplier<Optional<Blob>> readBack) {
            try {
                if (written != length) {
                    restart();
                    try (Blob b = readBack.get().orElseThrow(() -> new IOException("the blob is gone from its site"))) {
                        copy(b.content());
                    }
                }
                out.force(true);
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spool " + id + " for backup in " + dir, e);
            }
            HexFormat hex = HexFormat.of();
            String hash = hex.formatHex(sha256.digest());
            String md = hex.formatHex(md5.digest());
            HistoryEntry e = commit(seq, s -> new HistoryEntry(clock.instant(), id.container(), id.name(), Op.PUT,
                    Optional.of(hash), Optional.of(md), written, options.contentType(), options.userMetadata(), writer, s), true);
            acknowledged = true;
            return e;
        }

        private void restart() throws IOException {
            out.truncate(0);
            out.position(0);
            sha256.reset();
            md5.reset();
            written = 0;
        }

        /** Deletes the spooled content unless the put was acknowledged. */
        @Override
        public void close() {
            if (acknowledged) {
                return;
            }
            try {
                if (out != null) {
                    out.close();
                }
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot discard " + file, e);
            }
        }

        /** Spools what the upload reads. */
        private final class Tee extends FilterInputStream {
            Tee(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    record(new byte[] {(byte) b}, 0, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                record(b, off, n);
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(0, n))];
                int read = read(buf, 0, buf.length);
                return Math.max(read, 0);
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }
}
