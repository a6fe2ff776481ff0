package dev.cloudhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An emulator or server process started for tests: output to a log file, readiness awaited (a log line,
 * an open port or an HTTP 2xx), start-up time measured, and stopped on {@link #close()} or, at the
 * latest, when the JVM exits. It can also be killed hard ({@code SIGKILL}: connections refused) or frozen
 * ({@code SIGSTOP}: every call hangs) to simulate disasters.
 */
public final class ManagedProcess implements AutoCloseable {

    private static final Set<ManagedProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ManagedProcess::close), "managed-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Duration startupTime;
    private final Builder builder;

    private ManagedProcess(String name, Process process, Path log, Duration startupTime, Builder builder) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startupTime = startupTime;
        this.builder = builder;
    }

    /** Starts describing a process. */
    public static Builder builder(String name, List<String> command) {
        return new Builder(name, command);
    }

    /** The name given to the builder. */
    public String name() {
        return name;
    }

    /** The OS process id. */
    public long pid() {
        return process.pid();
    }

    /** From start until ready. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The log file holding the process's output. */
    public Path log() {
        return log;
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Starts the same command again (same ports, directories and environment, output appended to the same
     * log) after a {@link #kill()} or a crash, and waits until it is ready, judging a ready log line only by
     * what the new process writes. The returned process replaces this one.
     *
     * @throws IllegalStateException if this process is still running, or the new one does not become ready
     */
    public ManagedProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") is still running: kill it before restarting");
        }
        RUNNING.remove(this);
        return builder.start(log);
    }

    /**
     * Writes {@code line} and a newline to the process's standard input and flushes it: a way to drive a
     * process that reads commands, such as a fleet instance. Not for a frozen process (the pipe may fill).
     *
     * @throws UncheckedIOException if the process has exited or closed its input
     */
    public synchronized void send(String line) {
        try {
            var in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send '" + line + "' to " + name, e);
        }
    }

    /** Kills the process with SIGKILL (and its children): afterwards connections are refused. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
        RUNNING.remove(this);
    }

    /** Suspends the process (SIGSTOP): connections are accepted by the kernel but never answered. */
    public void freeze() {
        signal("STOP");
    }

    /** Resumes a frozen process (SIGCONT). */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String signal) {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.descendants().forEach(p -> pids.add(p.pid()));
        for (long pid : pids) {
            try {
                new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void waitFor(Duration d) {
        try {
            process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the process: SIGTERM, then SIGKILL after 10 s. Idempotent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            thaw();
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            waitFor(Duration.ofSeconds(10));
            if (process.isAlive()) {
                kill();
            }
        }
        RUNNING.remove(this);
    }

    @Override
    public String toString() {
        return "ManagedProcess[" + name + ", pid " + process.pid() + "]";
    }

    /** Describes a process to start. */
    public static final class Builder {
        private final String name;
        private final List<String> command;
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path workingDir;
        private Path log;
        private Duration startTimeout = Duration.ofSeconds(60);
        private final List<BooleanSupplier> readiness = new ArrayList<>();
        private String readyLine;

        private Builder(String name, List<String> command) {
            this.name = Objects.requireNonNull(name, "name");
            this.command = List.copyOf(command);
        }

        /** Adds an environment variable. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Runs in this directory. */
        public Builder workingDir(Path dir) {
            this.workingDir = dir;
            return this;
        }

        /** Writes output here (default: a temp file). */
        public Builder log(Path file) {
            this.log = file;
            return this;
        }

        /** How long to wait for readiness (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** Ready once the log contains this text. */
        public Builder readyWhenLogContains(String text) {
            this.readyLine = text;
            return this;
        }

        /** Ready once a TCP connection to this loopback port succeeds. */
        public Builder readyWhenPortOpen(int port) {
            readiness.add(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            return this;
        }

        /** Ready once a GET of this URI answers 2xx. */
        public Builder readyWhenHttpOk(URI uri) {
            readiness.add(() -> {
                try {
                    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
                    c.setConnectTimeout(500);
                    c.setReadTimeout(2000);
                    int code = c.getResponseCode();
                    c.disconnect();
                    return code >= 200 && code < 300;
                } catch (IOException e) {
                    return false;
                }
            });
            return this;
        }

        /** Ready once this condition holds. */
        public Builder readyWhen(BooleanSupplier condition) {
            readiness.add(condition);
            return this;
        }

        /**
         * Starts the process and waits until it is ready.
         *
         * @throws IllegalStateException with the log's tail if it exits or is not ready in time
         */
        public ManagedProcess start() {
            return start(log);
        }

        private ManagedProcess start(Path logOrNull) {
            try {
                Path logFile = logOrNull != null ? logOrNull : Files.createTempFile("cloudhop-" + name.replaceAll("\\W", "_") + "-", ".log");
                long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
                ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
                pb.environment().putAll(env);
                if (workingDir != null) {
                    pb.directory(workingDir.toFile());
                }
                long start = System.nanoTime();
                Process process = pb.start();
                ManagedProcess managed = new ManagedProcess(name, process, logFile, Duration.ZERO, this);
                RUNNING.add(managed);
                long deadline = start + startTimeout.toNanos();
                while (true) {
                    if (!process.isAlive()) {
                        RUNNING.remove(managed);
                        throw new IllegalStateException(name + " exited with status " + process.exitValue()
                                + " before it was ready; log " + logFile + ":\n" + managed.logTail(40));
                    }
                    boolean lineOk = readyLine == null || logSince(logFile, logOffset).contains(readyLine);
                    if (lineOk && readiness.stream().allMatch(BooleanSupplier::getAsBoolean)) {
                        ManagedProcess ready = new ManagedProcess(name, process, logFile, Duration.ofNanos(System.nanoTime() - start), this);
                        RUNNING.remove(managed);
                        RUNNING.add(ready);
                        return ready;
                    }
                    if (System.nanoTime() > deadline) {
                        managed.close();
                        throw new IllegalStateException(name + " was not ready within " + startTimeout + "; log "
                                + logFile + ":\n" + managed.logTail(40));
                    }
                    Thread.sleep(50);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + " " + command, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + name, e);
            }
        }
    
        private static String logSince(Path logFile, long offset) throws IOException {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        }
    }
}
