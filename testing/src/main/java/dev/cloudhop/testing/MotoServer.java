package dev.cloudhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * moto's server mode ({@value #VERSION}): every AWS service moto emulates on one free loopback port, from the
 * venv that {@code bin/lib/emulators/aws.sh} installs under {@link Tools#home()}{@code /moto}. The account
 * id is {@value #ACCOUNT_ID}, as on LocalStack. State lives in memory; {@link #reset()} clears it.
 *
 * <p>{@link #shared()} starts one instance per JVM on first use and stops it at exit. Thread-safe.
 */
public final class MotoServer extends EmulatorServer {

    /** The pinned moto version. */
    public static final String VERSION = "5.1.22";

    /** The account id moto reports. */
    public static final String ACCOUNT_ID = "000000000000";

    private static MotoServer shared;

    private final URI endpoint;

    private MotoServer(ManagedProcess process, URI endpoint, Path workDir) {
        super(process, workDir);
        this.endpoint = endpoint;
    }

    /**
     * Starts a new instance on a free loopback port and waits until it answers (about 1-2 s).
     *
     * @throws IllegalStateException if moto is not installed (saying how to install it) or does not start
     */
    public static MotoServer start() {
        Path server = Tools.require("moto/bin/moto_server", "moto server " + VERSION);
        int port = FreePorts.find();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path workDir;
        try {
            workDir = Files.createTempDirectory("cloudhop-moto-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create moto's working directory", e);
        }
        ManagedProcess process = ManagedProcess.builder("moto-" + VERSION,
                        List.of(server.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port)))
                .workingDir(workDir)
                .env("MOTO_ACCOUNT_ID", ACCOUNT_ID)
                .env("MOTO_ALLOW_NONEXISTENT_REGION", "true")
                .readyWhenHttpOk(endpoint.resolve("/moto-api/data.json"))
                .startTimeout(Duration.ofMinutes(1))
                .start();
        return new MotoServer(process, endpoint, workDir);
    }

    /** The one instance of this JVM, started on the first call; stopped when the JVM exits. */
    public static synchronized MotoServer shared() {
        if (shared == null || !shared.process().isAlive()) {
            shared = start();
        }
        return shared;
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint of every service. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Clears every service's state ({@code POST /moto-api/reset}).
     *
     * @throws IllegalStateException if moto does not confirm
     */
    public void reset() {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/moto-api/reset").toURL().openConnection();
            c.setRequestMethod("POST");
            c.setConnectTimeout(2000);
            c.setReadTimeout(30_000);
            int status = c.getResponseCode();
            c.disconnect();
            if (status / 100 != 2) {
                throw new IllegalStateException("moto reset answered HTTP " + status);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("moto reset failed", e);
        }
    }

    @Override
    public String toString() {
        return "MotoServer[" + VERSION + ", " + endpoint + "]";
    }
}
