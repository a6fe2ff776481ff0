package dev.cloudhop.provider.aws;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import dev.cloudhop.api.spi.Secret;
import dev.cloudhop.api.spi.SiteConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Not a test: a benchmark of Cloudhop's AWS provider against the raw clients it wraps, on one emulator in
 * one run. Blob put and get of 4 KiB and 8 MiB (Cloudhop vs jclouds' {@code BlobStore}), and queue send and
 * receive-and-delete (Cloudhop vs the SDK's {@code SqsClient}). The two sides alternate round by round, so
 * that drift of the emulator hits both alike; each prints its median and mean, and the ratio of medians.
 *
 * <p>Run from the repository root (see README.md): {@code bin/bench aws [localstack|moto] [rounds]}, which passes
 * {@code -Dbench.target} and {@code -Dbench.rounds}. {@code CLOUDHOP_AWS_ENDPOINT} points it at your own endpoint
 * instead.
 */
public final class AwsBench {

    private AwsBench() {
    }

    /** One side of a comparison: an operation run once per call. */
    @FunctionalInterface
    private interface Op {
        void run(int round) throws Exception;
    }

    private record Result(String name, double cloudhopMedianMs, double rawMedianMs, double cloudhopMeanMs,
                          double rawMeanMs) {
        double ratio() {
            return cloudhopMedianMs / rawMedianMs;
        }
    }

    /**
     * Runs the benchmark and prints a table.
     *
     * @param args none
     */
    public static void main(String[] args) throws Exception {
        AwsTarget target = AwsTarget.valueOf(System.getProperty("bench.target", "localstack").toUpperCase(Locale.ROOT));
        int rounds = Integer.getInteger("bench.rounds", 200);
        long start = System.nanoTime();
        Cloud cloud = target.open();
        System.out.printf("target %s at %s (emulator ready in %d ms)%n", target, target.endpoint(),
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        // the raw clients, configured exactly as the provider configures its own, with the site's credentials
        AwsSettings settings = AwsSettings.from(new SiteConfig(cloud.site(), java.util.Map.of(
                AwsProvider.ENDPOINT, target.endpoint(),
                AwsProvider.ACCESS_KEY, new Secret("env:AWS_ACCESS_KEY_ID", AwsTarget.accessKey()),
                AwsProvider.SECRET_KEY, new Secret("env:AWS_SECRET_ACCESS_KEY", AwsTarget.secretKey()))),
                java.util.Map.of());
        List<Result> results = new ArrayList<>();
        try (BlobStoreContext jclouds = AwsClients.s3Context(settings); SqsClient sqs = AwsClients.sqs(settings, false)) {
            org.jclouds.blobstore.BlobStore raw = jclouds.getBlobStore();
            String bucket = "bench-" + Long.toHexString(System.nanoTime());
            cloud.blobs().createContainer(bucket);
            for (int size : new int[] {4 * 1024, 8 * 1024 * 1024}) {
                byte[] data = new byte[size];
                new Random(size).nextBytes(data);
                int n = size > 1024 * 1024 ? Math.max(10, rounds / 10) : rounds;
                String label = size > 1024 * 1024 ? "8 MiB" : "4 KiB";
                results.add(compare("blob put " + label, n,
                        r -> cloud.blobs().put(BlobId.of(bucket, "ch-" + label + "-" + r), data),
                        r -> raw.putBlob(bucket, raw.blobBuilder("raw-" + label + "-" + r).payload(data)
                                .contentLength(data.length).contentType("application/octet-stream").build())));
                results.add(compare("blob get " + label, n,
                        r -> {
                            try (Blob b = cloud.blobs().get(BlobId.of(bucket, "ch-" + label + "-" + r)).orElseThrow()) {
                                drain(b.content());
                            }
                        },
                        r -> {
                            try (InputStream in = raw.getBlob(bucket, "raw-" + label + "-" + r).getPayload().openStream()) {
                                drain(in);
                            }
                        }));
            }
            cloud.blobs().deleteContainer(bucket);

            String queue = "bench-" + Long.toHexString(System.nanoTime());
            cloud.queues().createQueue(queue);
            String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            results.add(compare("queue send", rounds,
                    r -> cloud.queues().send(queue, OutgoingMessage.of("message " + r)),
                    r -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("message " + r))));
            ReceiveOptions one = new ReceiveOptions(1, Duration.ofSeconds(30), Duration.ZERO);
            results.add(compare("queue receive+ack", rounds,
                    r -> {
                        for (ReceivedMessage m : cloud.queues().receive(queue, one)) {
                            cloud.queues().ack(queue, m.receipt());
                        }
                    },
                    r -> {
                        for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1)
                                .visibilityTimeout(30).waitTimeSeconds(0)).messages()) {
                            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                        }
                    }));
            cloud.queues().deleteQueue(queue);
        } finally {
            cloud.close();
        }
        System.out.printf("%n%-20s %12s %12s %12s %12s %8s%n", "operation", "cloudhop p50", "raw p50",
                "cloudhop avg", "raw avg", "ratio");
        for (Result r : results) {
            System.out.printf("%-20s %10.2f ms %10.2f ms %10.2f ms %10.2f ms %8.3f%n", r.name(), r.cloudhopMedianMs(),
                    r.rawMedianMs(), r.cloudhopMeanMs(), r.rawMeanMs(), r.ratio());
        }
        System.exit(0); // the emulator's reaper runs at exit
    }

    private static void drain(InputStream in) {
        try {
            byte[] buffer = new byte[64 * 1024];
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Warms both sides up, then runs them alternately, {@code rounds} times each. */
    private static Result compare(String name, int rounds, Op cloudhop, Op raw) throws Exception {
        int warmup = Math.max(5, rounds / 5);
        for (int i = 0; i < warmup; i++) {
            cloudhop.run(-1 - i);
            raw.run(-1 - i);
        }
        double[] a = new double[rounds];
        double[] b = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            boolean cloudhopFirst = i % 2 == 0;
            if (cloudhopFirst) {
                a[i] = time(cloudhop, i);
                b[i] = time(raw, i);
            } else {
                b[i] = time(raw, i);
                a[i] = time(cloudhop, i);
            }
        }
        Result r = new Result(name, median(a), median(b), mean(a), mean(b));
        System.out.printf("%-20s done (%d rounds)%n", name, rounds);
        return r;
    }

    private static double time(Op op, int round) throws Exception {
        long t = System.nanoTime();
        op.run(round);
        return (System.nanoTime() - t) / 1e6;
    }

    private static double median(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy.length % 2 == 1 ? copy[copy.length / 2] : (copy[copy.length / 2 - 1] + copy[copy.length / 2]) / 2;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
