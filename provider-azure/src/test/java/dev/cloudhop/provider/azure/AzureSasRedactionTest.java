package dev.cloudhop.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.testing.AzuriteServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * In SAS mode the token is in every storage request URL: its signature must reach neither exceptions (their
 * messages, causes and suppressed exceptions) nor jclouds' logs, also when requests fail in transport or with
 * server errors, where jclouds quotes the request line. Against a loopback server answering 500 and a refused
 * port.
 */
class AzureSasRedactionTest {

    private static final String SIG = "Zm9vYmFyU2VjcmV0U2lnbmF0dXJlMDEyMzQ1Njc4OQ%3D%3D";
    private static final String SAS = "sv=2022-11-02&ss=bq&srt=sco&sp=rwdlacup&se=2099-01-01T00%3A00%3A00Z&sig=" + SIG;

    @Test
    void redactReplacesOnlyTheSignatureValue() {
        assertThat(Redaction.redact("GET https://a.blob.core.windows.net/c/k?comp=list&" + SAS + " HTTP/1.1"))
                .isEqualTo("GET https://a.blob.core.windows.net/c/k?comp=list&sv=2022-11-02&ss=bq&srt=sco&sp=rwdlacup"
                        + "&se=2099-01-01T00%3A00%3A00Z&sig=REDACTED HTTP/1.1");
        assertThat(Redaction.redact("u=https%3A%2F%2Fx%3Fsig%3Dabc%252B&y=1")).isEqualTo("u=https%3A%2F%2Fx%3Fsig%3DREDACTED&y=1");
        assertThat(Redaction.redact("?SIG=abc")).isEqualTo("?SIG=REDACTED");
        assertThat(Redaction.redact("xsig=keep&sig=REDACTED")).isEqualTo("xsig=keep&sig=REDACTED");
        assertThat(Redaction.leaks(new IllegalStateException("at ?sig=REDACTED"))).isFalse();
        IllegalStateException inner = new IllegalStateException("at ?sig=" + SIG);
        RuntimeException outer = new RuntimeException("wrapped");
        outer.addSuppressed(inner);
        assertThat(Redaction.leaks(outer)).isTrue();
        assertThat(String.valueOf(Redaction.copy(outer).getSuppressed()[0])).isEqualTo(
                "java.lang.IllegalStateException: at ?sig=REDACTED");
    }

    @Test
    void failingRequestsNeitherThrowNorLogTheSignature() throws IOException {
        HttpServer failing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        failing.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                byte[] body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InternalError</Code><Message>"
                        + "The server encountered an internal error. Please retry the request.</Message></Error>")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("x-ms-error-code", "InternalError");
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(500, head ? -1 : body.length);
                if (!head) {
                    exchange.getResponseBody().write(body);
                }
            }
        });
        failing.start();
        int refused;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refused = s.getLocalPort();
        }
        List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        List<Logger> loggers = List.of(Logger.getLogger("jclouds"), Logger.getLogger("org.jclouds"));
        List<Level> levels = loggers.stream().map(Logger::getLevel).toList();
        loggers.forEach(l -> {
            l.setLevel(Level.ALL);
            l.addHandler(capture);
        });
        List<Throwable> thrown = new ArrayList<>();
        try {
            for (int port : new int[] {failing.getAddress().getPort(), refused}) {
                String base = "http://127.0.0.1:" + port + "/" + AzuriteServer.ACCOUNT;
                try (Sites sites = AzureSites.open("sites { sas { provider = azure, region = westeurope, storage { account = "
                        + AzuriteServer.ACCOUNT + ", sas = \"literal:" + SAS + "\", blob-endpoint = \"" + base
                        + "\", queue-endpoint = \"" + base + "\" }, timeout = 2 s, retries = 1 } }")) {
                    Cloud cloud = sites.site("sas");
                    List<Consumer<Cloud>> operations = List.of(
                            c -> c.blobs().get(BlobId.of("container", "key")),
                            c -> c.blobs().stat(BlobId.of("container", "key")),
                            c -> c.blobs().put(BlobId.of("container", "key"), new byte[] {1, 2, 3}),
                            c -> c.blobs().createContainer("container"),
                            c -> c.blobs().listPage("container", ListOptions.ALL, Optional.empty()),
                            c -> c.blobs().list("container", ListOptions.ALL).toList(),
                            c -> c.queues().send("orders", OutgoingMessage.of("x")),
                            c -> c.queues().approximateDepth("orders"));
                    for (Consumer<Cloud> op : operations) {
                        thrown.add(catchThrowable(() -> op.accept(cloud)));
                    }
                }
            }
        } finally {
            failing.stop(0);
            for (int i = 0; i < loggers.size(); i++) {
                loggers.get(i).removeHandler(capture);
                loggers.get(i).setLevel(levels.get(i));
            }
        }

        assertThat(thrown).hasSize(16).allSatisfy(t -> assertThat(t).isInstanceOf(CloudException.class));
        for (Throwable t : thrown) {
            for (String text : texts(t, Collections.newSetFromMap(new IdentityHashMap<>()))) {
                assertThat(text).doesNotContain(SIG);
            }
        }
        assertThat(logged).isNotEmpty();
        for (LogRecord r : logged) {
            String text = new java.util.logging.SimpleFormatter().format(r);
            assertThat(text).doesNotContain(SIG);
        }
        assertThat(logged).as("jclouds logged the request lines, redacted")
                .anyMatch(r -> new java.util.logging.SimpleFormatter().format(r).contains("sig=REDACTED"));
    }

    /** The text of t, its causes and suppressed exceptions, and their stack traces' string forms. */
    private static List<String> texts(Throwable t, Set<Throwable> seen) {
        List<String> out = new ArrayList<>();
        if (t == null || !seen.add(t)) {
            return out;
        }
        out.add(String.valueOf(t));
        for (Throwable s : t.getSuppressed()) {
            out.addAll(texts(s, seen));
        }
        out.addAll(texts(t.getCause(), seen));
        return out;
    }
}
