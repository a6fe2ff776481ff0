package dev.cloudhop.samples.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.failover.FailoverCloud;
import dev.cloudhop.failover.FailoverConfig;
import dev.cloudhop.failover.replication.ReconcileReport;
import dev.cloudhop.testing.AzuriteServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconciliation between Azurite (the active site) and an on-prem disk site: the replica is damaged behind
 * Cloudhop's back (a blob deleted, one overwritten with other bytes of the same size, a stray one added, one file
 * truncated), the primary gets writes the replica never saw, and one reconciliation must repair all of it. The
 * checker is {@code rclone check} of the Azurite container (through an account SAS) against the replica's directory:
 * 0 differences.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReconcileOnEmulatorsTest {

    @TempDir
    Path dir;

    @Test
    void oneReconciliationRepairsAReplicaDamagedBehindCloudhopsBackCheckedByRclone() throws Exception {
        AzuriteServer azurite = AzuriteServer.shared();
        Path onprem = Files.createDirectories(dir.resolve("onprem"));
        String container = "recon" + Long.toHexString(System.nanoTime());
        String text = """
                sites {
                  azure { provider = azure, region = westeurope
                          storage { account = %s, key = "literal:%s", blob-endpoint = "%s" } }
                  onprem { provider = onprem, region = dc1, blob.directory = "%s", blob.fsync = false }
                }
                failover {
                  priority = [azure, onprem]
                  automatic = false
                  replication { mode = async, reconcile-at-start = false }
                }
                """.formatted(AzuriteServer.ACCOUNT, AzuriteServer.ACCOUNT_KEY, azurite.blobEndpoint(), onprem);
        ProviderRegistry providers = ProviderRegistry.discover();
        CloudhopConfig config = CloudhopConfig.parse(text, "reconcile.conf", Map.of(), providers);
        Random random = new Random(14);
        try (Sites sites = Cloudhop.open(config, providers);
             FailoverCloud cloud = FailoverCloud.builder(sites, FailoverConfig.of(config)).build()) {
            cloud.blobs().createContainer(container);
            for (int i = 0; i < 60; i++) {
                byte[] bytes = new byte[200 + random.nextInt(4000)];
                random.nextBytes(bytes);
                cloud.blobs().put(BlobId.of(container, "item-" + i), BlobContent.of(bytes));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> cloud.replicationBacklog("onprem") == 0);

            BlobStore replica = sites.site("onprem").blobs();
            Path files = onprem.resolve(container);
            replica.delete(BlobId.of(container, "item-1"));
            byte[] same = Files.readAllBytes(files.resolve("item-2"));
            same[same.length / 2] ^= 0x5a; // other bytes, same size
            replica.put(BlobId.of(container, "item-2"), BlobContent.of(same));
            replica.put(BlobId.of(container, "stray"), BlobContent.ofUtf8("not written through Cloudhop"));
            Files.write(files.resolve("item-3"), new byte[] {1, 2, 3}); // a file changed on disk, outside any API
            BlobStore primary = sites.site("azure").blobs();
            for (int i = 60; i < 65; i++) {
                primary.put(BlobId.of(container, "item-" + i), BlobContent.ofUtf8("written at azure only " + i));
            }

            ReconcileReport report = cloud.reconcile(Duration.ofSeconds(60));

            System.out.println("[reconcile] " + report.summary());
            ReconcileReport.Target t = report.targets().get(0);
            assertThat(t.site()).isEqualTo("onprem");
            assertThat(t.missing()).isEqualTo(6); // item-1 and the five written at azure only
            assertThat(t.extra()).isEqualTo(1);
            assertThat(t.differing()).isEqualTo(2); // item-2 (same size) and item-3 (truncated)
            assertThat(report.converged()).isTrue();
            assertThat(cloud.reconcile(Duration.ofSeconds(30)).diverged()).isZero();

            Optional<String> check = rclone(azurite, container, files);
            System.out.println("[reconcile] rclone check: " + check.orElseThrow());
            assertThat(check.orElseThrow()).contains("0 differences found");
        }
    }

    /** {@code rclone check} of the Azurite container against the directory: its summary line. */
    private static Optional<String> rclone(AzuriteServer azurite, String container, Path files) throws InterruptedException {
        var service = new com.azure.storage.blob.BlobServiceClientBuilder().endpoint(azurite.blobEndpoint().toString())
                .credential(new com.azure.storage.common.StorageSharedKeyCredential(AzuriteServer.ACCOUNT,
                        AzuriteServer.ACCOUNT_KEY)).buildClient();
        String sas = service.generateAccountSas(new com.azure.storage.common.sas.AccountSasSignatureValues(
                OffsetDateTime.now().plusHours(1), com.azure.storage.common.sas.AccountSasPermission.parse("rl"),
                new com.azure.storage.common.sas.AccountSasService().setBlobAccess(true),
                new com.azure.storage.common.sas.AccountSasResourceType().setService(true).setContainer(true).setObject(true)));
        List<String> command = new ArrayList<>(List.of("rclone", "--config", "/dev/null", "check",
                "az:" + container, files.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("RCLONE_CONFIG_AZ_TYPE", "azureblob");
        pb.environment().put("RCLONE_CONFIG_AZ_SAS_URL", azurite.blobEndpoint() + "?" + sas);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("rclone check: %s", out).isZero();
            return Optional.of(out.lines().filter(l -> l.contains("differences found")).findFirst().orElse(out.strip()));
        } catch (IOException e) {
            throw new AssertionError("rclone, the independent checker, cannot run: bin/lib/install-emulators.sh installs it "
                    + "(Debian package rclone)", e);
        }
    }
}
