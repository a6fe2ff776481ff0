package dev.cloudhop.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueLimits;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class InMemoryQueueServiceTest {

    private static final SiteInfo SITE = new SiteInfo("test", "local", "here");
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration VIS = Duration.ofSeconds(30);

    private MutableClock clock;
    private InMemoryQueueService queues;
    private ExecutorService executor;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        queues = new InMemoryQueueService(SITE, NamingRules.LOCAL, clock, InMemoryQueueService.defaultLimits());
        queues.createQueue("orders");
        executor = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private static ReceiveOptions opts(int max, Duration visibility) {
        return new ReceiveOptions(max, visibility, Duration.ZERO);
    }

    private List<ReceivedMessage> receive(int max) {
        return queues.receive("orders", opts(max, VIS));
    }

    private ReceivedMessage receiveOne() {
        List<ReceivedMessage> got = receive(1);
        assertThat(got).hasSize(1);
        return got.get(0);
    }

    private static List<String> bodies(List<ReceivedMessage> messages) {
        return messages.stream().map(ReceivedMessage::bodyAsString).toList();
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class Limits {

        @Test
        void defaultLimitsAreThoseOfSqs() {
            QueueLimits l = InMemoryQueueService.defaultLimits();
            assertThat(l.maxMessageBytes()).isEqualTo(262_144);
            assertThat(l.maxDelay()).isEqualTo(Duration.ofMinutes(15));
            assertThat(l.maxVisibility()).isEqualTo(Duration.ofHours(12));
            assertThat(l.maxWait()).isEqualTo(Duration.ofSeconds(20));
            assertThat(l.dedupWindow()).isEqualTo(Duration.ofMinutes(5));
            assertThat(queues.limits()).isEqualTo(l);
        }

        @Test
        void messageAtTheLimitIsAccepted() {
            queues.send("orders", OutgoingMessage.of(new byte[262_144]));
            assertThat(queues.approximateDepth("orders")).isEqualTo(1);
        }

        @Test
        void oversizedMessageIsRejectedNamingSizeLimitAndQueue() {
            InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                    () -> queues.send("orders", OutgoingMessage.of(new byte[262_145])));
            assertThat(e).hasMessageEndingWith(
                    "message of 262145 bytes exceeds the limit of 262144 bytes for queue 'orders'");
            assertThat(e.operation()).isEqualTo("queue.send");
            assertThat(e.context().target()).isEqualTo("orders");
            assertThat(e.site()).isEqualTo(SITE);
            assertThat(e.retryable()).isFalse();
            assertThat(queues.approximateDepth("orders")).isZero();
        }

        @Test
        void attributesCountTowardsTheSize() {
            OutgoingMessage m = OutgoingMessage.of(new byte[262_140]).withAttribute("key", "val");
            assertThatThrownBy(() -> queues.send("orders", m))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("message of 262146 bytes");
            assertThat(queues.approximateDepth("orders")).isZero();
        }

        @Test
        void delayAboveTheLimitIsRejected() {
            assertThatThrownBy(() -> queues.send("orders",
                    OutgoingMessage.of("x").withDelay(Duration.ofMinutes(15).plusSeconds(1))))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("delay");
            assertThat(queues.approximateDepth("orders")).isZero();
        }

        @Test
        void visibilityAboveTheLimitIsRejected() {
            assertThatThrownBy(() -> queues.receive("orders", opts(1, Duration.ofHours(12).plusSeconds(1))))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("visibility timeout");
        }

        @Test
        void waitAboveTheLimitIsRejected() {
            assertThatThrownBy(() -> queues.receive("orders", ReceiveOptions.DEFAULT.withWait(Duration.ofSeconds(21))))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("wait time");
        }

        @Test
        void customLimitsApply() {
            QueueLimits small = new QueueLimits(10, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                    Duration.ofSeconds(3));
            InMemoryQueueService q = new InMemoryQueueService(SITE, NamingRules.LOCAL, clock, small);
            q.createQueue("small");
            q.send("small", OutgoingMessage.of("0123456789"));
            assertThatThrownBy(() -> q.send("small", OutgoingMessage.of("01234567890")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageEndingWith("message of 11 bytes exceeds the limit of 10 bytes for queue 'small'");
            assertThat(q.limits()).isSameAs(small);
        }
    }

    @Nested
    class Queues {

        @Test
        void createIsIdempotent() {
            assertThat(queues.createQueue("invoices")).isTrue();
            assertThat(queues.createQueue("invoices")).isFalse();
            assertThat(queues.queueExists("invoices")).isTrue();
        }

        @Test
        void deleteIsIdempotentAndDropsMessages() {
            queues.send("orders", OutgoingMessage.of("a"));
            assertThat(queues.deleteQueue("orders")).isTrue();
            assertThat(queues.deleteQueue("orders")).isFalse();
            assertThat(queues.queueExists("orders")).isFalse();
            queues.createQueue("orders");
            assertThat(queues.approximateDepth("orders")).isZero();
            assertThat(receive(10)).isEmpty();
        }

        @Test
        void listIsSorted() {
            queues.createQueue("zeta");
            queues.createQueue("alpha");
            assertThat(queues.listQueues()).containsExactly("alpha", "orders", "zeta");
        }

        @Test
        void invalidNamesAreRejectedWithTheReason() {
            InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                    () -> queues.createQueue("Bad_Name"));
            assertThat(e).hasMessageContaining("queue name 'Bad_Name' is invalid: ");
            assertThat(e.operation()).isEqualTo("queue.create");
            assertThat(e.context().target()).isEqualTo("Bad_Name");

            assertThatThrownBy(() -> queues.send("a", OutgoingMessage.of("x")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("queue name 'a' is invalid");
            assertThatThrownBy(() -> queues.queueExists(null)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> queues.deleteQueue("x".repeat(64))).isInstanceOf(InvalidRequestException.class);
            assertThat(queues.listQueues()).containsExactly("orders");
        }

        @Test
        void missingQueueIsNotFoundForEveryMessageOperation() {
            String receipt = "00000000-0000-0000-0000-000000000000:1";
            assertNotFound("queue.send", () -> queues.send("nope", OutgoingMessage.of("x")));
            assertNotFound("queue.receive", () -> queues.receive("nope", ReceiveOptions.DEFAULT));
            assertNotFound("queue.ack", () -> queues.ack("nope", receipt));
            assertNotFound("queue.extend", () -> queues.extendVisibility("nope", receipt, VIS));
            assertNotFound("queue.depth", () -> queues.approximateDepth("nope"));
        }

        private void assertNotFound(String operation, Runnable call) {
            NotFoundException e = catchThrowableOfType(NotFoundException.class, call::run);
            assertThat(e).as(operation).isNotNull().hasMessageEndingWith("queue 'nope' does not exist");
            assertThat(e.operation()).isEqualTo(operation);
            assertThat(e.context().target()).isEqualTo("nope");
        }

        @Test
        void nullArgumentsAreInvalidRequests() {
            assertThatThrownBy(() -> queues.send("orders", null)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> queues.receive("orders", null)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> queues.ack("orders", null)).isInstanceOf(InvalidRequestException.class);
            queues.send("orders", OutgoingMessage.of("x"));
            String receipt = receiveOne().receipt();
            assertThatThrownBy(() -> queues.extendVisibility("orders", receipt, null))
                    .isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> queues.extendVisibility("orders", receipt, Duration.ofSeconds(-1)))
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    @Nested
    class SendAndReceive {

        @Test
        void roundTripCarriesBodyAttributesAndMetadata() {
            String id = queues.send("orders", OutgoingMessage.of("hello").withAttribute("k", "v"));
            ReceivedMessage m = receiveOne();
            assertThat(m.messageId()).isEqualTo(id);
            assertThat(m.bodyAsString()).isEqualTo("hello");
            assertThat(m.attributes()).isEqualTo(Map.of("k", "v"));
            assertThat(m.deliveryCount()).isEqualTo(1);
            assertThat(m.sentAt()).isEqualTo(T0);
            assertThat(m.receipt()).isEqualTo(id + ":1");
        }

        @Test
        void emptyQueueReturnsNothingAtOnce() {
            assertThat(receive(10)).isEmpty();
        }

        @Test
        void receivesInSendOrderUpToMaxMessages() {
            for (int i = 0; i < 5; i++) {
                queues.send("orders", OutgoingMessage.of("m" + i));
            }
            assertThat(bodies(receive(3))).containsExactly("m0", "m1", "m2");
            assertThat(bodies(receive(10))).containsExactly("m3", "m4");
            assertThat(receive(10)).isEmpty();
        }

        @Test
        void receivedMessageIsInvisibleUntilItsVisibilityEnds() {
            queues.send("orders", OutgoingMessage.of("a"));
            ReceivedMessage first = receiveOne();
            clock.advance(VIS.minusMillis(1));
            assertThat(receive(1)).isEmpty();
            clock.advance(Duration.ofMillis(1));
            ReceivedMessage second = receiveOne();
            assertThat(second.messageId()).isEqualTo(first.messageId());
            assertThat(second.deliveryCount()).isEqualTo(2);
            assertThat(second.receipt()).isNotEqualTo(first.receipt());
            assertThat(second.sentAt()).isEqualTo(T0);
        }

        @Test
        void redeliveriesComeInOrderOfVisibility() {
            queues.send("orders", OutgoingMessage.of("a"));
            queues.send("orders", OutgoingMessage.of("b"));
            queues.receive("orders", opts(1, Duration.ofSeconds(20))); // a, visible again at +20 s
            queues.receive("orders", opts(1, Duration.ofSeconds(10))); // b, visible again at +10 s
            queues.send("orders", OutgoingMessage.of("c")); // visible since 0
            clock.advance(Duration.ofSeconds(20));
            assertThat(bodies(receive(10))).containsExactly("c", "b", "a");
        }

        @Test
        void delayedMessageIsInvisibleUntilItsDelayEnds() {
            queues.send("orders", OutgoingMessage.of("late").withDelay(Duration.ofMinutes(15)));
            queues.send("orders", OutgoingMessage.of("now"));
            List<ReceivedMessage> now = receive(10);
            assertThat(bodies(now)).containsExactly("now");
            queues.ack("orders", now.get(0).receipt());
            clock.advance(Duration.ofMinutes(15).minusMillis(1));
            assertThat(receive(10)).isEmpty();
            clock.advance(Duration.ofMillis(1));
            ReceivedMessage late = receiveOne();
            assertThat(late.bodyAsString()).isEqualTo("late");
            assertThat(late.sentAt()).isEqualTo(T0);
        }

        @Test
        void depthCountsVisibleInFlightAndDelayed() {
            queues.send("orders", OutgoingMessage.of("in flight"));
            queues.send("orders", OutgoingMessage.of("visible"));
            queues.send("orders", OutgoingMessage.of("delayed").withDelay(Duration.ofMinutes(1)));
            queues.receive("orders", opts(1, VIS)); // the first message is now in flight
            assertThat(queues.approximateDepth("orders")).isEqualTo(3);
        }

        @Test
        void queuesAreIndependent() {
            queues.createQueue("other");
            queues.send("other", OutgoingMessage.of("x"));
            assertThat(receive(10)).isEmpty();
            assertThat(queues.approximateDepth("other")).isEqualTo(1);
        }
    }

    @Nested
    class Ack {

        @Test
        void ackDeletesAndIsIdempotent() {
            queues.send("orders", OutgoingMessage.of("a"));
            ReceivedMessage m = receiveOne();
            queues.ack("orders", m.receipt());
            assertThat(queues.approximateDepth("orders")).isZero();
            queues.ack("orders", m.receipt());
            clock.advance(VIS.multipliedBy(2));
            assertThat(receive(10)).isEmpty();
        }

        @Test
        void ackWithCurrentReceiptAfterVisibilityExpiredButBeforeRedeliveryDeletes() {
            queues.send("orders", OutgoingMessage.of("a"));
            ReceivedMessage m = receiveOne();
            clock.advance(VIS.plusSeconds(1));
            queues.ack("orders", m.receipt());
            assertThat(queues.approximateDepth("orders")).isZero();
        }

        @Test
        void supersededReceiptIsAConflictAndKeepsTheMessage() {
            queues.send("orders", OutgoingMessage.of("a"));
            ReceivedMessage first = receiveOne();
            clock.advance(VIS);
            ReceivedMessage second = receiveOne();

            ConflictException e = catchThrowableOfType(ConflictException.class,
                    () -> queues.ack("orders", first.receipt()));
            assertThat(e).hasMessageContaining("superseded");
            assertThat(e.operation()).isEqualTo("queue.ack");
            assertThat(queues.approximateDepth("orders")).isEqualTo(1);

            queues.ack("orders", second.receipt());
            assertThat(queues.approximateDepth("orders")).isZero();
        }

        @Test
        void malformedReceiptIsAnInvalidRequest() {
            queues.send("orders", OutgoingMessage.of("a"));
            String id = receiveOne().messageId();
            for (String bad : List.of("", "garbage", id, id + ":", id + ":0", id + ":-1", id + ":x",
                    id + ":99999999999", "not-a-uuid:1", id.toUpperCase() + ":1")) {
                assertThatThrownBy(() -> queues.ack("orders", bad)).as(bad)
                        .isInstanceOf(InvalidRequestException.class)
                        .hasMessageContaining("receipt");
            }
            assertThat(queues.approximateDepth("orders")).isEqualTo(1);
        }

        @Test
        void receiptNeverIssuedIsAnInvalidRequest() {
            queues.send("orders", OutgoingMessage.of("a"));
            String id = receiveOne().messageId();
            assertThatThrownBy(() -> queues.ack("orders", id + ":2")).isInstanceOf(InvalidRequestException.class);
            assertThat(queues.approximateDepth("orders")).isEqualTo(1);
        }

        @Test
        void receiptOfAnUnknownMessageIsANoOp() {
            queues.ack("orders", "12345678-1234-1234-1234-123456789abc:1");
        }
    }

    @Nested
    class ExtendVisibility {

        @Test
        void extendsFromNow() {
            queues.send("orders", OutgoingMessage.of("a"));
            ReceivedMessage m = receiveOne();
            clock.advance(Duration.ofSeconds(20));
            queues.extendVisibility("orders", m.receipt(), Duration.ofMinutes(1));
            clock.advance(Duration.ofSeconds(59));
            assertThat(receive(1)).isEmpty();
            clock.advance(Duration.ofSeconds(1));
            assertThat(receiveOne().deliveryCount()).isEqualTo(2);
        }

        @Test
        void zeroMakesItVisibleAtOnceAndKeepsTheReceiptCurrentUntilRedelivery() {
            queues.send("orders", OutgoingMessage.of("a"));
            ReceivedMessage m = receiveOne();
            queues.extendVisibility("orders", m.receipt(), Duration.ZERO);
            queues.ack("orders", m.receipt()); // still current: not yet redelivered
            assertThat(queues.approximateDepth("orders")).isZero();
        }

        @Test
        void supersededReceiptIsAConflict() {
            queues.send("orders", OutgoingMessage.of("a"));
            ReceivedMessage first = receiveOne();
            clock.advance(VIS);
            receiveOne();
            ConflictException e = catchThrowableOfType(ConflictException.class,
                    () -> queues.extendVisibility("orders", first.receipt(), VIS));
            assertThat(e.operation()).isEqualTo("queue.extend");
        }

        @Test
        void goneMessageIsNotFound() {
            queues.send("orders", OutgoingMessage.of("a"));
            ReceivedMessage m = receiveOne();
            queues.ack("orders", m.receipt());
            NotFoundException e = catchThrowableOfType(NotFoundException.class,
                    () -> queues.extendVisibility("orders", m.receipt(), VIS));
            assertThat(e).hasMessageContaining(m.messageId());
            assertThat(e.operation()).isEqualTo("queue.extend");
        }

        @Test
        void aboveTheLimitOrMalformedIsAnInvalidRequest() {
            queues.send("orders", OutgoingMessage.of("a"));
            ReceivedMessage m = receiveOne();
            assertThatThrownBy(() -> queues.extendVisibility("orders", m.receipt(), Duration.ofHours(13)))
                    .isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> queues.extendVisibility("orders", "nonsense", VIS))
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    @Nested
    class Dedup {

        @Test
        void duplicateWithinTheWindowReturnsTheFirstIdAndIsNotEnqueued() {
            String first = queues.send("orders", OutgoingMessage.of("a").withDedupKey("k"));
            clock.advance(Duration.ofMinutes(5).minusMillis(1));
            String second = queues.send("orders", OutgoingMessage.of("b").withDedupKey("k"));
            assertThat(second).isEqualTo(first);
            assertThat(queues.approximateDepth("orders")).isEqualTo(1);
            assertThat(bodies(receive(10))).containsExactly("a");
        }

        @Test
        void keyIsRememberedAfterTheFirstMessageIsAcked() {
            String first = queues.send("orders", OutgoingMessage.of("a").withDedupKey("k"));
            queues.ack("orders", receiveOne().receipt());
            assertThat(queues.send("orders", OutgoingMessage.of("a").withDedupKey("k"))).isEqualTo(first);
            assertThat(queues.approximateDepth("orders")).isZero();
        }

        @Test
        void keyExpiresAfterTheWindowCountedFromTheFirstSend() {
            String first = queues.send("orders", OutgoingMessage.of("a").withDedupKey("k"));
            clock.advance(Duration.ofMinutes(3));
            queues.send("orders", OutgoingMessage.of("dup").withDedupKey("k")); // does not extend the window
            clock.advance(Duration.ofMinutes(2));
            String third = queues.send("orders", OutgoingMessage.of("c").withDedupKey("k"));
            assertThat(third).isNotEqualTo(first);
            assertThat(bodies(receive(10))).containsExactly("a", "c");
            // and the new key starts a new window
            assertThat(queues.send("orders", OutgoingMessage.of("d").withDedupKey("k"))).isEqualTo(third);
        }

        @Test
        void expiryOfOneKeyDoesNotAffectFresherKeys() {
            String a = queues.send("orders", OutgoingMessage.of("a").withDedupKey("a"));
            clock.advance(Duration.ofMinutes(4));
            String b = queues.send("orders", OutgoingMessage.of("b").withDedupKey("b"));
            clock.advance(Duration.ofMinutes(2));
            assertThat(queues.send("orders", OutgoingMessage.of("a2").withDedupKey("a"))).isNotEqualTo(a);
            assertThat(queues.send("orders", OutgoingMessage.of("b2").withDedupKey("b"))).isEqualTo(b);
        }

        @Test
        void keysArePerQueueAndMessagesWithoutKeysAreNeverDeduplicated() {
            queues.createQueue("other");
            String a = queues.send("orders", OutgoingMessage.of("a").withDedupKey("k"));
            String b = queues.send("other", OutgoingMessage.of("a").withDedupKey("k"));
            assertThat(b).isNotEqualTo(a);
            queues.send("orders", OutgoingMessage.of("same"));
            queues.send("orders", OutgoingMessage.of("same"));
            assertThat(queues.approximateDepth("orders")).isEqualTo(3);
        }

        @Test
        void deletingTheQueueForgetsItsKeys() {
            String a = queues.send("orders", OutgoingMessage.of("a").withDedupKey("k"));
            queues.deleteQueue("orders");
            queues.createQueue("orders");
            assertThat(queues.send("orders", OutgoingMessage.of("a").withDedupKey("k"))).isNotEqualTo(a);
        }
    }

    @Nested
    @Timeout(20)
    class LongPolling {

        private ReceiveOptions waitFor(Duration wait) {
            return new ReceiveOptions(10, VIS, wait);
        }

        /** Starts a receive on another thread and returns once that thread waits inside it. */
        private Future<List<ReceivedMessage>> pollInBackground(Duration wait) {
            return startWaiting(() -> queues.receive("orders", waitFor(wait)));
        }

        /**
         * Submits {@code task} and returns once its thread is parked (waiting for a message), so that what the
         * test does next happens during the wait.
         */
        private <T> Future<T> startWaiting(Callable<T> task) {
            AtomicReference<Thread> runner = new AtomicReference<>();
            Future<T> future = executor.submit(() -> {
                runner.set(Thread.currentThread());
                return task.call();
            });
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
                Thread t = runner.get();
                return t != null && (t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.WAITING);
            });
            return future;
        }

        @Test
        void wakesPromptlyWhenAMessageIsSent() throws Exception {
            Future<List<ReceivedMessage>> poll = pollInBackground(Duration.ofSeconds(20));
            assertThat(poll).isNotDone();
            long sentAt = System.nanoTime();
            queues.send("orders", OutgoingMessage.of("wake up"));
            List<ReceivedMessage> got = poll.get(5, TimeUnit.SECONDS);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
            assertThat(bodies(got)).containsExactly("wake up");
            assertThat(tookMillis).isLessThan(1_000);
        }

        @Test
        void returnsEmptyWhenTheWaitEnds() {
            long start = System.nanoTime();
            List<ReceivedMessage> got = queues.receive("orders", waitFor(Duration.ofMillis(200)));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(got).isEmpty();
            assertThat(tookMillis).isBetween(190L, 5_000L);
        }

        @Test
        void returnsAtOnceWhenAMessageIsAlreadyVisible() {
            queues.send("orders", OutgoingMessage.of("ready"));
            long start = System.nanoTime();
            assertThat(bodies(queues.receive("orders", waitFor(Duration.ofSeconds(20))))).containsExactly("ready");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        }

        @Test
        void picksUpADelayedMessageWhoseDelayEndsDuringTheWait() throws Exception {
            queues.send("orders", OutgoingMessage.of("delayed").withDelay(Duration.ofMinutes(1)));
            Future<List<ReceivedMessage>> poll = pollInBackground(Duration.ofSeconds(20));
            assertThat(poll).isNotDone();
            clock.advance(Duration.ofMinutes(1)); // no send, no signal: only the periodic re-check sees it
            assertThat(bodies(poll.get(5, TimeUnit.SECONDS))).containsExactly("delayed");
        }

        @Test
        void picksUpAMessageWhoseVisibilityExpiresDuringTheWait() throws Exception {
            queues.send("orders", OutgoingMessage.of("again"));
            receiveOne();
            Future<List<ReceivedMessage>> poll = pollInBackground(Duration.ofSeconds(20));
            assertThat(poll).isNotDone();
            clock.advance(VIS);
            List<ReceivedMessage> got = poll.get(5, TimeUnit.SECONDS);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).deliveryCount()).isEqualTo(2);
        }

        @Test
        void wakesWhenVisibilityIsSetToZero() throws Exception {
            queues.send("orders", OutgoingMessage.of("a"));
            ReceivedMessage m = receiveOne();
            Future<List<ReceivedMessage>> poll = pollInBackground(Duration.ofSeconds(20));
            queues.extendVisibility("orders", m.receipt(), Duration.ZERO);
            assertThat(poll.get(5, TimeUnit.SECONDS)).hasSize(1);
        }

        @Test
        void deletingTheQueueEndsItsPollersWithNotFound() throws Exception {
            Future<List<ReceivedMessage>> p1 = pollInBackground(Duration.ofSeconds(20));
            Future<List<ReceivedMessage>> p2 = pollInBackground(Duration.ofSeconds(20));
            queues.deleteQueue("orders");
            for (Future<List<ReceivedMessage>> p : List.of(p1, p2)) {
                assertThatThrownBy(() -> p.get(5, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(NotFoundException.class)
                        .cause().hasMessageEndingWith("queue 'orders' does not exist");
            }
        }

        @Test
        void oneMessageGoesToExactlyOneOfSeveralPollers() throws Exception {
            int pollers = 4;
            List<Future<List<ReceivedMessage>>> polls = new ArrayList<>();
            for (int i = 0; i < pollers; i++) {
                polls.add(pollInBackground(Duration.ofMillis(700)));
            }
            queues.send("orders", OutgoingMessage.of("only one"));
            int received = 0;
            for (Future<List<ReceivedMessage>> p : polls) {
                received += p.get(5, TimeUnit.SECONDS).size();
            }
            assertThat(received).isEqualTo(1);
        }

        @Test
        void interruptEndsTheWaitKeepingTheFlag() throws Exception {
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Future<List<ReceivedMessage>> poll = startWaiting(() -> {
                List<ReceivedMessage> got = queues.receive("orders", waitFor(Duration.ofSeconds(20)));
                flag.set(Thread.currentThread().isInterrupted());
                return got;
            });
            poll.cancel(true);
            assertThat(await().atMost(Duration.ofSeconds(5)).until(flag::get, Objects::nonNull)).isTrue();
        }
    }

    @Nested
    @Timeout(30)
    class Concurrency {

        @Test
        void concurrentReceiversGetEveryMessageExactlyOnce() throws Exception {
            int messages = 500;
            int senders = 4;
            int receivers = 6;
            Set<String> sent = ConcurrentHashMap.newKeySet();
            List<String> received = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch sendersDone = new CountDownLatch(senders);
            List<Future<?>> tasks = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                tasks.add(executor.submit(() -> {
                    for (int i = 0; i < messages / senders; i++) {
                        sent.add(queues.send("orders", OutgoingMessage.of(sender + "-" + i)));
                    }
                    sendersDone.countDown();
                }));
            }
            for (int r = 0; r < receivers; r++) {
                tasks.add(executor.submit(() -> {
                    while (true) {
                        List<ReceivedMessage> got = queues.receive("orders",
                                new ReceiveOptions(10, Duration.ofHours(1), Duration.ofMillis(100)));
                        for (ReceivedMessage m : got) {
                            received.add(m.messageId());
                            queues.ack("orders", m.receipt());
                        }
                        if (got.isEmpty() && sendersDone.getCount() == 0
                                && queues.approximateDepth("orders") == 0) {
                            return null;
                        }
                    }
                }));
            }
            for (Future<?> t : tasks) {
                t.get(20, TimeUnit.SECONDS);
            }
            assertThat(sent).hasSize(messages);
            assertThat(received).hasSize(messages).doesNotHaveDuplicates();
            assertThat(Set.copyOf(received)).isEqualTo(sent);
            assertThat(queues.approximateDepth("orders")).isZero();
        }
    }

    @Test
    void everyErrorIsACloudException() {
        List<Runnable> calls = List.of(
                () -> queues.createQueue(""),
                () -> queues.send("missing", OutgoingMessage.of("x")),
                () -> queues.ack("orders", "?"));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(CloudException.class);
        }
    }

    /** A clock that stands still until a test moves it. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;
        private final ZoneId zone;

        MutableClock(Instant start) {
            this(new AtomicReference<>(start), ZoneOffset.UTC);
        }

        private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId z) {
            return new MutableClock(now, z);
        }
    }
}
