package dev.cloudhop.tck;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server that answers every request with a chosen fault: a status code and body, or a stall
 * (no answer until released or a bound passes). It listens on a free loopback port, answers at most
 * {@link #MAX_REQUESTS} requests (then 500s), and stops when closed. For error-mapping contracts and for
 * users' own tests of their failure handling.
 */
public final class FaultServer implements AutoCloseable {

    /** Requests answered before the server refuses to play along; bounds any retry loop. */
    public static final int MAX_REQUESTS = 500;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "fault-server");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 200;
    private volatile String body = "";
    private volatile String contentType = "application/xml";
    private volatile Duration stall = Duration.ZERO;
    private volatile CountDownLatch release = new CountDownLatch(0);

    /** Starts on a free loopback port. */
    public FaultServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                int n = requests.incrementAndGet();
                if (!stall.isZero()) {
                    release.await(stall.toMillis(), TimeUnit.MILLISECONDS);
                }
                byte[] bytes = (n > MAX_REQUESTS ? "too many requests to the fault server" : body)
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.getRequestBody().readAllBytes();
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(n > MAX_REQUESTS ? 500 : status, head || bytes.length == 0 ? -1 : bytes.length);
                if (!head && bytes.length > 0) {
                    exchange.getResponseBody().write(bytes);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    /** Answers every request with this status and body from now on. */
    public FaultServer respond(int statusCode, String responseBody) {
        this.stall = Duration.ZERO;
        this.release.countDown();
        this.status = statusCode;
        this.body = responseBody;
        return this;
    }

    /** Holds every request for {@code duration} (or until {@link #close()}), then answers 200. */
    public FaultServer stall(Duration duration) {
        this.release = new CountDownLatch(1);
        this.status = 200;
        this.body = "";
        this.stall = duration;
        return this;
    }

    /** How many requests arrived so far. */
    public int requestCount() {
        return requests.get();
    }

    /** A loopback URI on which nothing listens: connections are refused. */
    public static URI refusedEndpoint() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Releases stalled requests and stops the server. */
    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
