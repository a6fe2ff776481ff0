package dev.cloudhop.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link AzureQueues#peek} against Azurite: messages are seen without being taken, hidden or counted. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureQueuePeekTest {

    private Cloud cloud;
    private AzureQueues queues;

    @BeforeAll
    void open() {
        cloud = AzureSites.azurite();
        queues = ((AzureCloud) cloud).azureQueues();
    }

    @AfterAll
    void close() {
        cloud.close();
    }

    private String newQueue() {
        String q = "peek-" + UUID.randomUUID().toString().substring(0, 8);
        cloud.queues().createQueue(q);
        return q;
    }

    @Test
    void peekShowsTheFrontWithoutChangingVisibilityOrDequeueCount() {
        String q = newQueue();
        try {
            cloud.queues().send(q, OutgoingMessage.of("first").withAttribute("kind", "order"));
            cloud.queues().send(q, OutgoingMessage.of(new byte[] {0, (byte) 0xff, 7}));
            cloud.queues().send(q, OutgoingMessage.of("third"));

            List<AzureQueues.PeekedMessage> peeked = queues.peek(q, 2);
            assertThat(peeked).hasSize(2);
            assertThat(peeked.get(0).bodyAsString()).isEqualTo("first");
            assertThat(peeked.get(0).attributes()).isEqualTo(Map.of("kind", "order"));
            assertThat(peeked.get(1).body()).containsExactly(0, 0xff, 7);
            assertThat(peeked).allSatisfy(m -> assertThat(m.dequeueCount()).isZero());
            assertThat(queues.peek(q, AzureQueues.MAX_PEEK)).extracting(AzureQueues.PeekedMessage::messageId)
                    .as("peeking again sees the same messages, all three still visible")
                    .startsWith(peeked.get(0).messageId(), peeked.get(1).messageId()).hasSize(3);

            List<ReceivedMessage> received = cloud.queues().receive(q, new ReceiveOptions(1, Duration.ofSeconds(60), Duration.ZERO));
            assertThat(received).singleElement().satisfies(m -> {
                assertThat(m.messageId()).isEqualTo(peeked.get(0).messageId());
                assertThat(m.deliveryCount()).as("peeks did not count as deliveries").isEqualTo(1);
            });
            assertThat(queues.peek(q, AzureQueues.MAX_PEEK)).extracting(AzureQueues.PeekedMessage::messageId)
                    .as("a received (invisible) message is not peeked").doesNotContain(peeked.get(0).messageId()).hasSize(2);
            assertThat(cloud.queues().approximateDepth(q)).isEqualTo(3);
        } finally {
            cloud.queues().deleteQueue(q);
        }
    }

    @Test
    void peekOfAnEmptyQueueIsEmpty() {
        String q = newQueue();
        try {
            assertThat(queues.peek(q, 1)).isEmpty();
        } finally {
            cloud.queues().deleteQueue(q);
        }
    }

    @Test
    void peekOfAMissingQueueIsNotFoundAndABadCountIsAnInvalidRequest() {
        String q = newQueue();
        try {
            assertThat(catchThrowable(() -> queues.peek("peek-missing-" + UUID.randomUUID().toString().substring(0, 8), 1)))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("does not exist");
            for (int max : new int[] {0, AzureQueues.MAX_PEEK + 1}) {
                assertThat(catchThrowable(() -> queues.peek(q, max))).isInstanceOf(InvalidRequestException.class)
                        .hasMessageContaining(String.valueOf(max)).hasMessageContaining("1 to 32");
            }
            assertThat(catchThrowable(() -> queues.peek("Bad_Name!", 1))).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("Bad_Name!");
        } finally {
            cloud.queues().deleteQueue(q);
        }
    }
}
