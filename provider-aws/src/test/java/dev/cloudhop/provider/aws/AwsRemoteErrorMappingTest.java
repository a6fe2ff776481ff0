package dev.cloudhop.provider.aws;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.config.Cloudhop;
import dev.cloudhop.api.config.CloudhopConfig;
import dev.cloudhop.api.config.ProviderRegistry;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.tck.RemoteErrorMappingContract;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the AWS provider maps transport faults, against the TCK's loopback fault server: S3 through jclouds
 * (put, get, stat, list) and through the SDK (conditional put), SQS and Route 53 through the SDK, EC2 through
 * jclouds {@code aws-ec2} (list: DescribeInstances; look-up by id; destroy: TerminateInstances). One-second
 * timeouts and one retry keep it fast.
 */
class AwsRemoteErrorMappingTest extends RemoteErrorMappingContract {

    @Override
    protected Cloud cloudAt(URI endpoint) {
        String hocon = "sites { faulty {\n"
                + "provider = aws, region = us-east-1\n"
                + "endpoint = \"" + endpoint + "\"\n"
                + "credentials.access-key = \"literal:test\", credentials.secret-key = \"literal:test\"\n"
                + "timeouts.connect = 1 s, timeouts.read = 1 s, max-attempts = 2\n"
                + "} }";
        ProviderRegistry providers = ProviderRegistry.discover();
        return Cloudhop.open(CloudhopConfig.parse(hocon, "faulty.conf", Map.of(), providers), providers).site("faulty");
    }

    private static final BlobId KEY = BlobId.of("bucket", "key");

    /** jclouds' {@code <region>/<instance id>}; the fault server answers before the id matters. */
    private static final String NODE = "us-east-1/i-0123456789abcdef0";

    @Override
    protected List<RemoteOperation> operations() {
        return List.of(
                new RemoteOperation("blob.put", c -> c.blobs().put(KEY, new byte[] {1, 2, 3})),
                new RemoteOperation("blob.get", c -> c.blobs().get(KEY)),
                new RemoteOperation("blob.stat", c -> c.blobs().stat(KEY)),
                new RemoteOperation("blob.list", c -> c.blobs().listPage("bucket", ListOptions.ALL, Optional.empty())),
                new RemoteOperation("blob.put-if-none-match (SDK)", c -> c.blobs().put(KEY, BlobContent.ofUtf8("x"),
                        PutOptions.DEFAULT.withIfNoneMatch())),
                new RemoteOperation("queue.send", c -> c.queues().send("orders", OutgoingMessage.of("hello"))),
                new RemoteOperation("queue.receive", c -> c.queues().receive("orders", ReceiveOptions.DEFAULT)),
                new RemoteOperation("queue.create", c -> c.queues().createQueue("orders")),
                new RemoteOperation("dns.zones", c -> c.dns().listZones()),
                new RemoteOperation("compute.list", c -> c.compute().listNodes()),
                new RemoteOperation("compute.node", c -> c.compute().node(NODE)),
                new RemoteOperation("compute.destroy", c -> c.compute().destroy(NODE)),
                new RemoteOperation("compute.launch", c -> c.compute().launch(
                        NodeSpec.of("tck-faults", "us-east-1/ami-785db401", "t2.micro"), 1)));
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
        return new RemoteOperation("blob.put", c -> c.blobs().put(KEY, new byte[] {1}));
    }
}
