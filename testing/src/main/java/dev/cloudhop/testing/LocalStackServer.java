package dev.cloudhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * LocalStack's open-source runtime ({@value #VERSION}, the last one that needs no account token) in host
 * mode, without Docker: {@code python -m localstack.runtime.main} from the venv that
 * {@code bin/lib/emulators/aws.sh} installs under {@link Tools#home()}{@code /localstack}, listening on a
 * free loopback port, with its state in a temp directory.
 *
 * <p>Started with the services S3, SQS, Route 53 and EC2 loaded eagerly; ready when it logs {@code Ready.}
 * and {@code /_localstack/health} answers. SQS queue URLs are path style ({@code SQS_ENDPOINT_STRATEGY=path})
 * so that nothing depends on resolving {@code localhost.localstack.cloud}. Community LocalStack has no
 * state-reset endpoint: tests isolate themselves by unique names.
 *
 * <p>{@link #shared()} starts one instance per JVM on first use and stops it at exit, so that every test
 * class of a run shares one start-up. Thread-safe.
 */
public final class LocalStackServer extends EmulatorServer {

    /** The pinned LocalStack version. */
    public static final String VERSION = "4.14.0";

    /** The services started (and loaded eagerly). */
    public static final List<String> SERVICES = List.of("s3", "sqs", "route53", "ec2");

    private static LocalStackServer shared;

    private final URI endpoint;

    private LocalStackServer(ManagedProcess process, URI endpoint, Path stateDir) {
        super(process, stateDir);
        this.endpoint = endpoint;
    }

    /**
     * Starts a new instance on a free loopback port and waits until it is ready (about 5-10 s).
     *
     * @throws IllegalStateException if LocalStack is not installed (saying how to install it), or does not
     *                               become ready within 3 minutes (with its log's tail)
     */
    public static LocalStackServer start() {
        Path python = Tools.require("localstack/bin/python", "LocalStack " + VERSION + " (host mode, Python 3.13 venv)");
        int port = FreePorts.find();
        Path stateDir;
        Path workDir;
        try {
            stateDir = Files.createTempDirectory("cloudhop-localstack-");
            workDir = Files.createDirectories(stateDir.resolve("work"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create LocalStack's state directory", e);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        ManagedProcess process = ManagedProcess.builder("localstack-" + VERSION,
                        List.of(python.toString(), "-m", "localstack.runtime.main"))
                .workingDir(workDir)
                .env("SERVICES", String.join(",", SERVICES))
                .env("EAGER_SERVICE_LOADING", "1")
                .env("GATEWAY_LISTEN", "127.0.0.1:" + port)
                .env("LOCALSTACK_HOST", "127.0.0.1:" + port)
                .env("SQS_ENDPOINT_STRATEGY", "path")
                .env("DNS_ADDRESS", "0")
                .env("SKIP_SSL_CERT_DOWNLOAD", "1")
                .env("DISABLE_EVENTS", "1")
                .env("PERSISTENCE", "0")
                .env("FILESYSTEM_ROOT", stateDir.resolve("fs").toString())
                .env("TMPDIR", workDir.toString())
                .env("DEBUG", "0")
                .readyWhenLogContains("Ready.")
                .readyWhenHttpOk(endpoint.resolve("/_localstack/health"))
                .startTimeout(Duration.ofMinutes(3))
                .start();
        return new LocalStackServer(process, endpoint, stateDir);
    }

    /** The one instance of this JVM, started on the first call; stopped when the JVM exits. */
    public static synchronized LocalStackServer shared() {
        if (shared == null || !shared.process().isAlive()) {
            shared = start();
        }
        return shared;
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint of every service. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String toString() {
        return "LocalStackServer[" + VERSION + ", " + Objects.toString(endpoint) + "]";
    }
}
