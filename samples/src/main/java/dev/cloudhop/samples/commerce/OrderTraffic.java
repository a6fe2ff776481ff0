package dev.cloudhop.samples.commerce;

import dev.cloudhop.failover.drill.Drill;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady order traffic for drills: each call submits one order; acknowledged orders are remembered, and
 * {@link #verify()} waits for processing to finish and counts lost and duplicated orders.
 */
public final class OrderTraffic implements Drill.Workload {

    private final Commerce shop;
    private final long limit;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong rejected = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicReference<String> firstRejection = new java.util.concurrent.atomic.AtomicReference<>();
    private final AtomicLong submitted = new AtomicLong();
    private final Duration drainTimeout;

    /**
     * @param shop         the application
     * @param limit        stop submitting after this many orders (calls then do nothing); Long.MAX_VALUE for none
     * @param drainTimeout how long verify() waits for processing to move on before it counts what is left as lost
     */
    public OrderTraffic(Commerce shop, long limit, Duration drainTimeout) {
        this.shop = shop;
        this.limit = limit;
        this.drainTimeout = drainTimeout;
    }

    @Override
    public void call(int client, long seq) {
        if (submitted.incrementAndGet() > limit) {
            return;
        }
        List<Product> products = Commerce.sampleCatalog();
        Product p = products.get((int) (seq % products.size()));
        try {
            acknowledged.add(shop.submitOrder(Map.of(p.id(), 1 + client % 3)));
        } catch (OrderingUnavailableException e) {
            rejected.incrementAndGet();
            firstRejection.compareAndSet(null, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            submitted.decrementAndGet();
            throw e;
        }
    }

    /** What ordering answered the first time it refused an order (reduced functionality), if it did. */
    public java.util.Optional<String> firstRejection() {
        return java.util.Optional.ofNullable(firstRejection.get());
    }

    /** Orders acknowledged to clients so far. */
    public Set<String> acknowledged() {
        return acknowledged;
    }

    @Override
    public Map<String, Object> verify() {
        return verify(drainTimeout);
    }

    /**
     * Waits for every acknowledged order to be processed, as long as processing goes on: it gives up once no order has
     * been processed for {@code drain} (so a backlog that the workers are still working off is waited for, and one that
     * is stuck is not), then counts. An order stranded on a site that is still down counts as lost until that site
     * returns: verify again then. {@code ordersQueued} says where the unprocessed ones wait, site by site.
     */
    public Map<String, Object> verify(Duration drain) {
        long lastProgress = System.nanoTime();
        long processed = processedNow();
        while (processed < acknowledged.size() && System.nanoTime() - lastProgress < drain.toNanos()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = processedNow();
            if (now > processed) {
                processed = now;
                lastProgress = System.nanoTime();
            }
        }
        Map<String, Long> counts = shop.processedCounts();
        Set<String> onRecord = shop.foundOnRecord();
        long lost = acknowledged.stream().filter(id -> !counts.containsKey(id) && !onRecord.contains(id)).count();
        long duplicated = acknowledged.stream().filter(id -> counts.getOrDefault(id, 0L) > 1).count();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ordersAcknowledged", acknowledged.size());
        out.put("ordersProcessed", acknowledged.stream().filter(id -> counts.containsKey(id) || onRecord.contains(id)).count());
        out.put("ordersProcessedByALostAcknowledgement", acknowledged.stream().filter(onRecord::contains).count());
        out.put("ordersLost", lost);
        out.put("ordersProcessedTwice", duplicated);
        out.put("ordersRejectedReducedFunctionality", rejected.get());
        out.put("duplicateDeliveriesAbsorbed", shop.duplicateDeliveries());
        if (lost > 0) {
            out.put("ordersQueued", shop.queuedBySite());
        }
        return out;
    }

    private long processedNow() {
        Map<String, Long> counts = shop.processedCounts();
        Set<String> onRecord = shop.foundOnRecord();
        return acknowledged.stream().filter(id -> counts.containsKey(id) || onRecord.contains(id)).count();
    }
}
