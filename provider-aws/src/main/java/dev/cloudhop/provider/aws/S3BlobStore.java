package dev.cloudhop.provider.aws;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobPage;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.jclouds.ConditionalWrites;
import dev.cloudhop.jclouds.JcloudsBlobStore;
import dev.cloudhop.jclouds.LazyContext;
import java.io.Closeable;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 blobs: jclouds through the bridge's {@link JcloudsBlobStore} for everything portable, and the SDK's
 * S3 client for atomic conditional writes ({@link S3ConditionalPut}) when the site allows them.
 * Thread-safe; both clients are built on first use and closed by {@link #close()}.
 */
final class S3BlobStore implements BlobStore, AutoCloseable {

    private final JcloudsBlobStore jclouds;
    private final LazyContext<ClientHolder> sdk;

    private record ClientHolder(S3Client s3) implements Closeable {
        @Override
        public void close() {
            s3.close();
        }
    }

    S3BlobStore(AwsSettings settings) {
        this.sdk = new LazyContext<>(() -> new ClientHolder(AwsClients.s3(settings)));
        ConditionalWrites conditional = settings.conditionalWrites()
                ? ConditionalWrites.nativeWith(new S3ConditionalPut(() -> sdk.get().s3()))
                : ConditionalWrites.unsupported();
        this.jclouds = new JcloudsBlobStore(settings.site(), AwsClients.NAMING, () -> AwsClients.s3Context(settings),
                conditional, AwsClients.SINGLE_PUT_LIMIT);
    }

    /** The jclouds blob store: the escape hatch. */
    org.jclouds.blobstore.BlobStore jcloudsStore() {
        return jclouds.jclouds();
    }

    /**
     * S3 answers 200 to re-creating one's own bucket in us-east-1, so jclouds cannot tell "created" from
     * "existed": look first. Two concurrent creators may both see true.
     */
    @Override
    public boolean createContainer(String container) {
        return !jclouds.containerExists(container) && jclouds.createContainer(container);
    }

    @Override
    public boolean deleteContainer(String container) {
        return jclouds.deleteContainer(container);
    }

    @Override
    public boolean containerExists(String container) {
        return jclouds.containerExists(container);
    }

    @Override
    public Stream<String> listContainers() {
        return jclouds.listContainers();
    }

    @Override
    public BlobInfo put(BlobId id, BlobContent content, PutOptions options) {
        return jclouds.put(id, content, options);
    }

    @Override
    public Optional<Blob> get(BlobId id) {
        return jclouds.get(id);
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) {
        return jclouds.stat(id);
    }

    @Override
    public void delete(BlobId id) {
        jclouds.delete(id);
    }

    @Override
    public BlobPage listPage(String container, ListOptions options, Optional<String> token) {
        return jclouds.listPage(container, options, token);
    }

    @Override
    public void close() {
        try {
            jclouds.close();
        } finally {
            sdk.close();
        }
    }

    @Override
    public String toString() {
        return "S3BlobStore[" + jclouds + "]";
    }
}
