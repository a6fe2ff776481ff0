package dev.cloudhop.bench;

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
import dev.cloudhop.testing.LocalStackServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replication throughput against {@code rclone copy}: {@code objects} blobs of 1 KiB written straight to a source
 * site (behind Cloudhop), then copied to a target site by Cloudhop (a reconciliation: list both sides, compare,
 * repair through the replication backlog's workers, {@code replication.parallelism = 4}) and by {@code rclone copy}
 * (its defaults: 4 transfers, 8 checkers) into a fresh container of the same target. Pairs: Azurite -> LocalStack
 * and LocalStack -> on-prem disk. Rounds alternate which copier goes first. Prints objects/s and the ratio.
 *
 * <p>Usage: {@code bin/bench replication [objects] [rounds]} (defaults 2000 and 2). Needs rclone (Debian package).
 */
public final class ReplicationThroughputBenchmark {

    private ReplicationThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int objects = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path work = Files.createTempDirectory("cloudhop-replication-bench-");
        try (AzuriteServer azurite = AzuriteServer.start(); LocalStackServer localstack = LocalStackServer.start()) {
            Path onprem = Files.createDirectories(work.resolve("onprem"));
            Map<String, String> site = Map.of(
                    "azure", """
                      azure { provider = azure, region = westeurope
                              storage { account = %s, key = "literal:%s", blob-endpoint = "%s" } }
                    """.formatted(AzuriteServer.ACCOUNT, AzuriteServer.ACCOUNT_KEY, azurite.blobEndpoint()),
                    "aws", """
                      aws   { provider = aws, region = us-east-1, endpoint = "%s"
                              credentials { access-key = "literal:test", secret-key = "literal:test" } }
                    """.formatted(localstack.endpoint()),
                    "onprem", """
                      onprem { provider = onprem, region = dc1, blob.directory = "%s", blob.fsync = false }
                    """.formatted(onprem));
            Map<String, String> rcloneEnv = Map.of(
                    "RCLONE_CONFIG_AZURE_TYPE", "azureblob",
                    "RCLONE_CONFIG_AZURE_SAS_URL", sasUrl(azurite),
                    "RCLONE_CONFIG_AWS_TYPE", "s3",
                    "RCLONE_CONFIG_AWS_PROVIDER", "Other",
                    "RCLONE_CONFIG_AWS_ACCESS_KEY_ID", "test",
                    "RCLONE_CONFIG_AWS_SECRET_ACCESS_KEY", "test",
                    "RCLONE_CONFIG_AWS_ENDPOINT", localstack.endpoint().toString(),
                    "RCLONE_CONFIG_AWS_REGION", "us-east-1");
            System.out.printf(Locale.ROOT, "replication throughput: %d objects of 1 KiB, %d rounds; %s, %s%n", objects,
                    rounds, azurite, localstack);
            List<String> lines = new ArrayList<>();
            for (String[] pair : new String[][] {{"azure", "aws"}, {"aws", "onprem"}}) {
                List<Double> cloudhop = new ArrayList<>();
                List<Double> rclone = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    String container = "tp" + round + "x" + System.nanoTime() % 100000;
                    ProviderRegistry providers = ProviderRegistry.discover();
                    String sites = "sites {\n" + site.get(pair[0]) + site.get(pair[1]) + "}\n";
                    CloudhopConfig config = CloudhopConfig.parse(sites + """
                            failover {
                              priority = [%s, %s]
                              automatic = false
                              replication { mode = async, parallelism = 4, reconcile-at-start = false }
                            }
                            """.formatted(pair[0], pair[1]), "bench.conf", Map.of(), providers);
                    try (Sites s = Cloudhop.open(config, providers)) {
                        fill(s.site(pair[0]).blobs(), container, objects);
                        s.site(pair[1]).blobs().createContainer(container);
                        s.site(pair[1]).blobs().createContainer(container + "r");
                        boolean rcloneFirst = round % 2 == 1;
                        if (rcloneFirst) {
                            rclone.add(rclone(rcloneEnv, pair, container, onprem, objects));
                        }
                        try (FailoverCloud cloud = FailoverCloud.builder(s, FailoverConfig.of(config)).build()) {
                            long t0 = System.nanoTime();
                            ReconcileReport r = cloud.reconcile(Duration.ofMinutes(10));
                            double secs = (System.nanoTime() - t0) / 1e9;
                            if (!r.converged() || r.targets().get(0).repaired() != objects) {
                                throw new IllegalStateException("the reconciliation did not copy every object: " + r.summary());
                            }
                            cloudhop.add(objects / secs);
                        }
                        if (!rcloneFirst) {
                            rclone.add(rclone(rcloneEnv, pair, container, onprem, objects));
                        }
                        // the next pair's source must hold only its own objects: the reconciliation lists every container
                        for (String siteId : pair) {
                            for (String c : List.of(container, container + "r")) {
                                if (s.site(siteId).blobs().containerExists(c)) {
                                    s.site(siteId).blobs().deleteContainer(c);
                                }
                            }
                        }
                    }
                    System.out.printf(Locale.ROOT, "%s -> %s round %d: cloudhop %.0f obj/s, rclone %.0f obj/s%n", pair[0],
                            pair[1], round + 1, cloudhop.get(round), rclone.get(round));
                }
                double c = cloudhop.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                double r = rclone.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                lines.add(String.format(Locale.ROOT, "%-18s %12.0f %12.0f %8.2f", pair[0] + " -> " + pair[1], c, r, c / r));
            }
            System.out.printf(Locale.ROOT, "%-18s %12s %12s %8s%n", "pair", "cloudhop/s", "rclone/s", "ratio");
            lines.forEach(System.out::println);
        }
    }

    /**
     * An account SAS URL for Azurite's blob service: rclone's azureblob backend takes an account and key only for
     * {@code https://<account>.<suffix>} endpoints, not for an emulator on a free port.
     */
    private static String sasUrl(AzuriteServer azurite) {
        var service = new com.azure.storage.blob.BlobServiceClientBuilder().endpoint(azurite.blobEndpoint().toString())
                .credential(new com.azure.storage.common.StorageSharedKeyCredential(AzuriteServer.ACCOUNT,
                        AzuriteServer.ACCOUNT_KEY)).buildClient();
        String sas = service.generateAccountSas(new com.azure.storage.common.sas.AccountSasSignatureValues(
                java.time.OffsetDateTime.now().plusHours(2), com.azure.storage.common.sas.AccountSasPermission.parse("rlw"),
                new com.azure.storage.common.sas.AccountSasService().setBlobAccess(true),
                new com.azure.storage.common.sas.AccountSasResourceType().setService(true).setContainer(true).setObject(true)));
        return azurite.blobEndpoint() + "?" + sas;
    }

    private static void fill(BlobStore store, String container, int objects) throws Exception {
        store.createContainer(container);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            byte[] body = ("object " + i + " ").repeat(120).substring(0, 1024).getBytes(StandardCharsets.UTF_8);
            String name = String.format(Locale.ROOT, "obj-%05d", i);
            all.add(pool.submit(() -> store.put(BlobId.of(container, name), BlobContent.of(body))));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
    }

    /** Times {@code rclone copy} of the source container into a fresh container (or directory) at the target. */
    private static double rclone(Map<String, String> env, String[] pair, String container, Path onprem, int objects)
            throws IOException, InterruptedException {
        String from = pair[0] + ":" + container;
        String to = pair[1].equals("onprem") ? onprem.resolve(container + "r").toString() : pair[1] + ":" + container + "r";
        ProcessBuilder pb = new ProcessBuilder("rclone", "--config", "/dev/null", "copy", from, to).redirectErrorStream(true);
        pb.environment().remove("AWS_CA_BUNDLE"); // a custom bundle makes rclone's S3 client refuse its own transport
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("rclone copy " + from + " " + to + " failed: " + out);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return objects / secs;
    }
}
