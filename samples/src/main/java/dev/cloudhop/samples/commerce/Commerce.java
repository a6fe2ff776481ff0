package dev.cloudhop.samples.commerce;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudhop.api.Capability;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.failover.CapabilityStatus;
import dev.cloudhop.failover.FailoverCloud;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The commerce application of the DR guide on one {@link FailoverCloud}: Product Catalog (reference data in
 * blobs, replicated to every site), Shopping Cart (blobs), Order Submission (a queue), Order Processing
 * (workers turning queued orders into order records, idempotently) and Order Status. When ordering cannot
 * work, the catalog keeps serving and submission answers "ordering is temporarily unavailable".
 *
 * <p>An order the workers cannot process (one for {@link #POISON_PRODUCT}) is retried at once, and after
 * {@link #MAX_DELIVERIES} deliveries the order queue's dead-letter policy moves it to {@link #ORDER_DLQ},
 * where it stays for an operator to inspect ({@link #deadLetteredOrders()}) and redrive.
 */
public final class Commerce implements AutoCloseable {

    static final String CATALOG = "catalog";
    static final String CARTS = "carts";
    static final String ORDERS = "orders";
    static final String ORDER_QUEUE = "orders";
    /** The dead-letter queue of {@link #ORDER_QUEUE}. */
    public static final String ORDER_DLQ = "orders-dead";
    /** Deliveries an order gets before it is dead-lettered. */
    public static final int MAX_DELIVERIES = 3;
    /** A product id whose orders the workers cannot process (a record broken upstream): they dead-letter. */
    public static final String POISON_PRODUCT = "p-poison";
    private static final TypeReference<LinkedHashMap<String, Integer>> CART = new TypeReference<>() {
    };

    private final FailoverCloud cloud;
    private final Map<String, AtomicLong> processedCount = new ConcurrentHashMap<>();
    private final AtomicLong duplicateDeliveries = new AtomicLong();
    private final Map<String, AtomicLong> failedDeliveries = new ConcurrentHashMap<>();
    /** Orders whose record a redelivery found written, though no write of it was acknowledged here. */
    private final java.util.Set<String> foundOnRecord = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger generation = new java.util.concurrent.atomic.AtomicInteger();

    /** The application over a failover cloud. */
    public Commerce(FailoverCloud cloud) {
        this.cloud = cloud;
    }

    /** The cloud the shop runs on. */
    public FailoverCloud cloud() {
        return cloud;
    }

    /**
     * Creates containers and the order queue (with its dead-letter queue where every site has them), and
     * publishes the catalog (replicated to every site).
     */
    public void setUp(List<Product> catalog) {
        cloud.blobs().createContainer(CATALOG);
        cloud.blobs().createContainer(CARTS);
        cloud.blobs().createContainer(ORDERS);
        if (deadLetters()) {
            cloud.queues().createQueue(ORDER_QUEUE, new DeadLetterPolicy(ORDER_DLQ, MAX_DELIVERIES));
        } else {
            cloud.queues().createQueue(ORDER_QUEUE);
        }
        for (Product p : catalog) {
            cloud.blobs().put(BlobId.of(CATALOG, p.id() + ".json"), BlobContent.ofUtf8(p.toJson()),
                    PutOptions.DEFAULT.withContentType("application/json"));
        }
    }

    /** A small catalog for demos and tests. */
    public static List<Product> sampleCatalog() {
        return List.of(new Product("p1", "Trail shoes", 8900), new Product("p2", "Rain jacket", 12900),
                new Product("p3", "Headlamp", 3400), new Product("p4", "Water filter", 4500));
    }

    // ------------------------------------------------------------------------------------------------
    // catalog and cart

    /** Every product. */
    public List<Product> products() {
        List<Product> out = new ArrayList<>();
        cloud.blobs().list(CATALOG).filter(e -> e instanceof BlobEntry.Item).forEach(e ->
                cloud.blobs().get(BlobId.of(CATALOG, e.name())).ifPresent(b -> out.add(Product.fromJson(
                        new String(b.readAllBytes(), StandardCharsets.UTF_8)))));
        return out;
    }

    /** One product. */
    public Optional<Product> product(String id) {
        return cloud.blobs().get(BlobId.of(CATALOG, id + ".json"))
                .map(b -> Product.fromJson(new String(b.readAllBytes(), StandardCharsets.UTF_8)));
    }

    /** Adds {@code quantity} of a product to a cart. */
    public Map<String, Integer> addToCart(String cartId, String productId, int quantity) {
        if (product(productId).isEmpty()) {
            throw new IllegalArgumentException("no product " + productId);
        }
        Map<String, Integer> cart = new LinkedHashMap<>(cart(cartId));
        cart.merge(productId, quantity, Integer::sum);
        cloud.blobs().put(BlobId.of(CARTS, cartId), BlobContent.ofUtf8(ShopJson.write(cart)),
                PutOptions.DEFAULT.withContentType("application/json"));
        return cart;
    }

    /** A cart's lines: product id to quantity, stored as the JSON object {@code {"p1":2}}. */
    public Map<String, Integer> cart(String cartId) {
        return cloud.blobs().get(BlobId.of(CARTS, cartId))
                .map(b -> ShopJson.read(new String(b.readAllBytes(), StandardCharsets.UTF_8), CART))
                .orElseGet(LinkedHashMap::new);
    }

    // ------------------------------------------------------------------------------------------------
    // orders

    /** Whether ordering works right now. */
    public CapabilityStatus ordering() {
        return cloud.capability("ordering");
    }

    /**
     * Submits an order for the given lines; acknowledged once queued (or captured for replay).
     *
     * @return the order id
     * @throws OrderingUnavailableException when ordering is temporarily unavailable
     */
    public String submitOrder(Map<String, Integer> lines) {
        CapabilityStatus ordering = ordering();
        if (!ordering.available()) {
            throw new OrderingUnavailableException(ordering.message());
        }
        String orderId = UUID.randomUUID().toString();
        ObjectNode body = ShopJson.object().put("order", orderId);
        body.set("lines", ShopJson.MAPPER.valueToTree(lines));
        cloud.queues().send(ORDER_QUEUE, OutgoingMessage.of(ShopJson.write(body)).withDedupKey(orderId)
                .withAttribute("order-id", orderId));
        return orderId;
    }

    /** Submits the contents of a cart. */
    public String checkout(String cartId) {
        Map<String, Integer> lines = cart(cartId);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("cart " + cartId + " is empty");
        }
        return submitOrder(lines);
    }

    /** "processed" once the order record exists, else "pending". */
    public String status(String orderId) {
        return cloud.blobs().stat(BlobId.of(ORDERS, orderId + ".json")).isPresent() ? "processed" : "pending";
    }

    /** Starts {@code n} order-processing workers. */
    public void startWorkers(int n) {
        int gen = generation.get();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> work(gen), "order-worker-" + gen + "-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /**
     * The application fails (the DR guide's "application failure"): every worker dies at once, abandoning
     * the orders it has received and not yet acknowledged. They come back after their visibility timeout
     * (5 s) to whichever workers run then; {@link #startWorkers} plays the replacement instance.
     */
    public void crashWorkers() {
        generation.incrementAndGet();
        for (Thread t : workers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.removeIf(t -> !t.isAlive());
    }

    private void work(int gen) {
        ReceiveOptions options = new ReceiveOptions(10, Duration.ofSeconds(5), Duration.ofMillis(100));
        while (!stopping.get() && gen == generation.get()) {
            try {
                for (ReceivedMessage m : cloud.queues().receive(ORDER_QUEUE, options)) {
                    if (gen != generation.get()) {
                        return; // crashed: the rest of the batch is abandoned, unacknowledged
                    }
                    try {
                        process(m);
                    } catch (UnprocessableOrderException e) {
                        makeVisible(ORDER_QUEUE, m); // retried now rather than after its visibility timeout
                    }
                }
            } catch (CloudException | IllegalStateException e) {
                sleep(20); // a failed receive or ack: the message comes back after its visibility timeout
            }
        }
    }

    /** Writes the order record once (if-none-match), then acknowledges: redeliveries are harmless. */
    private void process(ReceivedMessage m) {
        String orderId = m.attributes().getOrDefault("order-id", m.messageId());
        if (ShopJson.treeOrText(m.bodyAsString()).path("lines").has(POISON_PRODUCT)) {
            failedDeliveries.computeIfAbsent(orderId, k -> new AtomicLong()).incrementAndGet();
            throw new UnprocessableOrderException();
        }
        try {
            cloud.blobs().put(BlobId.of(ORDERS, orderId + ".json"),
                    BlobContent.ofUtf8(ShopJson.write(ShopJson.object().put("order", orderId).put("status", "processed")
                            .put("site", cloud.activeSite()).set("request", ShopJson.treeOrText(m.bodyAsString())))),
                    PutOptions.DEFAULT.withContentType("application/json").withIfNoneMatch());
            processedCount.computeIfAbsent(orderId, k -> new AtomicLong()).incrementAndGet();
        } catch (ConflictException e) {
            if (cloud.blobs().stat(BlobId.of(ORDERS, orderId + ".json")).isEmpty()) {
                throw e; // not a duplicate (e.g. a fenced write): leave the message for redelivery
            }
            duplicateDeliveries.incrementAndGet();
            if (!processedCount.containsKey(orderId)) {
                // the first write reached storage but its answer was lost (e.g. the site's edge died mid-call)
                foundOnRecord.add(orderId);
            }
        }
        cloud.queues().ack(ORDER_QUEUE, m.receipt());
    }

    /** Makes a received message visible again at once; if that fails, it is visible after its timeout. */
    private void makeVisible(String queue, ReceivedMessage m) {
        try {
            cloud.queues().extendVisibility(queue, m.receipt(), Duration.ZERO);
        } catch (CloudException e) {
            // visible again when its visibility timeout ends
        }
    }

    /** Thrown by {@link #process} for an order that fails every time. */
    private static final class UnprocessableOrderException extends RuntimeException {
        UnprocessableOrderException() {
            super("order cannot be processed", null, false, false);
        }
    }

    /** Whether the order queue has a dead-letter queue: every site of the cloud supports them. */
    public boolean deadLetters() {
        return cloud.supports(Capability.QUEUE_DEAD_LETTER);
    }

    /**
     * The ids of the orders in the dead-letter queue, in the order received (an id twice would be an order
     * dead-lettered twice). They are looked at, not taken: each is received and made visible again at once, so
     * that they stay for a redrive; calls are serialised so that two lookers do not hide messages from each
     * other. Empty without a dead-letter queue.
     */
    public synchronized List<String> deadLetteredOrders() {
        if (!deadLetters()) {
            return List.of();
        }
        ReceiveOptions look = new ReceiveOptions(10, Duration.ofSeconds(30), Duration.ZERO);
        List<ReceivedMessage> seen = new ArrayList<>();
        try {
            for (List<ReceivedMessage> batch = cloud.queues().receive(ORDER_DLQ, look); !batch.isEmpty();
                 batch = cloud.queues().receive(ORDER_DLQ, look)) {
                seen.addAll(batch);
            }
        } finally {
            for (ReceivedMessage m : seen) {
                makeVisible(ORDER_DLQ, m);
            }
        }
        return seen.stream().map(m -> m.attributes().getOrDefault("order-id", m.messageId())).toList();
    }

    /** How many deliveries of each order failed (orders for {@link #POISON_PRODUCT}). */
    public Map<String, Long> failedDeliveries() {
        Map<String, Long> out = new LinkedHashMap<>();
        failedDeliveries.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** How many times each order was processed (written for the first time). */
    public Map<String, Long> processedCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        processedCount.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * Orders processed by a write whose acknowledgement was lost: a redelivery found the record, written
     * once, though this instance never saw that write succeed. Processed exactly once, not counted in
     * {@link #processedCounts()}.
     */
    public java.util.Set<String> foundOnRecord() {
        return java.util.Set.copyOf(foundOnRecord);
    }

    /** Deliveries of orders already processed (at-least-once delivery, absorbed by idempotency). */
    public long duplicateDeliveries() {
        return duplicateDeliveries.get();
    }

    /**
     * Orders waiting in each site's own order queue (approximate depths, read from the sites directly): where an order
     * acknowledged and not yet processed is, late rather than lost. A site that does not answer shows -1.
     */
    public Map<String, Long> queuedBySite() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String site : cloud.siteIds()) {
            long depth;
            try {
                depth = cloud.rawSite(site).queues().approximateDepth(ORDER_QUEUE);
            } catch (RuntimeException e) {
                depth = -1;
            }
            out.put(site, depth);
        }
        return out;
    }

    /** Orders not yet processed: queued at the active site plus captured. */
    public long backlog() {
        return cloud.queues().approximateDepth(ORDER_QUEUE);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the workers. */
    @Override
    public void close() {
        stopping.set(true);
        for (Thread t : workers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
