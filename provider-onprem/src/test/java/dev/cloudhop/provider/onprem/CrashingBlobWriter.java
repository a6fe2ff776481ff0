package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import java.util.Properties;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * The writer process of {@link BlobCrashSafetyTest}: puts one large blob and is killed (SIGKILL) by the
 * test in the middle of it.
 *
 * <p>Arguments: {@code mode baseDir container name length seed pauseAt}; mode {@code cloudhop} writes
 * through the on-prem provider, {@code jclouds} through jclouds' own filesystem store (the control case).
 * Prints {@code PAUSED} once {@code pauseAt} bytes were handed to the store (then waits to be killed), and
 * {@code DONE} if the put completes.
 */
public final class CrashingBlobWriter {

    private CrashingBlobWriter() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String base = args[1];
        String container = args[2];
        String name = args[3];
        long length = Long.parseLong(args[4]);
        long seed = Long.parseLong(args[5]);
        long pauseAt = Long.parseLong(args[6]);
        Runnable paused = () -> {
            System.out.println("PAUSED after " + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
            System.out.flush();
        };
        DeterministicStream content = new DeterministicStream(seed, length, pauseAt, paused);
        if ("jclouds".equals(mode)) {
            System.out.println("WRITING");
            System.out.flush();
            Properties p = new Properties();
            p.setProperty(FilesystemConstants.PROPERTY_BASEDIR, base);
            try (BlobStoreContext ctx = ContextBuilder.newBuilder("filesystem").overrides(p)
                    .buildView(BlobStoreContext.class)) {
                ctx.getBlobStore().putBlob(container, ctx.getBlobStore().blobBuilder(name).payload(content)
                        .contentLength(length).build());
            }
        } else {
            try (Cloud cloud = OnPremTestEnvironment.open("sites { writer { provider = onprem, region = dc-test, "
                    + "blob.directory = \"" + base + "\" } }").site("writer")) {
                cloud.blobs().containerExists(container); // opens the store, so that WRITING means writing
                System.out.println("WRITING after " + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
                System.out.flush();
                cloud.blobs().put(BlobId.of(container, name), BlobContent.of(content, length));
            }
        }
        System.out.println("DONE");
        System.out.flush();
    }
}
