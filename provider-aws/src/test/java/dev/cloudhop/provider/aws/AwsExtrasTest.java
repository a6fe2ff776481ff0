package dev.cloudhop.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.queue.OutgoingMessage;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.api.queue.ReceiveOptions;
import dev.cloudhop.api.queue.ReceivedMessage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the TCK does not cover and the AWS provider promises, against both emulators: FIFO queues, the
 * in-process dedup window of standard queues, empty and binary bodies, and S3's native conditional puts
 * (their semantics, without the race: moto's are not atomic, see {@link MotoDefects}).
 */
class AwsExtrasTest {

    private static String unique(String prefix) {
        byte[] b = new byte[5];
        ThreadLocalRandom.current().nextBytes(b);
        return prefix + "-" + HexFormat.of().formatHex(b);
    }

    private static Cloud open(AwsTarget target) {
        assumeTrue(target == AwsTarget.LOCALSTACK || AwsTarget.userEndpoint().isEmpty(),
                "CLOUDHOP_AWS_ENDPOINT is set: only the LocalStack-targeted runs use it");
        return target.open();
    }

    private static List<ReceivedMessage> drain(QueueService queues, String queue) {
        List<ReceivedMessage> all = new ArrayList<>();
        ReceiveOptions batch = new ReceiveOptions(10, Duration.ofSeconds(30), Duration.ofSeconds(1));
        for (int i = 0; i < 10; i++) {
            List<ReceivedMessage> got = queues.receive(queue, batch);
            if (got.isEmpty()) {
                break;
            }
            for (ReceivedMessage m : got) {
                all.add(m);
                queues.ack(queue, m.receipt());
            }
        }
        return all;
    }

    @ParameterizedTest
    @EnumSource(value = AwsTarget.class, names = {"LOCALSTACK", "MOTO"})
    void fifoQueuesDeduplicateByKeyAndRefusePerMessageDelays(AwsTarget target) {
        try (Cloud cloud = open(target)) {
            QueueService queues = cloud.queues();
            String queue = unique("extras") + ".fifo";
            try {
                assertThat(queues.createQueue(queue)).isTrue();
                assertThat(queues.createQueue(queue)).isFalse();
                String first = queues.send(queue, OutgoingMessage.of("one").withDedupKey("order 1 ü"));
                queues.send(queue, OutgoingMessage.of("one again").withDedupKey("order 1 ü"));
                queues.send(queue, OutgoingMessage.of("two"));
                queues.send(queue, OutgoingMessage.of("three"));
                assertThatThrownBy(() -> queues.send(queue, OutgoingMessage.of("late").withDelay(Duration.ofSeconds(1))))
                        .isInstanceOf(InvalidRequestException.class).hasMessageContaining(queue);

                List<ReceivedMessage> got = drain(queues, queue);
                assertThat(got).extracting(ReceivedMessage::bodyAsString).containsExactly("one", "two", "three");
                assertThat(got.get(0).messageId()).isEqualTo(first);
            } finally {
                queues.deleteQueue(queue);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = AwsTarget.class, names = {"LOCALSTACK", "MOTO"})
    void standardQueuesDeduplicateWithinThisProcessAndCarryEmptyAndBinaryBodies(AwsTarget target) {
        try (Cloud cloud = open(target)) {
            QueueService queues = cloud.queues();
            String queue = unique("extras");
            try {
                queues.createQueue(queue);
                String id = queues.send(queue, OutgoingMessage.of(new byte[0]).withDedupKey("k"));
                assertThat(queues.send(queue, OutgoingMessage.of("other body").withDedupKey("k")))
                        .as("a repeated key returns the first message's id").isEqualTo(id);
                queues.send(queue, OutgoingMessage.of(new byte[] {0, (byte) 0xff, 10}).withAttribute("kind", "binary"));

                List<ReceivedMessage> got = drain(queues, queue);
                assertThat(got).hasSize(2);
                ReceivedMessage empty = got.stream().filter(m -> m.messageId().equals(id)).findFirst().orElseThrow();
                assertThat(empty.body()).isEmpty();
                assertThat(empty.attributes()).isEmpty();
                ReceivedMessage binary = got.stream().filter(m -> !m.messageId().equals(id)).findFirst().orElseThrow();
                assertThat(binary.body()).containsExactly(0, 0xff, 10);
                assertThat(binary.attributes()).containsOnlyKeys("kind");
            } finally {
                queues.deleteQueue(queue);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = AwsTarget.class, names = {"LOCALSTACK", "MOTO"})
    void nativeConditionalPutsHonourTheirConditions(AwsTarget target) {
        try (Cloud cloud = open(target)) {
            String bucket = unique("extras");
            cloud.blobs().createContainer(bucket);
            try {
                BlobId id = BlobId.of(bucket, "lease.json");
                BlobInfo created = cloud.blobs().put(id, BlobContent.ofUtf8("{\"owner\":1}"),
                        PutOptions.DEFAULT.withIfNoneMatch().withContentType("application/json"));
                assertThat(created.contentType()).isEqualTo("application/json");
                assertThat(created.etag()).isNotBlank();
                assertThatThrownBy(() -> cloud.blobs().put(id, BlobContent.ofUtf8("x"), PutOptions.DEFAULT.withIfNoneMatch()))
                        .isInstanceOf(ConflictException.class);

                BlobInfo replaced = cloud.blobs().put(id, BlobContent.of(new ByteArrayInputStream(new byte[] {1, 2}), 2),
                        PutOptions.DEFAULT.withIfMatch(created.etag()));
                assertThat(replaced.size()).isEqualTo(2);
                assertThatThrownBy(() -> cloud.blobs().put(id, BlobContent.ofUtf8("stale"),
                        PutOptions.DEFAULT.withIfMatch(created.etag()))).isInstanceOf(ConflictException.class);
                assertThatThrownBy(() -> cloud.blobs().put(BlobId.of(bucket, "absent"), BlobContent.ofUtf8("y"),
                        PutOptions.DEFAULT.withIfMatch(created.etag()))).isInstanceOf(ConflictException.class);
                assertThat(cloud.blobs().stat(id)).hasValueSatisfying(i -> assertThat(i.etag()).isEqualTo(replaced.etag()));
            } finally {
                cloud.blobs().deleteContainer(bucket);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = AwsTarget.class, names = {"LOCALSTACK", "MOTO"})
    void weightedAndFailoverRecordSetsWithHealthChecks(AwsTarget target) {
        try (Cloud cloud = open(target)) {
            Route53Routing routing = Route53Routing.of(cloud);
            String zone = unique("routing") + ".example.com.";
            cloud.dns().createZone(zone);
            String check = routing.createHealthCheck(new Route53Routing.HealthCheckSpec("HTTP", "192.0.2.10", 80,
                    "/health", Duration.ofSeconds(30), 3));
            try {
                assertThat(routing.listHealthChecks()).contains(check);
                String www = "www." + zone;
                routing.upsertWeighted(zone, RecordSet.of(www, RecordType.A, Duration.ofSeconds(60), "192.0.2.10"),
                        "blue", 200, Optional.of(check));
                routing.upsertWeighted(zone, RecordSet.of(www, RecordType.A, Duration.ofSeconds(60), "192.0.2.20"),
                        "green", 55, Optional.empty());
                String api = "api." + zone;
                routing.upsertFailover(zone, RecordSet.of(api, RecordType.A, Duration.ofSeconds(30), "192.0.2.10"),
                        "primary", Route53Routing.FailoverRole.PRIMARY, Optional.of(check));
                routing.upsertFailover(zone, RecordSet.of(api, RecordType.A, Duration.ofSeconds(30), "198.51.100.10"),
                        "secondary", Route53Routing.FailoverRole.SECONDARY, Optional.empty());

                List<Route53Routing.RoutedRecordSet> routed = routing.list(zone);
                assertThat(routed).extracting(Route53Routing.RoutedRecordSet::setIdentifier)
                        .containsExactlyInAnyOrder("blue", "green", "primary", "secondary");
                Route53Routing.RoutedRecordSet blue = routed.stream().filter(r -> r.setIdentifier().equals("blue"))
                        .findFirst().orElseThrow();
                assertThat(blue.weight()).contains(200L);
                assertThat(blue.healthCheckId()).contains(check);
                assertThat(blue.recordSet().values()).containsExactly("192.0.2.10");
                assertThat(routed.stream().filter(r -> r.setIdentifier().equals("secondary")).findFirst().orElseThrow()
                        .failover()).contains(Route53Routing.FailoverRole.SECONDARY);
                assertThat(cloud.dns().list(zone)).as("the portable view leaves routed record sets out").isEmpty();

                assertThat(routing.delete(zone, www, RecordType.A, "green")).isTrue();
                assertThat(routing.delete(zone, www, RecordType.A, "green")).isFalse();
                assertThat(routing.list(zone)).hasSize(3);
            } finally {
                cloud.dns().deleteZone(zone);
                routing.deleteHealthCheck(check);
            }
            assertThat(routing.deleteHealthCheck(check)).isFalse();
        }
    }
}
