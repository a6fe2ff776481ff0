package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.tck.RemoteErrorMappingContract;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The S3-compatible blob path ({@code blob.kind = s3}, for MinIO or Ceph RGW) wired from configuration to
 * jclouds' {@code s3} API, against the TCK's loopback fault server: requests really go over HTTP to the
 * configured endpoint, and statuses, a refused port and a stalled server map to Cloudhop's errors.
 *
 * <p>The round trip of content against a real S3-compatible server is {@link S3CompatibleBlobStoreTest}.
 */
class S3CompatibleErrorMappingTest extends RemoteErrorMappingContract {

    @Override
    protected Cloud cloudAt(URI endpoint) {
        return OnPremTestEnvironment.open("sites { minio { provider = onprem, region = dc-test, blob { kind = s3, "
                + "endpoint = \"" + endpoint + "\", access-key = \"literal:minioadmin\", secret-key = \"literal:minio-key\", "
                + "request-timeout = 1 s, max-retries = 1 } } }").site("minio");
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

    @Override
    protected Duration stallBound() {
        return Duration.ofSeconds(10);
    }

    @Test
    void anS3SiteHasBlobsButNoConditionalWrites() {
        try (Cloud cloud = cloudAt(URI.create("http://127.0.0.1:9"))) {
            assertThat(cloud.capabilities()).contains(Capability.BLOB).doesNotContain(Capability.BLOB_CONDITIONAL_WRITE,
                    Capability.QUEUE, Capability.DNS, Capability.COMPUTE);
        }
    }
}
