package dev.cloudhop.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.failover.backup.Backup;
import dev.cloudhop.failover.backup.BackupStatus;
import dev.cloudhop.failover.backup.PruneReport;
import dev.cloudhop.failover.backup.RestorePlan;
import dev.cloudhop.failover.backup.RestoreProgress;
import dev.cloudhop.failover.backup.RestoreReport;
import dev.cloudhop.failover.backup.VerifyReport;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Continuous backup and point-in-time restore over local sites; the backup is kept at a fourth site, {@code vault}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackupTest {

    private static final String SITES = Fixture.SITES.replace("onprem { provider = local, region = dc1 }",
            "onprem { provider = local, region = dc1 }\n  vault  { provider = local, region = dc2 }");

    @TempDir
    Path spool;

    private Fixture f;
    private FailoverCloud cloud;

    /** Sites and a facade backing up catalog and orders to vault, with {@code backupKeys} added; {@code container} created. */
    private void start(String backupKeys, String container) {
        f = new Fixture(SITES, Fixture.failoverWith("backup { containers = [catalog, orders], site = vault, "
                + "spool-directory = \"" + spool + "\"" + backupKeys + " }"));
        cloud = f.facade();
        cloud.blobs().createContainer(container);
    }

    @AfterEach
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        if (f != null) {
            f.close();
        }
    }

    private static Backup backup(FailoverCloud cloud) {
        return cloud.backup().orElseThrow();
    }

    private static void uploaded(FailoverCloud cloud) {
        Awaitility.await("backup uploaded").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> backup(cloud).status().pending() == 0);
    }

    private static String text(BlobStore store, BlobId id) {
        return store.get(id).map(b -> new String(b.readAllBytes(), StandardCharsets.UTF_8)).orElse(null);
    }

    private static PutOptions meta(String value) {
        return PutOptions.DEFAULT.withContentType("application/json").withUserMetadata(Map.of("rev", value));
    }

    /** Every blob of a container at a store: name to content, content type and metadata. */
    private static Map<String, String> snapshot(BlobStore store, String container) {
        Map<String, String> all = new TreeMap<>();
        if (!store.containerExists(container)) {
            return all;
        }
        store.list(container).filter(BlobEntry.Item.class::isInstance).forEach(e -> {
            try (Blob b = store.get(BlobId.of(container, e.name())).orElseThrow()) {
                BlobInfo i = b.info();
                all.put(e.name(), new String(b.readAllBytes(), StandardCharsets.UTF_8) + " | " + i.contentType() + " | "
                        + new TreeMap<>(i.userMetadata()));
            }
        });
        return all;
    }

    @Test
    void restoreBetweenTwoWritesOfOneKeyReturnsTheOlderAndRemovesLaterBlobs() {
        start("", "catalog");
        BlobId sku = BlobId.of("catalog", "sku-1.json");
        cloud.blobs().put(sku, BlobContent.ofUtf8("{\"price\":10}"), meta("1"));
        f.clock.advance(Duration.ofSeconds(2));
        Instant between = f.clock.instant().minusSeconds(1);
        cloud.blobs().put(sku, BlobContent.of(new ByteArrayInputStream("{\"price\":99}".getBytes(StandardCharsets.UTF_8)), 12),
                meta("2"));
        cloud.blobs().put(BlobId.of("catalog", "sku-2.json"), BlobContent.ofUtf8("new"), meta("1"));
        uploaded(cloud);

        RestorePlan dry = backup(cloud).plan("catalog", between, "azure");
        assertThat(dry.changes()).extracting(RestorePlan.Change::key, RestorePlan.Change::action).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("sku-1.json", RestorePlan.Action.PUT),
                org.assertj.core.groups.Tuple.tuple("sku-2.json", RestorePlan.Action.DELETE));
        assertThat(text(cloud.rawSite("azure").blobs(), sku)).isEqualTo("{\"price\":99}"); // a dry run changes nothing

        RestoreReport report = backup(cloud).restore("catalog", between, "azure");

        assertThat(report.written()).isEqualTo(1);
        assertThat(report.deleted()).isEqualTo(1);
        BlobInfo info = cloud.blobs().stat(sku).orElseThrow();
        assertThat(text(cloud.blobs(), sku)).isEqualTo("{\"price\":10}");
        assertThat(info.userMetadata()).containsEntry("rev", "1");
        assertThat(info.contentType()).isEqualTo("application/json");
        assertThat(cloud.blobs().stat(BlobId.of("catalog", "sku-2.json"))).isEmpty();
        // restored through the facade into the active site: replicated like any write
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "{\"price\":10}".equals(text(cloud.rawSite("aws").blobs(), sku)));
        // the backup site keeps the backup only: it is no failover site and gets no replicas
        assertThat(cloud.siteIds()).containsExactly("azure", "aws", "onprem");
        assertThat(cloud.rawSite("onprem").blobs().listContainers()).doesNotContain(Backup.CONTAINER);
    }

    @Test
    void aDeletedContainerComesBackWholeAndIdenticalContentIsStoredOnce() {
        start("", "orders");
        for (int i = 0; i < 20; i++) {
            cloud.blobs().put(BlobId.of("orders", "2026/order-" + i + ".json"), BlobContent.ofUtf8(i % 2 == 0 ? "same" : "order " + i),
                    meta("r" + i));
        }
        uploaded(cloud);
        Map<String, String> before = snapshot(cloud.rawSite("azure").blobs(), "orders");
        f.clock.advance(Duration.ofSeconds(1));
        Instant beforeDeletion = f.clock.instant();
        f.clock.advance(Duration.ofSeconds(1));
        cloud.blobs().deleteContainer("orders");
        uploaded(cloud);
        assertThat(cloud.blobs().containerExists("orders")).isFalse();
        // 11 distinct contents ("same" for every even order)
        assertThat(f.sites.site("vault").blobs().list(Backup.CONTAINER, ListOptions.prefix("chunks/"))).hasSize(11);

        assertThat(backup(cloud).plan("orders", f.clock.instant(), "azure").empty()).isTrue(); // empty after the deletion
        assertThat(backup(cloud).plan("orders", beforeDeletion, "azure").changes()).hasSize(20)
                .allMatch(c -> c.action() == RestorePlan.Action.PUT);

        RestoreReport report = backup(cloud).restore("orders", beforeDeletion, "azure");

        assertThat(report.written()).isEqualTo(20);
        assertThat(snapshot(cloud.rawSite("azure").blobs(), "orders")).isEqualTo(before);
    }

    @Test
    void aRestoreIntoAnotherSiteMatchesAndAnInterruptedRestoreResumes() {
        start("", "catalog");
        for (int i = 0; i < 40; i++) {
            cloud.blobs().put(BlobId.of("catalog", "item-" + i), BlobContent.ofUtf8("content of item " + i), meta("m" + i));
        }
        uploaded(cloud);
        Instant at = f.clock.instant();
        Map<String, String> expected = snapshot(cloud.rawSite("azure").blobs(), "catalog");

        List<RestoreProgress> seen = new ArrayList<>();
        assertThatThrownBy(() -> backup(cloud).restore("catalog", at, "vault", p -> {
            seen.add(p);
            if (p.objectsDone() == 4) {
                throw new IllegalStateException("interrupted");
            }
        })).hasMessage("interrupted");
        assertThat(seen).last().satisfies(p -> {
            assertThat(p.objectsTotal()).isEqualTo(40);
            assertThat(p.bytesDone()).isPositive().isLessThan(p.bytesTotal());
            assertThat(p.eta()).isPresent();
        });

        RestoreReport resumed = backup(cloud).restore("catalog", at, "vault");

        // blobs are restored several at a time: those in flight when the listener threw may be done too
        assertThat(resumed.plan().unchanged()).isGreaterThanOrEqualTo(4).isLessThan(40);
        assertThat(resumed.written()).isEqualTo(40 - resumed.plan().unchanged());
        assertThat(snapshot(f.sites.site("vault").blobs(), "catalog")).isEqualTo(expected);
        assertThat(backup(cloud).plan("catalog", at, "vault").empty()).isTrue();
    }

    @Test
    void verifyNamesACorruptChunkAndTheVersionsItAffects() {
        start("", "catalog");
        cloud.blobs().put(BlobId.of("catalog", "a"), BlobContent.ofUtf8("alpha"), meta("1"));
        cloud.blobs().put(BlobId.of("catalog", "b"), BlobContent.ofUtf8("beta"), meta("1"));
        uploaded(cloud);
        assertThat(backup(cloud).verify().ok()).isTrue();
        BlobStore vault = f.sites.site("vault").blobs();
        String chunk = vault.list(Backup.CONTAINER, ListOptions.prefix("chunks/")).map(BlobEntry::name)
                .filter(n -> text(vault, BlobId.of(Backup.CONTAINER, n)).equals("alpha")).findFirst().orElseThrow();
        vault.put(BlobId.of(Backup.CONTAINER, chunk), "alpHa".getBytes(StandardCharsets.UTF_8));

        VerifyReport report = backup(cloud).verify();

        assertThat(report.chunksChecked()).isEqualTo(2);
        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(VerifyReport.Kind.CORRUPT);
            assertThat("chunks/" + p.hash()).isEqualTo(chunk);
            assertThat(p.affected()).singleElement().asString().startsWith("catalog/a@");
        });
        vault.delete(BlobId.of(Backup.CONTAINER, chunk));
        assertThat(backup(cloud).verify().problems()).singleElement()
                .satisfies(p -> assertThat(p.kind()).isEqualTo(VerifyReport.Kind.MISSING));
    }

    @Test
    void retentionKeepsEveryRestorePointInsideTheWindowAndDropsTheRest() {
        start(", retention = 1 d, chunk-grace = 0 s", "catalog");
        BlobId a = BlobId.of("catalog", "a");
        BlobId b = BlobId.of("catalog", "b");
        cloud.blobs().put(a, BlobContent.ofUtf8("a1"), meta("1"));
        cloud.blobs().put(b, BlobContent.ofUtf8("b1"), meta("1"));
        f.clock.advance(Duration.ofHours(1));
        cloud.blobs().put(a, BlobContent.ofUtf8("a2"), meta("2"));
        cloud.blobs().delete(b);
        uploaded(cloud);
        f.clock.advance(Duration.ofHours(24).plusMinutes(30)); // a1 and b1 are older than the window; a2 is its start
        Instant windowStart = backup(cloud).earliestRestorable();
        cloud.blobs().put(a, BlobContent.ofUtf8("a3"), meta("3"));
        uploaded(cloud);

        PruneReport pruned = backup(cloud).prune();

        assertThat(pruned.chunksDeleted()).isEqualTo(2); // a1 and b1
        assertThat(pruned.entriesDropped()).isEqualTo(3); // a1, b1 and b's deletion
        assertThat(backup(cloud).verify().ok()).isTrue();
        backup(cloud).restore("catalog", windowStart, "vault");
        assertThat(snapshot(f.sites.site("vault").blobs(), "catalog")).containsOnlyKeys("a")
                .hasEntrySatisfying("a", v -> assertThat(v).startsWith("a2 |"));
        assertThatThrownBy(() -> backup(cloud).plan("catalog", windowStart.minusSeconds(60), "vault"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
        assertThat(backup(cloud).prune().segmentsRemoved()).isZero(); // idempotent
    }

    @Test
    void theLagIsAMeterAndInTheStatus() {
        start("", "catalog");
        cloud.blobs().put(BlobId.of("catalog", "x"), BlobContent.ofUtf8("x"));
        uploaded(cloud);
        BackupStatus status = backup(cloud).status();
        assertThat(status.lag()).isZero();
        assertThat(status.uploaded()).isEqualTo(1);
        assertThat(status.newestAcknowledged()).isEqualTo(f.clock.instant());
        assertThat(cloud.meters().get("cloudhop.backup.lag").tag("site", "vault").gauge().value()).isZero();
        assertThat(cloud.meters().get("cloudhop.backup.pending").gauge().value()).isZero();
        assertThat(cloud.toString()).contains("backup=BackupStatus[site=vault");
        // writes to other containers are not backed up
        cloud.blobs().createContainer("logs");
        cloud.blobs().put(BlobId.of("logs", "l"), BlobContent.ofUtf8("l"));
        assertThat(backup(cloud).status().pending()).isZero();
        assertThat(backup(cloud).status().uploaded()).isEqualTo(1);
    }

    @Test
    void changesLeftInTheSpoolAreUploadedByTheNextFacade() {
        start("", "catalog");
        FailoverCloud first = cloud;
        first.blobs().put(BlobId.of("catalog", "k"), BlobContent.ofUtf8("v"));
        first.close(); // uploads before closing; the next facade over the same spool finds it empty
        assertThat(backup(first).status().pending()).isZero();
        FailoverCloud second = f.facade();
        cloud = second;
        assertThat(backup(second).plan("catalog", f.clock.instant(), "vault").changes()).singleElement()
                .satisfies(c -> assertThat(c.key()).isEqualTo("k"));
        assertThat(Optional.of(backup(second).status().pending())).contains(0);
    }
}
