package dev.cloudhop.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A tour of the neutral API over two configured sites, ending in a hand-made failover: reference data
 * published to both sites, orders through a queue into blobs, a DNS record pointing at the active site,
 * a node provisioned on the secondary, and the switch. The failover facade ({@code FailoverCloud}) automates this.
 *
 * <p>Run from the repository root with {@code bin/run samples dev.cloudhop.samples.QuickStart samples/quickstart.conf};
 * argument: the config file (default {@code samples/quickstart.conf}).
 */
public final class QuickStart {

    /** Writes the demo's JSON records ({@code ObjectNode.toString()} is JSON text). */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZONE = "shop.example.com";
    private static final String RECORD = "www.shop.example.com";

    private QuickStart() {
    }

    /** Runs the tour against the config file given as the only argument. */
    public static void main(String[] args) {
        Path config = Path.of(args.length > 0 ? args[0] : "samples/quickstart.conf");
        long t0 = System.nanoTime();
        try (Sites sites = Cloudhop.open(config)) {
            log("opened %s in %.0f ms: %s", config, ms(t0), sites.ids());
            Cloud primary = sites.site("primary");
            Cloud secondary = sites.site("secondary");

            long t1 = System.nanoTime();
            primary.blobs().createContainer("catalog");
            log("first use of primary blob storage (context creation) %.0f ms", ms(t1));
            long t2 = System.nanoTime();
            secondary.blobs().createContainer("catalog");
            log("first use of secondary blob storage %.0f ms", ms(t2));

            // Reference data pattern: the catalog is published to every site.
            for (Cloud site : List.of(primary, secondary)) {
                for (int i = 1; i <= 3; i++) {
                    site.blobs().put(BlobId.of("catalog", "products/p" + i + ".json"),
                            BlobContent.ofUtf8(JSON.createObjectNode().put("id", "p" + i).put("price", 10 * i).toString()),
                            PutOptions.DEFAULT.withContentType("application/json"));
                }
            }
            log("catalog published to %s and %s", primary.site(), secondary.site());

            for (Cloud site : List.of(primary, secondary)) {
                site.dns().createZone(ZONE);
                site.queues().createQueue("orders");
                site.blobs().createContainer("order-records");
            }
            pointDns(primary, "10.0.0.10");

            // Transactional flow on the primary: orders queued, processed into records.
            for (int i = 1; i <= 5; i++) {
                primary.queues().send("orders", OutgoingMessage.of("order-" + i).withDedupKey("order-" + i));
            }
            int processed = processOrders(primary);
            log("primary processed %d orders", processed);

            // Redeploy topology: provision compute on the secondary, then switch DNS.
            List<Node> nodes = secondary.compute().launch(NodeSpec.of("web", "57", "small")
                    .withTags(Map.of("app", "shop")), 2);
            log("provisioned %d nodes on %s: %s", nodes.size(), secondary.site(),
                    nodes.stream().map(n -> n.id() + "@" + n.publicAddresses()).toList());
            pointDns(secondary, nodes.get(0).publicAddresses().get(0));
            log("DNS %s now -> %s on %s", RECORD, secondary.dns().get(ZONE, RECORD, RecordType.A).orElseThrow().values(),
                    secondary.site());

            for (int i = 6; i <= 8; i++) {
                secondary.queues().send("orders", OutgoingMessage.of("order-" + i).withDedupKey("order-" + i));
            }
            log("secondary processed %d orders", processOrders(secondary));
            long records = secondary.blobs().list("order-records").filter(e -> e instanceof BlobEntry.Item).count()
                    + primary.blobs().list("order-records").count();
            log("order records across sites: %d; catalog on secondary: %d products", records,
                    secondary.blobs().list("catalog").count());
            log("done in %.0f ms", ms(t0));
        }
    }

    private static void pointDns(Cloud site, String address) {
        site.dns().upsert(ZONE, RecordSet.of(RECORD, RecordType.A, Duration.ofSeconds(30), address));
    }

    private static int processOrders(Cloud site) {
        int processed = 0;
        ReceiveOptions options = ReceiveOptions.DEFAULT.withMaxMessages(10).withWait(Duration.ofMillis(200));
        List<ReceivedMessage> batch;
        while (!(batch = site.queues().receive("orders", options)).isEmpty()) {
            for (ReceivedMessage m : batch) {
                site.blobs().put(BlobId.of("order-records", m.bodyAsString() + ".json"),
                        BlobContent.ofUtf8(JSON.createObjectNode().put("order", m.bodyAsString())
                                .put("site", site.site().id()).toString()));
                site.queues().ack("orders", m.receipt());
                processed++;
            }
        }
        return processed;
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static void log(String format, Object... args) {
        System.out.printf("[quickstart] " + format + "%n", args);
    }
}
