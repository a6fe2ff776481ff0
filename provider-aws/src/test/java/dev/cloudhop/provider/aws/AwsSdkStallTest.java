package dev.cloudhop.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.tck.FaultServer;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The remote contract stalls only its first operation (an S3 put through jclouds); this checks that the
 * AWS SDK clients (SQS, Route 53, S3 conditional puts) give up on a stalled server within their timeouts too.
 */
class AwsSdkStallTest {

    @Test
    void sdkCallsToAStalledServerAreUnavailableWithinTheirTimeouts() {
        try (FaultServer server = new FaultServer()) {
            server.stall(Duration.ofSeconds(60));
            String hocon = "sites { stalled { provider = aws, region = us-east-1, endpoint = \"" + server.uri() + "\"\n"
                    + "credentials.access-key = \"literal:test\", credentials.secret-key = \"literal:test\"\n"
                    + "timeouts.connect = 1 s, timeouts.read = 1 s, max-attempts = 2 } }";
            var providers = dev.cloudhop.api.config.ProviderRegistry.discover();
            try (Cloud cloud = dev.cloudhop.api.config.Cloudhop.open(dev.cloudhop.api.config.CloudhopConfig.parse(hocon,
                    "stalled.conf", Map.of(), providers), providers).site("stalled")) {
                Map<String, Consumer<Cloud>> calls = Map.of(
                        "queue.send", c -> c.queues().send("orders", OutgoingMessage.of("x")),
                        "dns.zones", c -> c.dns().listZones(),
                        "blob.put-if-none-match", c -> c.blobs().put(BlobId.of("bucket", "k"), BlobContent.ofUtf8("x"),
                                PutOptions.DEFAULT.withIfNoneMatch()));
                calls.forEach((name, call) -> {
                    long start = System.nanoTime();
                    Throwable thrown = catchThrowable(() -> call.accept(cloud));
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertThat(thrown).as(name).isInstanceOf(UnavailableException.class);
                    assertThat(took).as(name + " gave up after").isLessThan(Duration.ofSeconds(10));
                });
            }
        }
    }
}
