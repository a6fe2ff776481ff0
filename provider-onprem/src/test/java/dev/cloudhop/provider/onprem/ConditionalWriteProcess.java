package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.PutOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One of the competing processes of {@link CrossProcessConditionalWriteTest}. Arguments:
 * {@code baseDir who claims increments goFile}. Once {@code goFile} exists it tries to claim
 * {@code lease-0..claims-1} with ifNoneMatch (printing {@code WON lease-i}), then adds {@code increments} to
 * the blob {@code counter} by compare-and-set (ifMatch, retried on conflict), then prints {@code FINISHED}.
 */
public final class ConditionalWriteProcess {

    private ConditionalWriteProcess() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String who = args[1];
        int claims = Integer.parseInt(args[2]);
        int increments = Integer.parseInt(args[3]);
        Path go = Path.of(args[4]);
        try (Cloud cloud = OnPremTestEnvironment.open("sites { p { provider = onprem, region = dc-test, blob.directory = \""
                + base + "\" } }").site("p")) {
            cloud.blobs().containerExists("race"); // open the store before the start signal
            System.out.println("READY " + who);
            System.out.flush();
            while (!Files.exists(go)) {
                Thread.sleep(1);
            }
            for (int i = 0; i < claims; i++) {
                try {
                    cloud.blobs().put(BlobId.of("race", "lease-" + i), BlobContent.ofUtf8(who),
                            PutOptions.DEFAULT.withIfNoneMatch());
                    System.out.println("WON lease-" + i);
                } catch (ConflictException lost) {
                    // another process holds it
                }
            }
            BlobId counter = BlobId.of("race", "counter");
            for (int i = 0; i < increments; i++) {
                while (true) {
                    String etag;
                    int value;
                    try (Blob blob = cloud.blobs().get(counter).orElseThrow()) {
                        etag = blob.info().etag();
                        value = Integer.parseInt(new String(blob.readAllBytes(), StandardCharsets.UTF_8));
                    } catch (ConflictException replacedWhileReading) {
                        continue;
                    }
                    try {
                        cloud.blobs().put(counter, BlobContent.ofUtf8(Integer.toString(value + 1)),
                                PutOptions.DEFAULT.withIfMatch(etag));
                        break;
                    } catch (ConflictException stale) {
                        // someone else incremented first: read again
                    }
                }
            }
            System.out.println("FINISHED " + who);
            System.out.flush();
        }
    }
}
