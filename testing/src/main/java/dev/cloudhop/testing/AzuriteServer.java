package dev.cloudhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Azurite, Microsoft's Azure Storage emulator (npm {@code azurite}, pinned to {@value #VERSION} because later
 * releases need Node 21+), serving Blob and Queue storage on free loopback ports with in-memory data.
 *
 * <p>It is started with Node directly (not {@code npx}) from {@code $CLOUDHOP_TOOLS/azurite}, where
 * {@code bin/lib/emulators/azure.sh} installs it, with {@code --skipApiVersionCheck} (current Azure SDKs
 * send newer API versions than Azurite knows), {@code --loose} and {@code --disableTelemetry} (otherwise it
 * contacts the internet). {@link #start()} keeps data in memory (gone when the process stops);
 * {@link #startDurable()} keeps it in a directory ({@code --location}), so that the server can be killed
 * and {@linkplain #restart() restarted} with its containers, blobs and queued messages intact.
 *
 * <pre>{@code
 * AzuriteServer azurite = AzuriteServer.shared();          // one per JVM, stopped at exit
 * URI blobs = azurite.blobEndpoint();                      // http://127.0.0.1:<port>/devstoreaccount1
 * String key = AzuriteServer.ACCOUNT_KEY;                  // the documented development key
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class AzuriteServer extends EmulatorServer {

    /** The pinned Azurite version. */
    public static final String VERSION = "3.35.0";

    /** The development storage account every Azurite instance serves. */
    public static final String ACCOUNT = "devstoreaccount1";

    /** The well-known key of {@link #ACCOUNT}, published in Microsoft's Azurite documentation (not a secret). */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final String SCRIPT = "azurite/node_modules/azurite/dist/src/azurite.js";
    private static AzuriteServer shared;

    private final int blobPort;
    private final int queuePort;

    private AzuriteServer(int blobPort, int queuePort, ManagedProcess process, Path workDir) {
        super(process, workDir);
        this.blobPort = blobPort;
        this.queuePort = queuePort;
    }

    /**
     * The instance shared by the tests of this JVM, started on first call and stopped when the JVM exits.
     *
     * @throws IllegalStateException if Azurite or Node is missing (with an install hint) or does not start
     */
    public static synchronized AzuriteServer shared() {
        if (shared == null || !shared.process().isAlive()) {
            shared = start();
        }
        return shared;
    }

    /**
     * Starts a new Azurite on free loopback ports, waiting until Blob and Queue storage listen. Retries
     * with other ports if one was taken in between.
     *
     * @throws IllegalStateException if Azurite or Node is missing (with an install hint) or does not start
     */
    public static AzuriteServer start() {
        return start(false);
    }

    /**
     * Starts a new Azurite whose data lives on disk in its working directory, so that it survives a
     * {@code SIGKILL} and {@link #restart()} on the same ports.
     *
     * @throws IllegalStateException if Azurite or Node is missing (with an install hint) or does not start
     */
    public static AzuriteServer startDurable() {
        return start(true);
    }

    private static AzuriteServer start(boolean durable) {
        Path script = Tools.require(SCRIPT, "Azurite " + VERSION + " (npm azurite)");
        Path node = Tools.requireExecutable("node", "Node.js 20 or later", "/usr/bin", "/usr/local/bin");
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int blob = FreePorts.find();
            int queue = FreePorts.find();
            int table = FreePorts.find();
            if (blob == queue || queue == table || blob == table) {
                continue;
            }
            Path workDir = null;
            try {
                workDir = Files.createTempDirectory("cloudhop-azurite-");
                List<String> command = new java.util.ArrayList<>(List.of(node.toString(), script.toString(),
                        "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(blob),
                        "--queueHost", "127.0.0.1", "--queuePort", Integer.toString(queue),
                        "--tableHost", "127.0.0.1", "--tablePort", Integer.toString(table),
                        "--skipApiVersionCheck", "--loose", "--disableTelemetry"));
                if (durable) {
                    command.addAll(List.of("--location", workDir.resolve("data").toString()));
                } else {
                    command.add("--inMemoryPersistence");
                }
                ManagedProcess p = ManagedProcess.builder(durable ? "azurite-durable" : "azurite", command)
                        .workingDir(workDir)
                        .readyWhenLogContains("Azurite Queue service is successfully listening")
                        .readyWhenPortOpen(blob)
                        .readyWhenPortOpen(queue)
                        .startTimeout(Duration.ofSeconds(60))
                        .start();
                return new AzuriteServer(blob, queue, p, workDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a working directory for Azurite", e);
            } catch (IllegalStateException e) {
                deleteQuietly(workDir);
                last = e;
            }
        }
        throw last != null ? last : new IllegalStateException("no free loopback ports for Azurite");
    }

    /** {@code http://127.0.0.1:<blob port>/devstoreaccount1}: the path-style Blob endpoint. */
    public URI blobEndpoint() {
        return URI.create("http://127.0.0.1:" + blobPort + "/" + ACCOUNT);
    }

    /** {@code http://127.0.0.1:<queue port>/devstoreaccount1}: the path-style Queue endpoint. */
    public URI queueEndpoint() {
        return URI.create("http://127.0.0.1:" + queuePort + "/" + ACCOUNT);
    }

    /** The Blob service port. */
    public int blobPort() {
        return blobPort;
    }

    /** The Queue service port. */
    public int queuePort() {
        return queuePort;
    }

    @Override
    public String toString() {
        return "AzuriteServer[blob " + blobPort + ", queue " + queuePort + "]";
    }
}
