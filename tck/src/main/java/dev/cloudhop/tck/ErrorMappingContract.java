package dev.cloudhop.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.UnsupportedCapabilityException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.queue.DeadLetterPolicy;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.ReceiveOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The contract of error mapping across all services, for errors every provider can produce without
 * network faults: missing objects, invalid names, oversized messages, failed conditions and missing
 * capabilities.
 *
 * <p>Every {@link CloudException} a test provokes must be of the documented subclass, carry a context
 * whose site is {@link #cloud()}'s site and whose operation is not blank, say whether it is retryable
 * (caller errors never are), name the object it is about, and contain no credentials. Providers must
 * never let a raw {@link IllegalArgumentException} or {@link NullPointerException} escape for a bad name.
 *
 * <p>A provider runs it by extending this class and implementing {@link #createCloud()}; a provider that
 * can launch nodes also overrides {@link #nodeSpec(String)}. Tests of one service need its capability;
 * the missing-capability test is never skipped.
 */
public abstract class ErrorMappingContract extends CloudContract {

    /** Words that must never appear in an exception message, compared case-insensitively. */
    private static final List<String> CREDENTIAL_WORDS = List.of("password", "accountkey", "secret");

    private final List<String> containersToDelete = new ArrayList<>();

    /**
     * A spec for a node the provider can launch in {@code group}. Only used to provoke errors: an invalid
     * group name and, where the provider lacks them, launching and user data. The default names
     * a placeholder image and size; providers declaring {@link Capability#COMPUTE_LAUNCH} should return a
     * valid image and size so that the suite tests the group name or capability, not the image.
     */
    protected NodeSpec nodeSpec(String group) {
        return NodeSpec.of(group, "tck-image", "tck-size");
    }

    /**
     * The credential values the site under test was opened with (keys, passwords, tokens). No exception
     * the suite provokes may contain any of them, anywhere in its cause chain. Default: none known.
     */
    protected Set<String> credentials() {
        return Set.of();
    }


    // ------------------------------------------------------------------------------------------------
    // not found

    @Test
    void blobGetOnAMissingContainerIsNotFound() {
        requireCapability(Capability.BLOB);
        String container = uniqueName("tck");

        NotFoundException e = expect(NotFoundException.class,
                () -> cloud().blobs().get(BlobId.of(container, "missing.txt")));

        assertWellFormed(e, container);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void blobPutStatListAndDeleteOnAMissingContainerAreNotFound() {
        requireCapability(Capability.BLOB);
        String container = uniqueName("tck");
        BlobId id = BlobId.of(container, "missing.txt");

        assertWellFormed(expect(NotFoundException.class, () -> cloud().blobs().put(id, bytes("data"))), container);
        assertWellFormed(expect(NotFoundException.class, () -> cloud().blobs().stat(id)), container);
        assertWellFormed(expect(NotFoundException.class, () -> cloud().blobs().delete(id)), container);
        assertWellFormed(expect(NotFoundException.class,
                () -> cloud().blobs().list(container, ListOptions.ALL).toList()), container);
        assertThat(cloud().blobs().containerExists(container)).as("container created by a failed put").isFalse();
    }

    @Test
    void queueSendToAMissingQueueIsNotFound() {
        requireCapability(Capability.QUEUE);
        String queue = uniqueName("tck");

        NotFoundException e = expect(NotFoundException.class,
                () -> cloud().queues().send(queue, OutgoingMessage.of("nowhere")));

        assertWellFormed(e, queue);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void queueReceiveAndDepthOfAMissingQueueAreNotFound() {
        requireCapability(Capability.QUEUE);
        String queue = uniqueName("tck");

        assertWellFormed(expect(NotFoundException.class,
                () -> cloud().queues().receive(queue, new ReceiveOptions(1, Duration.ofSeconds(1), Duration.ZERO))),
                queue);
        assertWellFormed(expect(NotFoundException.class, () -> cloud().queues().approximateDepth(queue)), queue);
    }

    @Test
    void dnsUpsertInAMissingZoneIsNotFound() {
        requireCapability(Capability.DNS);
        String zone = uniqueName("tck") + ".example.com";

        NotFoundException e = expect(NotFoundException.class, () -> cloud().dns()
                .upsert(zone, RecordSet.of("www." + zone, RecordType.A, Duration.ofSeconds(60), "192.0.2.1")));

        assertWellFormed(e, zone);
        assertThat(e.retryable()).isFalse();
    }

    // ------------------------------------------------------------------------------------------------
    // invalid requests

    @Test
    void anInvalidContainerNameIsAnInvalidRequestNamingIt() {
        requireCapability(Capability.BLOB);
        String name = "Bad_Name!";
        containersToDelete.add(name);

        InvalidRequestException e = expect(InvalidRequestException.class, () -> cloud().blobs().createContainer(name));

        assertWellFormed(e, name);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void anOversizeQueueMessageIsAnInvalidRequestNamingItsSize() {
        requireCapability(Capability.QUEUE);
        String queue = newQueue();
        int limit = cloud().queues().limits().maxMessageBytes();
        byte[] body = new byte[limit + 1];
        Arrays.fill(body, (byte) 'x');

        InvalidRequestException e = expect(InvalidRequestException.class,
                () -> cloud().queues().send(queue, OutgoingMessage.of(body)));

        assertWellFormed(e, queue);
        assertThat(e.getMessage()).contains(String.valueOf(limit + 1));
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void badNamesAreCloudExceptionsNeverRawJavaExceptions() {
        SoftAssertions softly = new SoftAssertions();
        if (cloud().supports(Capability.BLOB)) {
            containersToDelete.add("Bad_Name!");
            checkInvalid(softly, "blobs().createContainer(\"Bad_Name!\")", "Bad_Name!",
                    () -> cloud().blobs().createContainer("Bad_Name!"));
            String tooLong = "c".repeat(300);
            containersToDelete.add(tooLong);
            checkInvalid(softly, "blobs().createContainer(300 characters)", tooLong,
                    () -> cloud().blobs().createContainer(tooLong));
        }
        if (cloud().supports(Capability.QUEUE)) {
            afterTest(() -> cloud().queues().deleteQueue("UPPER_case!"));
            checkInvalid(softly, "queues().createQueue(\"UPPER_case!\")", "UPPER_case!",
                    () -> cloud().queues().createQueue("UPPER_case!"));
        }
        if (cloud().supports(Capability.DNS)) {
            checkInvalid(softly, "dns().createZone(\"bad zone!.example.com\")", "bad zone!.example.com",
                    () -> cloud().dns().createZone("bad zone!.example.com"));
        }
        if (cloud().supports(Capability.COMPUTE_LAUNCH)) {
            // the provider may object to the placeholder image first; the group is not required in the message
            checkInvalid(softly, "compute().launch(group \"Bad_Group\")", null,
                    () -> track(cloud().compute().launch(nodeSpec("Bad_Group"), 1)));
        }
        softly.assertAll();
    }

    // ------------------------------------------------------------------------------------------------
    // conflicts

    @Test
    void aFailedConditionalPutIsAConflict() {
        requireCapability(Capability.BLOB);
        requireCapability(Capability.BLOB_CONDITIONAL_WRITE);
        String container = newContainer();
        BlobId id = BlobId.of(container, "guarded.txt");
        BlobInfo original = cloud().blobs().put(id, bytes("original"));

        ConflictException exists = expect(ConflictException.class, () -> cloud().blobs()
                .put(id, BlobContent.ofUtf8("create-only"), PutOptions.DEFAULT.withIfNoneMatch()));
        assertWellFormed(exists, "guarded.txt");
        assertThat(exists.retryable()).isFalse();

        String wrongEtag = original.etag().equals("0123456789abcdef") ? "fedcba9876543210" : "0123456789abcdef";
        ConflictException stale = expect(ConflictException.class, () -> cloud().blobs()
                .put(id, BlobContent.ofUtf8("stale"), PutOptions.DEFAULT.withIfMatch(wrongEtag)));
        assertWellFormed(stale, "guarded.txt");

        assertThat(cloud().blobs().stat(id)).map(BlobInfo::etag).as("ETag after failed conditional puts")
                .contains(original.etag());
    }

    // ------------------------------------------------------------------------------------------------
    // hygiene

    @Test
    void exceptionMessagesNeverContainCredentials() {
        List<CloudException> provoked = new ArrayList<>();
        if (cloud().supports(Capability.BLOB)) {
            provoked.add(expect(NotFoundException.class,
                    () -> cloud().blobs().get(BlobId.of(uniqueName("tck"), "missing.txt"))));
            containersToDelete.add("Bad_Name!");
            provoked.add(expect(InvalidRequestException.class, () -> cloud().blobs().createContainer("Bad_Name!")));
        }
        if (cloud().supports(Capability.QUEUE)) {
            provoked.add(expect(NotFoundException.class,
                    () -> cloud().queues().send(uniqueName("tck"), OutgoingMessage.of("nowhere"))));
            String queue = newQueue();
            byte[] body = new byte[cloud().queues().limits().maxMessageBytes() + 1];
            provoked.add(expect(InvalidRequestException.class,
                    () -> cloud().queues().send(queue, OutgoingMessage.of(body))));
        }
        if (cloud().supports(Capability.DNS)) {
            String zone = uniqueName("tck") + ".example.com";
            provoked.add(expect(NotFoundException.class, () -> cloud().dns().list(zone).toList()));
        }
        if (cloud().supports(Capability.COMPUTE_LAUNCH)) {
            provoked.add(expect(InvalidRequestException.class,
                    () -> track(cloud().compute().launch(nodeSpec("Bad_Group"), 1))));
        }

        for (CloudException e : provoked) {
            assertNoCredentials(e);
        }
    }

    /**
     * For every capability the provider lacks, one of its operations throws
     * {@link UnsupportedCapabilityException}; capabilities it has are not exercised here.
     */
    @Test
    void everyMissingCapabilityIsAnUnsupportedCapabilityException() {
        SoftAssertions softly = new SoftAssertions();
        for (Capability capability : Capability.values()) {
            if (cloud().supports(capability)) {
                continue;
            }
            ThrowingCallable call = unsupportedCall(capability);
            Throwable thrown = catchThrowable(call);
            softly.assertThat(thrown)
                    .as("operation needing missing capability %s", capability)
                    .isInstanceOf(UnsupportedCapabilityException.class);
            if (thrown instanceof UnsupportedCapabilityException e) {
                softly.assertThat(e.site()).as("site of %s", capability).isEqualTo(cloud().site());
                softly.assertThat(e.provider()).as("provider of %s", capability).isEqualTo(cloud().site().provider());
                softly.assertThat(e.operation()).as("operation of %s", capability).isNotBlank();
                softly.assertThat(e.retryable()).as("retryable of %s", capability).isFalse();
            }
        }
        softly.assertAll();
    }

    // ------------------------------------------------------------------------------------------------
    // helpers

    /** An operation that needs {@code capability} and nothing else the provider lacks. */
    private ThrowingCallable unsupportedCall(Capability capability) {
        return switch (capability) {
            case BLOB -> () -> {
                String container = uniqueName("tck");
                containersToDelete.add(container);
                cloud().blobs().createContainer(container);
            };
            case BLOB_CONDITIONAL_WRITE -> () -> {
                String container = cloud().supports(Capability.BLOB) ? newContainer() : uniqueName("tck");
                cloud().blobs().put(BlobId.of(container, "conditional.txt"), BlobContent.ofUtf8("x"),
                        PutOptions.DEFAULT.withIfNoneMatch());
            };
            case QUEUE -> () -> {
                String queue = uniqueName("tck");
                afterTest(() -> cloud().queues().deleteQueue(queue));
                cloud().queues().createQueue(queue);
            };
            case QUEUE_DEDUP -> () -> cloud().queues()
                    .send(queueIfSupported(), OutgoingMessage.of("dedup").withDedupKey(uniqueName("key")));
            case QUEUE_DEAD_LETTER -> () -> {
                String queue = uniqueName("tck");
                afterTest(() -> cloud().queues().deleteQueue(queue));
                cloud().queues().createQueue(queue, new DeadLetterPolicy(queueIfSupported(), 3));
            };
            case QUEUE_DELAY -> () -> cloud().queues()
                    .send(queueIfSupported(), OutgoingMessage.of("delay").withDelay(Duration.ofSeconds(1)));
            case DNS -> () -> cloud().dns().listZones();
            case COMPUTE -> () -> cloud().compute().listNodes();
            case COMPUTE_LAUNCH -> () -> track(cloud().compute().launch(nodeSpec(uniqueName("tck")), 1));
            case COMPUTE_USER_DATA -> () -> track(cloud().compute()
                    .launch(nodeSpec(uniqueName("tck")).withUserData("#!/bin/sh\necho tck\n"), 1));
            case COMPUTE_RUN_SCRIPT -> () -> {
                // no launch needed: a provider that cannot run scripts at all says so before looking the node up
                String id = cloud().supports(Capability.COMPUTE)
                        ? cloud().compute().listNodes().stream().map(Node::id).findFirst().orElse("does-not-exist")
                        : "does-not-exist";
                cloud().compute().runScript(id, "echo hello", Duration.ofSeconds(30));
            };
        };
    }

    private String queueIfSupported() {
        return cloud().supports(Capability.QUEUE) ? newQueue() : uniqueName("tck");
    }

    private String newContainer() {
        String container = uniqueName("tck");
        containersToDelete.add(container);
        cloud().blobs().createContainer(container);
        return container;
    }

    private String newQueue() {
        String queue = uniqueName("tck");
        afterTest(() -> cloud().queues().deleteQueue(queue));
        cloud().queues().createQueue(queue);
        return queue;
    }

    private List<Node> track(List<Node> nodes) {
        nodes.forEach(n -> afterTest(() -> cloud().compute().destroy(n.id())));
        return nodes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs {@code call} and returns what it threw, failing unless that is a {@code type}. */
    private static <T extends CloudException> T expect(Class<T> type, ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("expected a %s", type.getSimpleName()).isInstanceOf(type);
        return type.cast(thrown);
    }

    private void checkInvalid(SoftAssertions softly, String what, String name, ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        softly.assertThat(thrown).as(what).isInstanceOf(InvalidRequestException.class);
        if (thrown instanceof CloudException e) {
            softly.assertThat(e.site()).as("site of %s", what).isEqualTo(cloud().site());
            softly.assertThat(e.operation()).as("operation of %s", what).isNotBlank();
            if (name != null) {
                softly.assertThat(e.getMessage()).as("message of %s", what).contains(name);
            }
        }
    }

    /**
     * Asserts the context and message of {@code e}: its site and provider are the cloud's, its operation
     * is not blank, its message names every one of {@code names} and contains no credential.
     */
    private void assertWellFormed(CloudException e, String... names) {
        assertThat(e.context()).as("context of %s", e).isNotNull();
        assertThat(e.context().site()).as("site of %s", e).isEqualTo(cloud().site());
        assertThat(e.site()).isEqualTo(cloud().site());
        assertThat(e.provider()).as("provider of %s", e).isEqualTo(cloud().site().provider());
        assertThat(e.context().operation()).as("operation of %s", e).isNotBlank();
        assertThat(e.operation()).isNotBlank();
        for (String name : names) {
            assertThat(e.getMessage()).as("message of %s", e.getClass().getSimpleName()).contains(name);
        }
        assertNoCredentials(e);
    }

    private void assertNoCredentials(CloudException e) {
        for (String text : new String[] {e.getMessage(), e.toString(), e.context().target()}) {
            String lower = text.toLowerCase(Locale.ROOT);
            for (String word : CREDENTIAL_WORDS) {
                assertThat(lower).as("%s must not mention '%s'", e.getClass().getSimpleName(), word)
                        .doesNotContain(word);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t);
            for (String credential : credentials()) {
                if (!credential.isEmpty()) {
                    assertThat(text).as("%s (in the cause chain of %s) must not contain a credential",
                            t.getClass().getName(), e.getClass().getSimpleName()).doesNotContain(credential);
                }
            }
        }
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException ignored) {
            // best effort cleanup
        }
    }
}
