package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.naming.NameKind;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueLimits;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.api.spi.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.core.client.impl.ClientConsumerInternal;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloudhop queues on ActiveMQ Artemis, embedded or remote, over Artemis' core protocol.
 *
 * <p>Each queue is an anycast address and a durable queue of the same name, {@code <prefix><queue>}. What the
 * broker does natively is used natively: delayed delivery is Artemis' scheduled delivery
 * ({@code _AMQ_SCHED_DELIVERY}), dedup keys are its duplicate detection ({@code _AMQ_DUPL_ID}, remembered for
 * the last {@code id-cache-size} sends of an address), the depth is the queue's message count (which counts
 * delivering and scheduled messages), and an acknowledgement is an individual acknowledgement.
 *
 * <p><b>Visibility timeouts.</b> Artemis has no per-message visibility timeout, so this client keeps one. A
 * receive takes a <em>lease session</em> (consumer window 0, so nothing is prefetched) and the messages it
 * delivers stay un-acknowledged in that session: the broker counts them as delivering and gives them to no
 * one else. {@link #ack} acknowledges one individually. When a visibility timeout ends first, the client sends
 * a copy of the message (same Cloudhop id, delivery count carried over; the send is durable before it goes on)
 * and then acknowledges the original, so the message is visible again at once; a crash between the two can
 * only duplicate it. {@link #extendVisibility} just moves that deadline. If this process dies, the broker ends
 * its sessions and delivers their messages again: at-least-once holds without the client. Receipts are
 * therefore valid only in the process that received the message; another process's receipt is a
 * {@link ConflictException}.
 *
 * <p><b>Acknowledgements</b> are sent without waiting for the broker's answer (Artemis' non-blocking
 * acknowledge): {@code ack} returns at once and the broker removes the message a moment later, which the
 * depth reflects. An acknowledgement lost in a crash of this process means one more delivery, never a lost
 * message.
 *
 * <p><b>Sends</b> are durable when {@code send} returns: concurrent sends are group-committed, one
 * transaction and one journal flush for everything queued meanwhile (see {@link Batcher}), sends with a dedup
 * key included (a duplicate fails its batch, which is then sent one by one). With {@code queue.send-mode = async} a send is
 * handed to the connection without waiting.
 *
 * <p><b>Dead-letter queues.</b> A policy is stored on the broker as the queue's address settings
 * ({@code dead-letter-address}, {@code max-delivery-attempts}), so the broker moves a message itself after that
 * many deliveries it counts (a consumer's session closing without an acknowledgement). A visibility timeout
 * ending is not a broker delivery (the copy above starts again at one), so this client also moves a message
 * whose Cloudhop delivery count is spent when it receives it: it sends a copy to the dead-letter address with
 * the reason and a duplicate-detection id derived from the message id, then acknowledges the original; a crash
 * in between leaves the original, whose next move the broker drops as a duplicate. Messages the broker moves
 * itself carry no reason attribute. The producer's dedup key travels in {@value #DEDUP_KEY}.
 *
 * <p>Thread-safe. The broker connection is opened on first use and re-opened after it fails.
 */
final class ArtemisQueueService implements QueueService, AutoCloseable {

    static final String ID = "cloudhop.id";
    static final String SENT = "cloudhop.sent";
    static final String PRIOR_DELIVERIES = "cloudhop.prior-deliveries";
    static final String ATTRIBUTE = "cloudhop.attr.";
    static final String DEDUP_KEY = "cloudhop.dedup-key";

    /** How long a queue's dead-letter policy is used before it is read from the broker again. */
    private static final Duration POLICY_CACHE = Duration.ofSeconds(30);

    private static final String MANAGEMENT_ADDRESS = "activemq.management";
    private static final Duration EXISTS_CACHE = Duration.ofSeconds(1);
    private static final int SETTLED_RECEIPTS = 100_000;
    private static final int IDLE_SESSIONS_PER_QUEUE = 8;
    /** How often idle leases holding messages no receive took are closed (see {@link #releaseStranded}). */
    private static final Duration STRANDED_SWEEP = Duration.ofSeconds(2);
    private static final int PRODUCER_SESSIONS = 16;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ArtemisQueueService.class);

    private final SiteInfo site;
    private final NamingRules rules;
    private final OnPremSettings.Queue settings;
    private final QueueLimits limits;
    private final String instance = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicLong receiptSequence = new AtomicLong();
    private final ScheduledExecutorService timers;
    private final Map<String, Delivery> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Settlement> settled = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Settlement> eldest) {
            return size() > SETTLED_RECEIPTS;
        }
    };
    private final Map<String, Long> knownQueues = new ConcurrentHashMap<>();
    private final Map<String, CachedPolicy> policies = new ConcurrentHashMap<>();

    private record CachedPolicy(Optional<DeadLetterPolicy> policy, long expiresAtNanos) {
    }

    private final Object connectLock = new Object();
    private EmbeddedArtemis broker;
    private Connection connection;
    private boolean closed;

    /** How a receipt ended, for later calls with it. */
    private enum Settlement { ACKED, EXPIRED, LOST }

    ArtemisQueueService(SiteInfo site, NamingRules rules, OnPremSettings.Queue settings) {
        this.site = Objects.requireNonNull(site, "site");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.limits = new QueueLimits(settings.maxMessageBytes(), Duration.ofDays(365), Duration.ofHours(12),
                Duration.ofMinutes(5), settings.dedupWindow());
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "cloudhop-queue-visibility-" + site.id());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timers = executor;
        long sweep = STRANDED_SWEEP.toMillis();
        executor.scheduleWithFixedDelay(this::releaseStranded, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /**
     * Closes the idle leases that hold messages no receive has taken ({@link Lease#buffered}), which gives those
     * messages back to the queue for every consumer: for when this process stops receiving from a queue while
     * others go on.
     */
    private void releaseStranded() {
        Connection c;
        synchronized (connectLock) {
            c = connection;
        }
        if (c == null || c.broken) {
            return;
        }
        List<Lease> stranded = new ArrayList<>();
        for (Deque<Lease> pool : c.idle.values()) {
            synchronized (pool) {
                pool.removeIf(l -> l.buffered() > 0 && stranded.add(l));
            }
        }
        for (Lease l : stranded) {
            LOG.debug("site {} queue {}: closing an idle session holding {} message(s) no receive took", site.id(), l.queue,
                    l.buffered());
            closeQuietly(l.session);
        }
    }

    @Override
    public QueueLimits limits() {
        return limits;
    }

    // ------------------------------------------------------------------------------------------------
    // connection

    /** One connection to the broker and everything opened on it; replaced as a whole when it fails. */
    private final class Connection {
        final String url;
        final ServerLocator locator;
        final ClientSessionFactory factory;
        final ClientSession admin;
        final ReentrantLock adminLock = new ReentrantLock();
        final ConcurrentLinkedDeque<Producer> producers = new ConcurrentLinkedDeque<>();
        final Map<String, Deque<Lease>> idle = new ConcurrentHashMap<>();
        volatile boolean broken;

        private Batcher batcher; // guarded by this

        Connection(String url, ServerLocator locator, ClientSessionFactory factory) throws ActiveMQException {
            this.url = url;
            this.locator = locator;
            this.factory = factory;
            try {
                this.admin = session();
            } catch (ActiveMQException | RuntimeException e) {
                factory.close();
                throw e;
            }
        }

        /** An auto-committing session; acknowledgements are sent at once, without waiting for an answer. */
        ClientSession session() throws ActiveMQException {
            String user = settings.user().orElse(null);
            String password = settings.password().map(s -> s.reveal()).orElse(null);
            ClientSession s = factory.createSession(user, password, false, true, true, false, 0);
            s.start();
            return s;
        }

        synchronized Batcher batcher() {
            if (batcher == null) {
                batcher = new Batcher(this);
            }
            return batcher;
        }

        void close() {
            broken = true;
            synchronized (this) {
                if (batcher != null) {
                    batcher.stop();
                }
            }
            try {
                factory.close();
            } catch (RuntimeException e) {
                // already gone
                LOG.debug("site {} queue.close: closing the session factory of {} failed: {}", site.id(),
                        Secret.redactUserInfo(url), redact(e));
            }
            locator.close();
        }
    }

    /** A pooled session with an anonymous producer. */
    private record Producer(ClientSession session, ClientProducer producer) {
    }

    /**
     * A session with one consumer of one queue. Its delivered, un-acknowledged messages are the
     * deliveries in flight; it goes back to the idle pool when none is left.
     */
    private final class Lease {
        final Connection connection;
        final String queue;
        final ClientSession session;
        final ClientConsumer consumer;
        final ClientProducer producer;
        final ReentrantLock lock = new ReentrantLock();
        int inFlight; // guarded by lock

        Lease(Connection connection, String queue) throws ActiveMQException {
            this.connection = connection;
            this.queue = queue;
            this.session = connection.session();
            try {
                this.consumer = session.createConsumer(address(queue));
                this.producer = session.createProducer();
            } catch (ActiveMQException | RuntimeException e) {
                closeQuietly(session);
                throw e;
            }
        }

        /**
         * Messages the broker sent this consumer that no receive has taken yet. A receive that finds nothing can
         * leave one: with consumer window 0 it grants one credit and then takes it back, and a message routed between
         * the broker's "nothing here" and the take-back is sent anyway. It waits in the buffer of an idle lease,
         * invisible to every other consumer, until that lease receives again.
         */
        int buffered() {
            return consumer instanceof ClientConsumerInternal c ? c.getBufferSize() : 0;
        }
    }

    /** One delivery of a message: what its receipt refers to. */
    private static final class Delivery {
        final String receipt;
        final String queue;
        final Lease lease;
        final ClientMessage message;
        final int deliveryCount;
        ScheduledFuture<?> expiry; // guarded by lease.lock
        boolean settled; // guarded by lease.lock

        Delivery(String receipt, String queue, Lease lease, ClientMessage message, int deliveryCount) {
            this.receipt = receipt;
            this.queue = queue;
            this.lease = lease;
            this.message = message;
            this.deliveryCount = deliveryCount;
        }
    }

    private Connection connection(ErrorContext ctx) {
        synchronized (connectLock) {
            if (closed) {
                throw new IllegalStateException("queue service of site " + site.id() + " is closed");
            }
            if (connection != null && !connection.broken) {
                return connection;
            }
            if (connection != null) {
                abandon(connection);
            }
            ServerLocator locator = null;
            try {
                String url;
                if (settings.embedded()) {
                    if (broker == null) {
                        broker = EmbeddedArtemis.start(settings.journal().orElseThrow(), settings.listen(),
                                settings.dedupCacheSize());
                    }
                    url = broker.inVmUrl();
                } else {
                    url = settings.url().orElseThrow().toString();
                }
                locator = ActiveMQClient.createServerLocator(url);
                configure(locator, settings.durableSends());
                ClientSessionFactory factory = locator.createSessionFactory();
                Connection created = new Connection(url, locator, factory);
                created.admin.addFailureListener(new org.apache.activemq.artemis.api.core.client.SessionFailureListener() {
                    @Override
                    public void connectionFailed(ActiveMQException exception, boolean failedOver) {
                        created.broken = true;
                    }

                    @Override
                    public void connectionFailed(ActiveMQException exception, boolean failedOver, String scaleDownTargetNodeID) {
                        created.broken = true;
                    }

                    @Override
                    public void beforeReconnect(ActiveMQException exception) {
                        created.broken = true;
                    }
                });
                connection = created;
                return connection;
            } catch (IllegalStateException e) {
                if (locator != null) {
                    locator.close();
                }
                throw new UnavailableException(ctx, e.getMessage(), e);
            } catch (Exception e) {
                if (locator != null) {
                    locator.close();
                }
                throw translate(e, ctx);
            }
        }
    }

    /** Client settings of every connection; {@code blockingSends}: a durable send waits until it is stored. */
    private void configure(ServerLocator locator, boolean blockingSends) {
        locator.setConsumerWindowSize(0)
                .setBlockOnDurableSend(blockingSends)
                .setBlockOnNonDurableSend(false)
                .setBlockOnAcknowledge(false)
                .setMinLargeMessageSize(Math.max(settings.maxMessageBytes() * 4, 1 << 20))
                .setCallTimeout(CALL_TIMEOUT.toMillis())
                .setCallFailoverTimeout(CALL_TIMEOUT.toMillis())
                .setConnectionTTL(60_000)
                .setClientFailureCheckPeriod(5_000)
                .setInitialConnectAttempts(1)
                .setReconnectAttempts(0)
                .setConfirmationWindowSize(blockingSends ? -1 : 1 << 20)
                .setUseGlobalPools(true);
    }

    /** Forgets a failed connection: its deliveries come back from the broker on their own. */
    private void abandon(Connection dead) {
        dead.close();
        inFlight.values().removeIf(d -> {
            if (d.lease.connection == dead) {
                if (d.expiry != null) {
                    d.expiry.cancel(false);
                }
                settle(d.receipt, Settlement.LOST);
                return true;
            }
            return false;
        });
    }

    private void markBroken(Connection c, Exception e) {
        if (isConnectionFailure(e)) {
            c.broken = true;
        }
    }

    private static SimpleString address(String prefix, String queue) {
        return SimpleString.of(prefix + queue);
    }

    private SimpleString address(String queue) {
        return address(settings.prefix(), queue);
    }

    // ------------------------------------------------------------------------------------------------
    // queues

    private ErrorContext ctx(String operation, String queue) {
        return ErrorContext.of(site, operation, queue == null ? "" : queue);
    }

    private void checkName(String queue, ErrorContext ctx) {
        List<String> violations = rules.violations(NameKind.QUEUE, queue);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(ctx, "queue name '" + queue + "' is invalid for provider "
                    + rules.provider() + ": " + String.join("; ", violations));
        }
    }

    private <T> T admin(ErrorContext ctx, AdminCall<T> call) {
        Connection c = connection(ctx);
        c.adminLock.lock();
        try {
            return call.apply(c.admin);
        } catch (CloudException e) {
            throw e;
        } catch (Exception e) {
            markBroken(c, e);
            throw translate(e, ctx);
        } finally {
            c.adminLock.unlock();
        }
    }

    @FunctionalInterface
    private interface AdminCall<T> {
        T apply(ClientSession admin) throws Exception;
    }

    @Override
    public boolean createQueue(String queue) {
        ErrorContext ctx = ctx("queue.create", queue);
        checkName(queue, ctx);
        boolean created = admin(ctx, s -> {
            if (s.queueQuery(address(queue)).isExists()) {
                return false;
            }
            try {
                if (!s.addressQuery(address(queue)).isExists()) {
                    try {
                        s.createAddress(address(queue), java.util.EnumSet.of(RoutingType.ANYCAST), false);
                    } catch (ActiveMQException e) {
                        if (e.getType() != ActiveMQExceptionType.ADDRESS_EXISTS) {
                            throw e;
                        }
                    }
                }
                s.createQueue(QueueConfiguration.of(address(queue)).setAddress(address(queue))
                        .setRoutingType(RoutingType.ANYCAST).setDurable(true));
                return true;
            } catch (ActiveMQException e) {
                if (e.getType() == ActiveMQExceptionType.QUEUE_EXISTS) {
                    return false;
                }
                throw e;
            }
        });
        knownQueues.put(queue, System.nanoTime() + EXISTS_CACHE.toNanos());
        return created;
    }

    @Override
    public boolean createQueue(String queue, DeadLetterPolicy policy) {
        ErrorContext ctx = ctx("queue.create", queue);
        checkName(queue, ctx);
        Objects.requireNonNull(policy, "policy");
        checkName(policy.targetQueue(), ctx);
        policy.checkFor(queue, ctx);
        if (!admin(ctx, s -> s.queueQuery(address(policy.targetQueue())).isExists())) {
            throw new NotFoundException(ctx, "dead-letter queue '" + policy.targetQueue() + "' does not exist");
        }
        if (admin(ctx, s -> s.queueQuery(address(queue)).isExists())) {
            return false;
        }
        // the settings first, so that no message reaches the queue before its policy holds
        String json = new AddressSettings().setDeadLetterAddress(address(policy.targetQueue()))
                .setMaxDeliveryAttempts(policy.maxDeliveries()).toJSON();
        admin(ctx, s -> manage(s, "addAddressSettings", address(queue).toString(), json));
        policies.remove(queue);
        return createQueue(queue);
    }

    @Override
    public Optional<DeadLetterPolicy> deadLetterPolicy(String queue) {
        ErrorContext ctx = ctx("queue.policy", queue);
        checkName(queue, ctx);
        requireQueue(queue, ctx);
        String json = (String) admin(ctx, s -> manage(s, "getAddressSettingsAsJSON", address(queue).toString()));
        AddressSettings addressSettings = AddressSettings.fromJSON(json);
        Optional<DeadLetterPolicy> policy = Optional.empty();
        SimpleString dla = addressSettings.getDeadLetterAddress();
        String prefix = settings.prefix();
        int max = addressSettings.getMaxDeliveryAttempts();
        if (dla != null && dla.toString().startsWith(prefix) && max >= 1) {
            String target = dla.toString().substring(prefix.length());
            if (rules.violations(NameKind.QUEUE, target).isEmpty()) {
                policy = Optional.of(new DeadLetterPolicy(target, Math.min(max, DeadLetterPolicy.MAX_DELIVERIES)));
            }
        }
        policies.put(queue, new CachedPolicy(policy, System.nanoTime() + POLICY_CACHE.toNanos()));
        return policy;
    }

    /** The policy of a queue, read from the broker at most every {@link #POLICY_CACHE}. */
    private Optional<DeadLetterPolicy> cachedPolicy(String queue) {
        CachedPolicy cached = policies.get(queue);
        if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
            return cached.policy();
        }
        return deadLetterPolicy(queue);
    }

    @Override
    public int redrive(String deadLetterQueue, String targetQueue, int maxMessages) {
        ErrorContext ctx = ctx("queue.redrive", targetQueue);
        checkName(deadLetterQueue, ctx);
        checkName(targetQueue, ctx);
        requireQueue(targetQueue, ctx);
        return QueueService.redrive(this, deadLetterQueue, maxMessages, m -> sendDirect(connection(ctx), targetQueue,
                UUID.randomUUID().toString(), System.currentTimeMillis(), QueueService.redriven(deadLetterQueue, m),
                m.dedupKey(), ctx));
    }

    @Override
    public boolean deleteQueue(String queue) {
        ErrorContext ctx = ctx("queue.delete", queue);
        checkName(queue, ctx);
        knownQueues.remove(queue);
        Connection c = connection(ctx);
        Deque<Lease> idle = c.idle.remove(queue);
        if (idle != null) {
            idle.forEach(l -> closeQuietly(l.session));
        }
        boolean existed = admin(ctx, s -> {
            if (!s.queueQuery(address(queue)).isExists()) {
                return false;
            }
            manage(s, "destroyQueue", address(queue).toString(), true, true);
            manage(s, "removeAddressSettings", address(queue).toString());
            return true;
        });
        inFlight.values().removeIf(d -> {
            if (d.queue.equals(queue) && d.lease.connection == c) {
                if (d.expiry != null) {
                    d.expiry.cancel(false);
                }
                settle(d.receipt, Settlement.LOST);
                closeQuietly(d.lease.session);
                return true;
            }
            return false;
        });
        knownQueues.remove(queue);
        policies.remove(queue);
        return existed;
    }

    @Override
    public boolean queueExists(String queue) {
        ErrorContext ctx = ctx("queue.exists", queue);
        checkName(queue, ctx);
        return admin(ctx, s -> s.queueQuery(address(queue)).isExists());
    }

    @Override
    public Stream<String> listQueues() {
        ErrorContext ctx = ctx("queue.list", null);
        String prefix = settings.prefix();
        Object[] names = admin(ctx, s -> (Object[]) manage(s, "getQueueNames", RoutingType.ANYCAST.toString()));
        return Arrays.stream(names).map(String::valueOf).filter(n -> n.startsWith(prefix))
                .map(n -> n.substring(prefix.length())).filter(n -> rules.violations(NameKind.QUEUE, n).isEmpty())
                .sorted().toList().stream();
    }

    /** Invokes a broker management operation over the core protocol. */
    @SuppressWarnings("try")
    private Object manage(ClientSession s, String operation, Object... args) throws Exception {
        try (ClientRequestor requestor = new ClientRequestor(s, MANAGEMENT_ADDRESS)) {
            ClientMessage request = s.createMessage(false);
            ManagementHelper.putOperationInvocation(request, ResourceNames.BROKER, operation, args);
            ClientMessage reply = requestor.request(request, CALL_TIMEOUT.toMillis());
            if (reply == null) {
                throw new ActiveMQException(ActiveMQExceptionType.CONNECTION_TIMEDOUT,
                        "no answer from the broker's management address to " + operation);
            }
            if (!ManagementHelper.hasOperationSucceeded(reply)) {
                String error = String.valueOf(ManagementHelper.getResult(reply));
                throw new ActiveMQException(error.contains("AMQ229213") || error.toLowerCase().contains("permission")
                        ? ActiveMQExceptionType.SECURITY_EXCEPTION : ActiveMQExceptionType.INTERNAL_ERROR,
                        "broker management operation " + operation + " failed: " + error);
            }
            return ManagementHelper.getResult(reply);
        }
    }

    /** Whether the queue exists, from a cache of one second so that sends do not query it every time. */
    private void requireQueue(String queue, ErrorContext ctx) {
        Long until = knownQueues.get(queue);
        if (until != null && until - System.nanoTime() > 0) {
            return;
        }
        boolean exists = admin(ctx, s -> s.queueQuery(address(queue)).isExists());
        if (!exists) {
            knownQueues.remove(queue);
            throw new NotFoundException(ctx, "queue '" + queue + "' does not exist");
        }
        knownQueues.put(queue, System.nanoTime() + EXISTS_CACHE.toNanos());
    }

    @Override
    public long approximateDepth(String queue) {
        ErrorContext ctx = ctx("queue.depth", queue);
        checkName(queue, ctx);
        return admin(ctx, s -> {
            ClientSession.QueueQuery q = s.queueQuery(address(queue));
            if (!q.isExists()) {
                throw new NotFoundException(ctx, "queue '" + queue + "' does not exist");
            }
            return q.getMessageCount();
        });
    }

    // ------------------------------------------------------------------------------------------------
    // send

    @Override
    public String send(String queue, OutgoingMessage message) {
        ErrorContext ctx = ctx("queue.send", queue);
        checkName(queue, ctx);
        Objects.requireNonNull(message, "message");
        long size = message.sizeInBytes();
        if (size > limits.maxMessageBytes()) {
            throw new InvalidRequestException(ctx, "message of " + size + " bytes (body plus attributes) exceeds the "
                    + "limit of " + limits.maxMessageBytes() + " bytes");
        }
        if (message.delay().compareTo(limits.maxDelay()) > 0) {
            throw new InvalidRequestException(ctx, "delay " + message.delay() + " exceeds the limit of " + limits.maxDelay());
        }
        requireQueue(queue, ctx);
        Connection c = connection(ctx);
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        if (settings.durableSends()) {
            // group commit: concurrent sends share one transaction and one journal flush
            c.batcher().send(new PendingSend(queue, id, now, message, ctx));
        } else {
            // async: handed to the connection without waiting for the broker
            sendDirect(c, queue, id, now, message, message.dedupKey(), ctx);
        }
        return id;
    }

    /**
     * How many group commits the current connection made and how many sends they held, as {@code {batches,
     * messages}}; zeros before the first durable send. For tests: more messages than batches shows grouping.
     */
    long[] sendBatchCounts() {
        synchronized (connectLock) {
            Connection c = connection;
            if (c == null) {
                return new long[2];
            }
            synchronized (c) {
                return c.batcher == null ? new long[2] : c.batcher.counts();
            }
        }
    }

    /**
     * Writes the Cloudhop properties and the body into a new message; {@code carriedKey} is the dedup key
     * receivers see, which differs from the message's own (the duplicate-detection id) when it is redriven.
     */
    private static void fill(ClientMessage m, String id, long now, OutgoingMessage message,
                             Optional<String> carriedKey) {
        m.putStringProperty(ID, id);
        carriedKey.ifPresent(k -> m.putStringProperty(DEDUP_KEY, k));
        m.putLongProperty(SENT, now);
        message.attributes().forEach((k, v) -> m.putStringProperty(ATTRIBUTE + k, v));
        message.dedupKey().ifPresent(k -> m.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, k));
        if (!message.delay().isZero()) {
            m.putLongProperty(Message.HDR_SCHEDULED_DELIVERY_TIME, now + message.delay().toMillis());
        }
        m.getBodyBuffer().writeBytes(message.body());
    }

    /** One send on a pooled session; blocking until stored when sends are durable. */
    private void sendDirect(Connection c, String queue, String id, long now, OutgoingMessage message,
                            Optional<String> carriedKey, ErrorContext ctx) {
        Producer p = c.producers.pollFirst();
        try {
            if (p == null) {
                ClientSession s = c.session();
                p = new Producer(s, s.createProducer());
            }
            ClientMessage m = p.session().createMessage(Message.BYTES_TYPE, true);
            fill(m, id, now, message, carriedKey);
            p.producer().send(address(queue), m);
            if (c.producers.size() < PRODUCER_SESSIONS) {
                c.producers.offerFirst(p);
            } else {
                closeQuietly(p.session());
            }
        } catch (Exception e) {
            if (p != null) {
                closeQuietly(p.session());
            }
            markBroken(c, e);
            if (e instanceof ActiveMQException a && isMissingQueue(a)) {
                knownQueues.remove(queue);
                throw new NotFoundException(ctx, "queue '" + queue + "' does not exist", e);
            }
            throw translate(e, ctx);
        }
    }

    /** A durable send waiting for its batch to commit. */
    private record PendingSend(String queue, String id, long now, OutgoingMessage message, ErrorContext ctx,
                               java.util.concurrent.CompletableFuture<Void> done) {
        PendingSend(String queue, String id, long now, OutgoingMessage message, ErrorContext ctx) {
            this(queue, id, now, message, ctx, new java.util.concurrent.CompletableFuture<>());
        }
    }

    /**
     * Group commit of durable sends: callers queue their messages; one thread sends everything queued in one
     * transaction (non-blocking sends on a connection of its own) and commits it, which returns once the
     * journal has flushed the whole batch; then every caller of the batch returns. One flush per batch instead
     * of one per message. If a batch fails, its messages are sent one by one, so that each caller gets its own
     * outcome (a deleted queue, say).
     *
     * <p>Sends with a dedup key are batched too. A duplicate in a transaction makes the broker roll the whole
     * transaction back (its commit fails, and the keys of the batch are not remembered), so the batch is then
     * sent one by one, where the duplicate alone is dropped. A batch never holds one key of one queue twice
     * (the broker would not see the second as a duplicate of the first within one transaction): the second
     * waits for the next batch.
     */
    private final class Batcher {
        private static final int MAX_BATCH = 512;

        private final Connection connection;
        private final java.util.concurrent.LinkedBlockingQueue<PendingSend> pending =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final Thread thread;
        private final java.util.concurrent.atomic.LongAdder batches = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder batched = new java.util.concurrent.atomic.LongAdder();
        private PendingSend deferred; // its dedup key was already in the batch; first of the next one (batcher thread)
        private volatile boolean stopped;
        private ServerLocator locator;
        private ClientSessionFactory factory;
        private ClientSession session;
        private ClientProducer producer;

        Batcher(Connection connection) {
            this.connection = connection;
            this.thread = new Thread(this::run, "cloudhop-queue-sends-" + site.id());
            thread.setDaemon(true);
            thread.start();
        }

        void send(PendingSend send) {
            if (stopped) {
                throw new UnavailableException(send.ctx(), "the connection to the broker was closed");
            }
            pending.add(send);
            try {
                send.done().get(CALL_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof CloudException ce) {
                    throw ce;
                }
                throw translate(e.getCause(), send.ctx());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new UnavailableException(send.ctx(), "the broker did not confirm the send within "
                        + CALL_TIMEOUT.multipliedBy(2), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnavailableException(send.ctx(), "interrupted while sending", e);
            }
        }

        private void run() {
            List<PendingSend> batch = new ArrayList<>();
            java.util.Set<String> keys = new java.util.HashSet<>();
            while (!stopped) {
                try {
                    PendingSend first = deferred != null ? deferred : pending.poll(200, TimeUnit.MILLISECONDS);
                    deferred = null;
                    if (first == null) {
                        continue;
                    }
                    batch.clear();
                    keys.clear();
                    batch.add(first);
                    dedupKey(first).ifPresent(keys::add);
                    PendingSend next;
                    while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
                        if (dedupKey(next).filter(k -> !keys.add(k)).isPresent()) {
                            deferred = next;
                            break;
                        }
                        batch.add(next);
                    }
                    batches.increment(); // before any of its callers returns
                    batched.add(batch.size());
                    commit(batch);
                } catch (InterruptedException e) {
                    // stop() interrupts: what is queued is handed back below
                    LOG.debug("site {} queue.send: batcher stopped", site.id());
                    break;
                }
            }
            if (deferred != null) {
                pending.add(deferred);
            }
            PendingSend left;
            while ((left = pending.poll()) != null) {
                left.done().completeExceptionally(new UnavailableException(left.ctx(), "the queue service was closed"));
            }
            closeSession();
        }

        private static Optional<String> dedupKey(PendingSend send) {
            return send.message().dedupKey().map(k -> send.queue() + '\n' + k);
        }

        /** Batches and the sends they held, since the connection opened, counted before each commit (for tests). */
        long[] counts() {
            return new long[] {batches.sum(), batched.sum()};
        }

        private void commit(List<PendingSend> batch) {
            try {
                if (session == null || session.isClosed()) {
                    open();
                }
                for (PendingSend p : batch) {
                    ClientMessage m = session.createMessage(Message.BYTES_TYPE, true);
                    fill(m, p.id(), p.now(), p.message(), p.message().dedupKey());
                    producer.send(address(p.queue()), m);
                }
                session.commit();
                batch.forEach(p -> p.done().complete(null));
            } catch (Exception e) {
                // each send is retried on its own below, and its caller sees that outcome
                LOG.debug("site {} queue.send: a batch of {} sends failed, sending them one by one: {}", site.id(),
                        batch.size(), redact(e));
                closeSession();
                for (PendingSend p : batch) {
                    try {
                        sendDirect(connection, p.queue(), p.id(), p.now(), p.message(), p.message().dedupKey(), p.ctx());
                        p.done().complete(null);
                    } catch (RuntimeException failed) {
                        p.done().completeExceptionally(failed);
                    }
                }
            }
        }

        private void open() throws Exception {
            closeSession();
            locator = ActiveMQClient.createServerLocator(connection.url);
            configure(locator, false);
            factory = locator.createSessionFactory();
            String user = settings.user().orElse(null);
            String password = settings.password().map(x -> x.reveal()).orElse(null);
            session = factory.createSession(user, password, false, false, true, false, 0);
            producer = session.createProducer();
        }

        private void closeSession() {
            if (factory != null) {
                try {
                    factory.close();
                } catch (RuntimeException e) {
                    // already gone
                    LOG.debug("site {} queue.send: closing the batcher's session factory failed: {}", site.id(), redact(e));
                }
            }
            if (locator != null) {
                locator.close();
            }
            session = null;
            factory = null;
            locator = null;
        }

        void stop() {
            stopped = true;
            thread.interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // receive, ack, extend

    @Override
    public List<ReceivedMessage> receive(String queue, ReceiveOptions options) {
        ErrorContext ctx = ctx("queue.receive", queue);
        checkName(queue, ctx);
        Objects.requireNonNull(options, "options");
        if (options.visibilityTimeout().compareTo(limits.maxVisibility()) > 0) {
            throw new InvalidRequestException(ctx, "visibility timeout " + options.visibilityTimeout()
                    + " exceeds the limit of " + limits.maxVisibility());
        }
        if (options.waitTime().compareTo(limits.maxWait()) > 0) {
            throw new InvalidRequestException(ctx, "wait time " + options.waitTime() + " exceeds the limit of "
                    + limits.maxWait());
        }
        Connection c = connection(ctx);
        Optional<DeadLetterPolicy> policy = cachedPolicy(queue);
        Lease lease = borrow(c, queue, ctx);
        List<ReceivedMessage> received = new ArrayList<>();
        lease.lock.lock();
        try {
            long waitMillis = options.waitTime().toMillis();
            ClientMessage m = waitMillis > 0 ? lease.consumer.receive(waitMillis) : lease.consumer.receiveImmediate();
            while (m != null) {
                if (policy.isPresent() && policy.get().exhausted(deliveryCount(m) - 1)) {
                    deadLetter(queue, policy.get(), lease, m);
                    m = lease.consumer.receiveImmediate();
                    continue;
                }
                received.add(deliver(queue, lease, m, options.visibilityTimeout()));
                if (received.size() >= options.maxMessages()) {
                    break;
                }
                m = lease.consumer.receiveImmediate();
            }
        } catch (Exception e) {
            lease.lock.unlock();
            markBroken(c, e);
            if (received.isEmpty()) {
                closeQuietly(lease.session);
                if (e instanceof ActiveMQException a && isMissingQueue(a)) {
                    throw new NotFoundException(ctx, "queue '" + queue + "' does not exist", e);
                }
                throw translate(e, ctx);
            }
            LOG.debug("site {} queue.receive {}: the broker failed after {} messages, returning those: {}", site.id(),
                    queue, received.size(), redact(e));
            return received; // what was delivered stays delivered; the lease holds it
        }
        boolean idle = lease.inFlight == 0;
        lease.lock.unlock();
        if (idle) {
            giveBack(lease);
        }
        return received;
    }

    /** An idle lease of the queue, or a new one; a missing queue is NotFound. */
    private Lease borrow(Connection c, String queue, ErrorContext ctx) {
        Deque<Lease> pool = c.idle.get(queue);
        if (pool != null) {
            synchronized (pool) {
                // a lease holding a message that arrived after its last receive goes first (see Lease.buffered)
                for (java.util.Iterator<Lease> it = pool.iterator(); it.hasNext(); ) {
                    Lease l = it.next();
                    if (l.buffered() > 0) {
                        it.remove();
                        return l;
                    }
                }
                Lease l = pool.pollFirst();
                if (l != null) {
                    return l;
                }
            }
        }
        try {
            return new Lease(c, queue);
        } catch (ActiveMQException e) {
            markBroken(c, e);
            if (isMissingQueue(e)) {
                knownQueues.remove(queue);
                throw new NotFoundException(ctx, "queue '" + queue + "' does not exist", e);
            }
            throw translate(e, ctx);
        }
    }

    private void giveBack(Lease lease) {
        if (lease.connection.broken || lease.session.isClosed()) {
            closeQuietly(lease.session);
            return;
        }
        Deque<Lease> pool = lease.connection.idle.computeIfAbsent(lease.queue, q -> new ArrayDeque<>());
        synchronized (pool) {
            if (pool.size() < IDLE_SESSIONS_PER_QUEUE) {
                pool.offerFirst(lease);
                return;
            }
        }
        closeQuietly(lease.session);
    }

    /** The Cloudhop delivery count of a message being delivered now: earlier copies' deliveries plus the broker's. */
    private static int deliveryCount(ClientMessage m) {
        int prior = m.containsProperty(PRIOR_DELIVERIES) ? m.getIntProperty(PRIOR_DELIVERIES) : 0;
        return prior + Math.max(1, m.getDeliveryCount());
    }

    /**
     * Moves a message that had all its deliveries: a durable copy to the dead-letter address (duplicate-detection
     * id derived from the message id, so a repeated move is dropped), then the original is acknowledged. Called
     * with the lease locked.
     */
    private void deadLetter(String queue, DeadLetterPolicy policy, Lease lease, ClientMessage original)
            throws ActiveMQException {
        int delivered = deliveryCount(original) - 1;
        String id = original.containsProperty(ID) ? original.getStringProperty(ID) : "artemis-" + original.getMessageID();
        ClientMessage copy = lease.session.createMessage(Message.BYTES_TYPE, true);
        for (SimpleString name : original.getPropertyNames()) {
            String n = name.toString();
            if (!n.startsWith("_AMQ") && !n.startsWith("_HQ") && !n.equals(PRIOR_DELIVERIES)) {
                copy.putObjectProperty(name, original.getObjectProperty(name));
            }
        }
        copy.putStringProperty(ATTRIBUTE + DeadLetterPolicy.REASON_ATTRIBUTE, policy.reason(delivered));
        copy.putStringProperty(ATTRIBUTE + DeadLetterPolicy.SOURCE_ATTRIBUTE, queue);
        copy.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, DeadLetterPolicy.moveKey(queue, id));
        original.getBodyBuffer().resetReaderIndex();
        byte[] body = new byte[original.getBodySize()];
        original.getBodyBuffer().readBytes(body);
        copy.getBodyBuffer().writeBytes(body);
        lease.producer.send(address(policy.targetQueue()), copy); // durable before the original goes
        original.individualAcknowledge();
    }

    /** Registers a delivered message; called with the lease locked. */
    private ReceivedMessage deliver(String queue, Lease lease, ClientMessage m, Duration visibility) {
        String receipt = instance + "." + receiptSequence.incrementAndGet() + "."
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        int deliveryCount = deliveryCount(m);
        Delivery d = new Delivery(receipt, queue, lease, m, deliveryCount);
        lease.inFlight++;
        inFlight.put(receipt, d);
        d.expiry = timers.schedule(() -> expire(d), visibility.toMillis(), TimeUnit.MILLISECONDS);

        byte[] body = new byte[m.getBodySize()];
        m.getBodyBuffer().readBytes(body);
        Map<String, String> attributes = new HashMap<>();
        for (SimpleString name : m.getPropertyNames()) {
            String n = name.toString();
            if (n.startsWith(ATTRIBUTE)) {
                attributes.put(n.substring(ATTRIBUTE.length()), String.valueOf(m.getObjectProperty(name)));
            }
        }
        String id = m.containsProperty(ID) ? m.getStringProperty(ID) : "artemis-" + m.getMessageID();
        long sent = m.containsProperty(SENT) ? m.getLongProperty(SENT) : m.getTimestamp();
        Optional<String> dedupKey = m.containsProperty(DEDUP_KEY) ? Optional.of(m.getStringProperty(DEDUP_KEY))
                : Optional.empty();
        return new ReceivedMessage(id, body, attributes, receipt, deliveryCount, Instant.ofEpochMilli(sent), dedupKey);
    }

    /** The visibility timeout ended: send a copy that is visible at once and acknowledge the original. */
    private void expire(Delivery d) {
        Lease lease = d.lease;
        lease.lock.lock();
        boolean idle;
        try {
            if (d.settled) {
                return;
            }
            d.settled = true;
            inFlight.remove(d.receipt);
            settle(d.receipt, Settlement.EXPIRED);
            try {
                ClientMessage copy = lease.session.createMessage(Message.BYTES_TYPE, true);
                ClientMessage original = d.message;
                for (SimpleString name : original.getPropertyNames()) {
                    if (!name.toString().startsWith("_AMQ") && !name.toString().startsWith("_HQ")) {
                        copy.putObjectProperty(name, original.getObjectProperty(name));
                    }
                }
                copy.putIntProperty(PRIOR_DELIVERIES, d.deliveryCount);
                original.getBodyBuffer().resetReaderIndex();
                byte[] body = new byte[original.getBodySize()];
                original.getBodyBuffer().readBytes(body);
                copy.getBodyBuffer().writeBytes(body);
                lease.producer.send(address(d.queue), copy); // durable before the original goes
                original.individualAcknowledge();
            } catch (Exception e) {
                // the broker gives this session's deliveries to others once it is closed: still at least once
                LOG.warn("site {} queue.expire {}: making broker message {} visible again failed; the broker redelivers"
                        + " it when its session is closed: {}", site.id(), d.queue, d.message.getMessageID(), redact(e));
                closeQuietly(lease.session);
                markBroken(lease.connection, e);
            }
            lease.inFlight--;
            idle = lease.inFlight == 0;
        } finally {
            lease.lock.unlock();
        }
        if (idle) {
            giveBack(lease);
        }
    }

    @Override
    public void ack(String queue, String receipt) {
        ErrorContext ctx = ctx("queue.ack", queue);
        checkName(queue, ctx);
        Delivery d = current(queue, receipt, ctx);
        if (d == null) {
            return; // acknowledged before: idempotent
        }
        Lease lease = d.lease;
        boolean idle;
        lease.lock.lock();
        try {
            if (d.settled) {
                Settlement s = settlement(receipt);
                if (s == Settlement.ACKED) {
                    return;
                }
                throw superseded(ctx, s);
            }
            try {
                d.message.individualAcknowledge();
            } catch (Exception e) {
                d.settled = true;
                inFlight.remove(receipt);
                settle(receipt, Settlement.LOST);
                closeQuietly(lease.session);
                markBroken(lease.connection, e);
                throw new UnavailableException(ctx, "acknowledging failed; the message will be delivered again: "
                        + describe(e), e);
            }
            d.settled = true;
            d.expiry.cancel(false);
            inFlight.remove(receipt);
            settle(receipt, Settlement.ACKED);
            lease.inFlight--;
            idle = lease.inFlight == 0;
        } finally {
            lease.lock.unlock();
        }
        if (idle) {
            giveBack(lease);
        }
    }

    @Override
    public void extendVisibility(String queue, String receipt, Duration visibility) {
        ErrorContext ctx = ctx("queue.extend", queue);
        checkName(queue, ctx);
        Objects.requireNonNull(visibility, "visibility");
        if (visibility.isNegative() || visibility.compareTo(limits.maxVisibility()) > 0) {
            throw new InvalidRequestException(ctx, "visibility " + visibility + " must be from 0 to " + limits.maxVisibility());
        }
        Delivery d = current(queue, receipt, ctx);
        if (d == null) {
            throw new ConflictException(ctx, "receipt is no longer current: the message was acknowledged");
        }
        d.lease.lock.lock();
        try {
            if (d.settled) {
                throw superseded(ctx, settlement(receipt));
            }
            d.expiry.cancel(false);
            d.expiry = timers.schedule(() -> expire(d), visibility.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            d.lease.lock.unlock();
        }
    }

    /**
     * The in-flight delivery of a receipt; null if it was acknowledged (or forgotten); a conflict if it expired,
     * was lost with its connection, or belongs to another client.
     */
    private Delivery current(String queue, String receipt, ErrorContext ctx) {
        Objects.requireNonNull(receipt, "receipt");
        Delivery d = inFlight.get(receipt);
        if (d != null) {
            if (!d.queue.equals(queue)) {
                throw new InvalidRequestException(ctx, "the receipt belongs to a message of queue '" + d.queue + "'");
            }
            return d;
        }
        Settlement s = settlement(receipt);
        if (s == Settlement.EXPIRED || s == Settlement.LOST) {
            throw superseded(ctx, s);
        }
        if (s == null && !receipt.startsWith(instance + ".")) {
            throw new ConflictException(ctx, "the receipt was not issued by this client: on Artemis a message is "
                    + "acknowledged by the process that received it (this one is " + instance + ")");
        }
        return null;
    }

    private static ConflictException superseded(ErrorContext ctx, Settlement s) {
        return new ConflictException(ctx, s == Settlement.LOST
                ? "receipt is no longer current: the connection to the broker was lost and the message will be "
                        + "delivered again"
                : "receipt is no longer current: its visibility timeout ended and the message was made visible again");
    }

    private Settlement settlement(String receipt) {
        synchronized (settled) {
            return settled.get(receipt);
        }
    }

    private void settle(String receipt, Settlement s) {
        synchronized (settled) {
            settled.put(receipt, s);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // errors and closing

    private static boolean isMissingQueue(ActiveMQException e) {
        return e.getType() == ActiveMQExceptionType.QUEUE_DOES_NOT_EXIST
                || e.getType() == ActiveMQExceptionType.ADDRESS_DOES_NOT_EXIST;
    }

    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ActiveMQException a) {
                ActiveMQExceptionType type = a.getType();
                if (type == ActiveMQExceptionType.NOT_CONNECTED || type == ActiveMQExceptionType.CONNECTION_TIMEDOUT
                        || type == ActiveMQExceptionType.DISCONNECTED || type == ActiveMQExceptionType.OBJECT_CLOSED
                        || type == ActiveMQExceptionType.SESSION_CREATION_REJECTED) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Artemis' exception types mapped to Cloudhop's family. */
    static CloudException translate(Throwable e, ErrorContext ctx) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CloudException ce) {
                return ce;
            }
            if (t instanceof ActiveMQException a) {
                return switch (a.getType()) {
                    case QUEUE_DOES_NOT_EXIST, ADDRESS_DOES_NOT_EXIST -> new NotFoundException(ctx, "does not exist ("
                            + a.getMessage() + ")", e);
                    case SECURITY_EXCEPTION, SESSION_CREATION_REJECTED -> new UnauthorizedException(ctx,
                            "the broker refused: " + a.getMessage(), e);
                    case ADDRESS_FULL -> new ThrottledException(ctx, "the broker's address is full: " + a.getMessage(), e);
                    case QUEUE_EXISTS, ADDRESS_EXISTS -> new ConflictException(ctx, a.getMessage(), e);
                    case ILLEGAL_STATE, INVALID_FILTER_EXPRESSION, LARGE_MESSAGE_ERROR_BODY ->
                            new InvalidRequestException(ctx, "rejected by the broker: " + a.getMessage(), e);
                    default -> new UnavailableException(ctx, "broker unavailable or failing: " + describe(a), e);
                };
            }
        }
        return new UnavailableException(ctx, "broker call failed: " + describe(e), e);
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private void closeQuietly(ClientSession s) {
        try {
            if (s != null && !s.isClosed()) {
                s.close();
            }
        } catch (ActiveMQException | RuntimeException e) {
            // closing anyway
            LOG.debug("site {} queue: closing a session failed: {}", site.id(), redact(e));
        }
    }

    /** An exception's text for a log line, with any user information of a URL in it hidden. */
    private static String redact(Exception e) {
        return Secret.redactUserInfo(String.valueOf(e));
    }

    /** How long the embedded broker took to start; empty for a remote broker or before first use. */
    Optional<Duration> brokerStartupTime() {
        synchronized (connectLock) {
            return Optional.ofNullable(broker).map(EmbeddedArtemis::startupTime);
        }
    }

    /**
     * Closes the connection (un-acknowledged messages are delivered again) and stops the embedded broker.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (connectLock) {
            if (closed) {
                return;
            }
            closed = true;
            timers.shutdownNow();
            if (connection != null) {
                connection.close();
                connection = null;
            }
            inFlight.clear();
            if (broker != null) {
                broker.close();
                broker = null;
            }
        }
    }

    @Override
    public String toString() {
        return "ArtemisQueueService[" + site + ", " + (settings.embedded() ? "embedded " + settings.journal().orElseThrow()
                : settings.url().orElseThrow()) + "]";
    }
}
