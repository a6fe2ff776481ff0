package dev.cloudhop.jclouds;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.tck.RemoteErrorMappingContract;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.jclouds.Constants;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * The bridge's error translation through a real jclouds HTTP provider (generic {@code s3}) against the
 * TCK's fault server: the mapping every jclouds-based provider inherits.
 */
class S3ErrorMappingTest extends RemoteErrorMappingContract {

    private static final SiteInfo SITE = new SiteInfo("faulty", "s3-bridge-test", "loopback");

    @Override
    protected Cloud cloudAt(URI endpoint) {
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.s3.virtual-host-buckets", "false");
        overrides.setProperty(Constants.PROPERTY_MAX_RETRIES, "1");
        overrides.setProperty(Constants.PROPERTY_RETRY_DELAY_START, "10");
        overrides.setProperty(Constants.PROPERTY_SO_TIMEOUT, "1000");
        overrides.setProperty(Constants.PROPERTY_CONNECTION_TIMEOUT, "1000");
        JcloudsBlobStore blobs = new JcloudsBlobStore(SITE, NamingRules.AWS,
                () -> ContextBuilder.newBuilder("s3").endpoint(endpoint.toString()).credentials("test", "test")
                        .overrides(overrides).buildView(BlobStoreContext.class),
                ConditionalWrites.unsupported(), JcloudsBlobStore.DEFAULT_MULTIPART_THRESHOLD);
        return new BlobOnlyCloud(blobs);
    }

    @Override
    protected List<RemoteOperation> operations() {
        return List.of(
                new RemoteOperation("blob.put", c -> c.blobs().put(BlobId.of("bucket", "key"), new byte[] {1, 2, 3})),
                new RemoteOperation("blob.get", c -> c.blobs().get(BlobId.of("bucket", "key"))),
                new RemoteOperation("blob.stat", c -> c.blobs().stat(BlobId.of("bucket", "key"))),
                new RemoteOperation("blob.list", c -> c.blobs().listPage("bucket", ListOptions.ALL, Optional.empty())));
    }

    /** A HEAD (stat) answer has no body, so S3 cannot tell SlowDown from other 503s there. */
    @Override
    protected List<RemoteOperation> operationsReadingErrorBodies() {
        return operations().stream().filter(op -> !op.name().equals("blob.stat")).toList();
    }

    @Override
    protected RemoteOperation notFoundOperation() {
        return new RemoteOperation("blob.list", c -> c.blobs().listPage("bucket", ListOptions.ALL, Optional.empty()));
    }

    @Override
    protected RemoteOperation conflictOperation() {
        return new RemoteOperation("blob.put", c -> c.blobs().put(BlobId.of("bucket", "key"), new byte[] {1}));
    }

    /** Only blob storage is bridged here; the other services are not part of this test. */
    private record BlobOnlyCloud(JcloudsBlobStore blobs) implements Cloud {
        @Override
        public SiteInfo site() {
            return SITE;
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.BLOB);
        }

        @Override
        public QueueService queues() {
            throw new UnsupportedOperationException("not bridged");
        }

        @Override
        public DnsService dns() {
            throw new UnsupportedOperationException("not bridged");
        }

        @Override
        public ComputeService compute() {
            throw new UnsupportedOperationException("not bridged");
        }

        @Override
        public void close() {
            blobs.close();
        }
    }
}
