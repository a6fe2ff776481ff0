package dev.cloudhop.provider.onprem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-name locks that hold across threads and processes: a name hashes to one of {@value #STRIPES} stripes;
 * a stripe is a JVM lock plus an exclusive POSIX byte-range lock on one byte of a shared lock file.
 *
 * <p>POSIX record locks belong to a process and are dropped when any of its descriptors of the file is
 * closed, so every store in this JVM that uses the same lock file shares one open channel (and one set of
 * JVM locks): see {@link #forFile(Path)}. The channel stays open for the life of the JVM. Thread-safe.
 */
final class BlobLocks {

    static final int STRIPES = 4096;

    private static final ConcurrentMap<Path, BlobLocks> BY_FILE = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    private BlobLocks(Path file) {
        this.file = file;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open lock file " + file, e);
        }
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The locks of one lock file, shared by every user in this JVM. */
    static BlobLocks forFile(Path file) {
        Path key = file.toAbsolutePath().normalize();
        return BY_FILE.computeIfAbsent(key, BlobLocks::new);
    }

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Blocks until this process holds {@code name}'s stripe, in the JVM and in the lock file. */
    Held lock(String name) {
        int stripe = Math.floorMod(name.hashCode() * 0x9E3779B9, STRIPES);
        ReentrantLock local = stripes[stripe];
        local.lock();
        FileLock fileLock;
        try {
            fileLock = channel.lock(stripe, 1, false);
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw new UncheckedIOException("cannot lock " + file + " (byte " + stripe + ")",
                    e instanceof IOException io ? io : new IOException(e));
        }
        return () -> {
            try {
                fileLock.release();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unlock " + file, e);
            } finally {
                local.unlock();
            }
        };
    }

    @Override
    public String toString() {
        return "BlobLocks[" + file + "]";
    }
}
