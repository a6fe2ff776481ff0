package dev.cloudhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What every emulator the harness starts has in common: its process (to kill or freeze in disaster tests),
 * its start-up time, and a working directory removed when it stops.
 */
public abstract class EmulatorServer implements AutoCloseable {

    private volatile ManagedProcess process;
    private final Path workDir;

    /**
     * @param process the started, ready process
     * @param workDir a directory owned by this server, deleted on close; null for none
     */
    protected EmulatorServer(ManagedProcess process, Path workDir) {
        this.process = Objects.requireNonNull(process, "process");
        this.workDir = workDir;
    }

    /** The process, to kill or freeze it in disaster tests. */
    public final ManagedProcess process() {
        return process;
    }

    /**
     * Kills the process if it still runs and starts it again on the same ports with the same state
     * directory: the return of a server after a hard crash. Whether data survived depends on the emulator
     * (see the subclass).
     *
     * @return how long the new process took to become ready
     */
    public synchronized Duration restart() {
        if (process.isAlive()) {
            process.kill();
        }
        process = process.restart();
        return process.startupTime();
    }

    /** From process start until ready. */
    public final Duration startupTime() {
        return process.startupTime();
    }

    /** Stops the process and removes its working directory. Idempotent. */
    @Override
    public void close() {
        process.close();
        deleteQuietly(workDir);
    }

    /** Deletes a directory tree, best effort. */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp directory
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }
}
