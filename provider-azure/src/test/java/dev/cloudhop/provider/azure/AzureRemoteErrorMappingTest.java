package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.tck.RemoteErrorMappingContract;
import dev.cloudhop.testing.AzuriteServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Transport faults on blob (jclouds azureblob) and queue (Azure SDK) operations, against the TCK's fault
 * server: statuses and Azure error codes, a refused port, a stalled server.
 */
class AzureRemoteErrorMappingTest extends RemoteErrorMappingContract {

    @Override
    protected Cloud cloudAt(URI endpoint) {
        String base = endpoint + "/" + AzuriteServer.ACCOUNT;
        return AzureSites.open("sites { faulty { provider = azure, region = westeurope, storage { account = "
                + AzuriteServer.ACCOUNT + ", key = \"literal:" + AzuriteServer.ACCOUNT_KEY + "\", blob-endpoint = \"" + base
                + "\", queue-endpoint = \"" + base + "\" }, timeout = 1 s, retries = 1 } }").site("faulty");
    }

    @Override
    protected List<RemoteOperation> operations() {
        return List.of(
                new RemoteOperation("blob.put", c -> c.blobs().put(BlobId.of("container", "key"), new byte[] {1, 2, 3})),
                new RemoteOperation("blob.get", c -> c.blobs().get(BlobId.of("container", "key"))),
                new RemoteOperation("blob.stat", c -> c.blobs().stat(BlobId.of("container", "key"))),
                new RemoteOperation("blob.list", c -> c.blobs().listPage("container", ListOptions.ALL, Optional.empty())),
                new RemoteOperation("blob.put-if-none-match", c -> c.blobs().put(BlobId.of("container", "lease"),
                        BlobContent.ofUtf8("x"), PutOptions.DEFAULT.withIfNoneMatch())),
                new RemoteOperation("queue.send", c -> c.queues().send("orders", OutgoingMessage.of("x"))),
                new RemoteOperation("queue.receive", c -> c.queues().receive("orders",
                        new ReceiveOptions(1, Duration.ofSeconds(5), Duration.ZERO))),
                new RemoteOperation("queue.depth", c -> c.queues().approximateDepth("orders")));
    }

    /** HEAD answers carry Azure's error code in a header the fault server does not send. */
    @Override
    protected List<RemoteOperation> operationsReadingErrorBodies() {
        return operations().stream().filter(op -> !op.name().equals("blob.stat")).toList();
    }

    @Override
    protected RemoteOperation notFoundOperation() {
        return new RemoteOperation("queue.depth", c -> c.queues().approximateDepth("orders"));
    }

    @Override
    protected RemoteOperation conflictOperation() {
        return new RemoteOperation("blob.put-if-none-match", c -> c.blobs().put(BlobId.of("container", "lease"),
                BlobContent.ofUtf8("x"), PutOptions.DEFAULT.withIfNoneMatch()));
    }
}
