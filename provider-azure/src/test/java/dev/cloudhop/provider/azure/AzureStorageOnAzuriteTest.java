package dev.cloudhop.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.testing.AzuriteServer;
import java.io.InputStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Azure-specific storage behaviour on Azurite, beyond the TCK: uploads over the threshold really go as
 * Put Block / Put Block List, an account SAS works for blobs and queues, conditional writes and dedup keys
 * hold across independent site instances (as across processes), and Azurite's start-up time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureStorageOnAzuriteTest {

    private final List<Cloud> opened = new ArrayList<>();
    private AzuriteServer azurite;
    private BlobServiceClient sdk;

    @BeforeAll
    void start() {
        azurite = AzuriteServer.shared();
        sdk = new BlobServiceClientBuilder().endpoint(azurite.blobEndpoint().toString())
                .credential(new StorageSharedKeyCredential(AzuriteServer.ACCOUNT, AzuriteServer.ACCOUNT_KEY)).buildClient();
    }

    @AfterAll
    void close() {
        opened.forEach(Cloud::close);
    }

    private Cloud site() {
        Cloud c = AzureSites.azurite();
        opened.add(c);
        return c;
    }

    private static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    @Test
    void azuriteStartedWithinAMinuteAndItsStartupTimeIsKnown() {
        System.out.println("Azurite " + AzuriteServer.VERSION + " start-up: " + azurite.startupTime().toMillis() + " ms");
        assertThat(azurite.startupTime()).isPositive().isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void anUploadOverTheThresholdIsCommittedFromSeveralBlocks() throws Exception {
        Cloud cloud = site();
        String container = name("mp");
        cloud.blobs().createContainer(container);
        try {
            long length = 40L << 20; // over the 32 MiB threshold
            try (InputStream in = new java.io.InputStream() {
                long left = length;

                @Override
                public int read() {
                    return left-- > 0 ? (int) (left & 0x7f) : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = (int) Math.min(len, left);
                    for (int i = 0; i < n; i++) {
                        b[off + i] = (byte) ((left - i) & 0x7f);
                    }
                    left -= n;
                    return n;
                }
            }) {
                cloud.blobs().put(BlobId.of(container, "big.bin"), BlobContent.of(in, length));
            }
            var blocks = sdk.getBlobContainerClient(container).getBlobClient("big.bin").getBlockBlobClient()
                    .listBlocks(BlockListType.COMMITTED);
            assertThat(blocks.getCommittedBlocks()).as("committed blocks of a 40 MiB upload").hasSizeGreaterThan(1);
            assertThat(blocks.getCommittedBlocks().stream().mapToLong(b -> b.getSizeLong()).sum()).isEqualTo(length);
        } finally {
            cloud.blobs().deleteContainer(container);
        }
    }

    @Test
    void anAccountSasWorksForBlobsAndQueues() {
        String sas = sdk.generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(1),
                AccountSasPermission.parse("rwdlacup"), AccountSasService.parse("bq"), AccountSasResourceType.parse("sco")));
        try (Sites sites = AzureSites.open("sites { sas { provider = azure, region = westeurope, storage { account = "
                + AzuriteServer.ACCOUNT + ", sas = \"literal:" + sas + "\", blob-endpoint = \"" + azurite.blobEndpoint()
                + "\", queue-endpoint = \"" + azurite.queueEndpoint() + "\" } } }")) {
            Cloud cloud = sites.site("sas");
            String container = name("sas");
            assertThat(cloud.blobs().createContainer(container)).isTrue();
            cloud.blobs().put(BlobId.of(container, "a b/c.txt"), "via sas".getBytes());
            assertThat(cloud.blobs().list(container, ListOptions.prefix("a b/")).map(BlobEntry::name)).containsExactly("a b/c.txt");
            assertThat(cloud.blobs().listContainers()).contains(container);
            cloud.blobs().deleteContainer(container);

            String queue = name("sas");
            assertThat(cloud.queues().createQueue(queue)).isTrue();
            cloud.queues().send(queue, OutgoingMessage.of("via sas"));
            assertThat(cloud.queues().receive(queue, ReceiveOptions.DEFAULT.withWait(Duration.ofSeconds(2))))
                    .extracting(ReceivedMessage::bodyAsString).containsExactly("via sas");
            cloud.queues().deleteQueue(queue);
        }
    }

    @Test
    void conditionalCreateHasOneWinnerAcrossIndependentSites() throws Exception {
        List<Cloud> sites = List.of(site(), site(), site(), site());
        String container = name("race");
        sites.get(0).blobs().createContainer(container);
        ExecutorService pool = Executors.newFixedThreadPool(sites.size());
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < sites.size(); i++) {
                Cloud c = sites.get(i);
                String owner = "owner-" + i;
                results.add(pool.submit(() -> {
                    try {
                        c.blobs().put(BlobId.of(container, "lease"), BlobContent.ofUtf8(owner), PutOptions.DEFAULT.withIfNoneMatch());
                        return true;
                    } catch (ConflictException lost) {
                        return false;
                    }
                }));
            }
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
            sites.get(0).blobs().deleteContainer(container);
        }
    }

    @Test
    void aDedupKeyHoldsAcrossIndependentSites() {
        Cloud a = site();
        Cloud b = site();
        String queue = name("dedup");
        a.queues().createQueue(queue);
        try {
            String first = a.queues().send(queue, OutgoingMessage.of("pay order 7").withDedupKey("order-7"));
            String second = b.queues().send(queue, OutgoingMessage.of("pay order 7").withDedupKey("order-7"));

            assertThat(second).as("id returned for the duplicate").isEqualTo(first);
            List<ReceivedMessage> got = a.queues().receive(queue, new ReceiveOptions(10, Duration.ofSeconds(30), Duration.ofSeconds(1)));
            assertThat(got).extracting(ReceivedMessage::messageId).containsExactly(first);
            assertThat(a.queues().approximateDepth(queue)).isEqualTo(1);
        } finally {
            a.queues().deleteQueue(queue);
        }
    }

    @Test
    void aDeletedDedupContainerIsMadeAgainAndKeysHoldAfterwards() {
        String ledger = name("ledger");
        try (Sites sites = AzureSites.open("sites { s { provider = azure, region = westeurope, "
                + AzureSites.azuriteStorage() + ", queue { dedup-container = " + ledger + " } } }")) {
            Cloud cloud = sites.site("s");
            String queue = name("regone");
            cloud.queues().createQueue(queue);
            try {
                cloud.queues().send(queue, OutgoingMessage.of("before").withDedupKey("k1"));
                sdk.getBlobContainerClient(ledger).delete(); // as an Azurite crash before its autosave loses it

                String first = cloud.queues().send(queue, OutgoingMessage.of("after").withDedupKey("k2"));
                assertThat(cloud.queues().send(queue, OutgoingMessage.of("after").withDedupKey("k2"))).isEqualTo(first);
                assertThat(sdk.getBlobContainerClient(ledger).exists()).isTrue();
                assertThat(cloud.queues().approximateDepth(queue)).isEqualTo(2);
            } finally {
                cloud.queues().deleteQueue(queue);
                sdk.getBlobContainerClient(ledger).deleteIfExists();
            }
        }
    }

    @Test
    void aDedupKeyIsForgottenAfterItsWindow() throws Exception {
        try (Sites sites = AzureSites.open("sites { short { provider = azure, region = westeurope, "
                + AzureSites.azuriteStorage() + ", queue { dedup-window = 2 s } } }")) {
            Cloud cloud = sites.site("short");
            String queue = name("window");
            cloud.queues().createQueue(queue);
            try {
                String first = cloud.queues().send(queue, OutgoingMessage.of("again").withDedupKey("k"));
                assertThat(cloud.queues().send(queue, OutgoingMessage.of("again").withDedupKey("k"))).isEqualTo(first);
                Thread.sleep(3500); // the window is measured on the service's clock, in whole seconds
                String later = cloud.queues().send(queue, OutgoingMessage.of("again").withDedupKey("k"));

                assertThat(later).isNotEqualTo(first);
                assertThat(cloud.queues().approximateDepth(queue)).isEqualTo(2);
            } finally {
                cloud.queues().deleteQueue(queue);
            }
        }
    }

    @Test
    void aReceiptExtendedTwiceStillAcknowledges() {
        Cloud cloud = site();
        String queue = name("extend");
        cloud.queues().createQueue(queue);
        try {
            cloud.queues().send(queue, OutgoingMessage.of("long job"));
            ReceivedMessage m = cloud.queues().receive(queue, ReceiveOptions.DEFAULT.withWait(Duration.ofSeconds(2))).get(0);
            cloud.queues().extendVisibility(queue, m.receipt(), Duration.ofSeconds(30));
            cloud.queues().extendVisibility(queue, m.receipt(), Duration.ofSeconds(30));
            cloud.queues().ack(queue, m.receipt());
            assertThat(cloud.queues().approximateDepth(queue)).isZero();
        } finally {
            cloud.queues().deleteQueue(queue);
        }
    }

    @Test
    void aMessageOverTheLimitNamesBothSizes() {
        Cloud cloud = site();
        String queue = name("limit");
        cloud.queues().createQueue(queue);
        try {
            int limit = cloud.queues().limits().maxMessageBytes();
            Throwable t = catchThrowable(() -> cloud.queues().send(queue, OutgoingMessage.of(new byte[64 * 1024])));
            assertThat(t).hasMessageContaining(String.valueOf(64 * 1024)).hasMessageContaining(String.valueOf(limit))
                    .hasMessageContaining(queue);
        } finally {
            cloud.queues().deleteQueue(queue);
        }
    }
}
