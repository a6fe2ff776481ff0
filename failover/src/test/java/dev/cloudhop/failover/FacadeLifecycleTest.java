package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** {@link FailoverCloud#close()} honours {@link dev.cloudhop.api.Cloud#close()}. */
class FacadeLifecycleTest {

    @Test
    void everyCallAfterCloseThrowsAndCloseIsIdempotent() {
        try (Fixture f = new Fixture()) {
            FailoverCloud cloud = f.facade();
            cloud.blobs().createContainer("ctr");
            cloud.queues().createQueue("qq1");
            cloud.queues().send("qq1", OutgoingMessage.of("m"));
            String receipt = cloud.queues().receive("qq1", ReceiveOptions.DEFAULT).get(0).receipt();

            cloud.close();
            cloud.close();

            ThrowingCallable[] calls = {
                () -> cloud.blobs().put(BlobId.of("ctr", "x"), BlobContent.ofUtf8("x")),
                () -> cloud.blobs().get(BlobId.of("ctr", "x")),
                () -> cloud.blobs().list("ctr", ListOptions.ALL),
                () -> cloud.blobs().createContainer("other"),
                () -> cloud.queues().send("qq1", OutgoingMessage.of("m")),
                () -> cloud.queues().receive("qq1", ReceiveOptions.DEFAULT),
                () -> cloud.queues().ack("qq1", receipt),
                () -> cloud.dns().listZones(),
                () -> cloud.compute().listNodes(),
                () -> cloud.failover("aws"),
                cloud::failback,
                cloud::probeNow,
            };
            for (ThrowingCallable call : calls) {
                assertThatThrownBy(call).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            }
            assertThat(cloud.awaitIdle(java.time.Duration.ofSeconds(1))).as("executors are stopped").isFalse();
        }
    }
}
