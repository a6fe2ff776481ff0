package dev.cloudhop.provider.azure;

import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.DateTimeRfc1123;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import dev.cloudhop.api.SiteInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue de-duplication for Azure, which has none: one marker blob per (queue, dedup key) in a container of
 * the same storage account, created with {@code If-None-Match: *} so that exactly one sender, in any
 * process, claims a key. The marker records the message id once sent.
 *
 * <p>The window is measured on the storage service's clock (the marker's Last-Modified against the
 * response's Date), so senders' clock skew does not matter. A marker older than the window is taken over
 * with {@code If-Match}. A marker left "pending" by a sender that died between claiming and sending is
 * taken over after {@link #PENDING_LEASE}; until then a duplicate waits for it. A send that fails releases
 * its marker. Residual risk: a sender that dies after Azure accepted the message but before recording
 * it makes a retry within the lease wait and then send again (at-least-once, like every queue here).
 */
final class DedupLedger {

    /** How long a claimed but unsent marker blocks duplicates before it is considered abandoned. */
    static final Duration PENDING_LEASE = Duration.ofSeconds(30);

    private static final String STATE = "state";
    private static final String MESSAGE_ID = "messageid";

    /** The outcome of claiming a key. */
    sealed interface Claim permits Claimed, Duplicate {
    }

    /** This sender owns the key: send, then {@link DedupLedger#recordSent} or {@link DedupLedger#release}. */
    record Claimed(String queue, String key, String etag) implements Claim {
    }

    /** The key was used within the window; {@code messageId} is the first message's id. */
    record Duplicate(String messageId) implements Claim {
    }

    private static final Logger LOG = LoggerFactory.getLogger(DedupLedger.class);

    private final SiteInfo site;
    private final Supplier<BlobContainerClient> container;
    private final Duration window;
    private volatile boolean containerReady;

    DedupLedger(SiteInfo site, Supplier<BlobContainerClient> container, Duration window) {
        this.site = site;
        this.container = container;
        this.window = window;
    }

    Duration window() {
        return window;
    }

    private BlobContainerClient container() {
        BlobContainerClient c = container.get();
        if (!containerReady) {
            c.createIfNotExists();
            containerReady = true;
        }
        return c;
    }

    static String markerName(String queue, String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return queue + "/" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims {@code key} for {@code queue}, or reports the duplicate; bounded in attempts and time. */
    Claim claim(String queue, String key) {
        BlobClient marker = container().getBlobClient(markerName(queue, key));
        long deadline = System.nanoTime() + PENDING_LEASE.plusSeconds(10).toNanos();
        for (int attempt = 0; ; attempt++) {
            if (attempt > 100 || System.nanoTime() > deadline) {
                throw new IllegalStateException("could not claim the dedup key of queue " + queue + " within "
                        + PENDING_LEASE.plusSeconds(10) + " (" + attempt + " attempts)");
            }
            Optional<String> created;
            try {
                created = write(marker, new BlobRequestConditions().setIfNoneMatch("*"));
            } catch (BlobStorageException e) {
                if (!containerGone(e) || attempt > 0) {
                    throw e;
                }
                // the container was deleted (or lost by a storage emulator's crash) since it was made: make it again
                containerReady = false;
                marker = container().getBlobClient(markerName(queue, key));
                continue;
            }
            if (created.isPresent()) {
                return new Claimed(queue, key, created.get());
            }
            Response<BlobProperties> current;
            try {
                current = marker.getPropertiesWithResponse(null, null, Context.NONE);
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404) {
                    continue; // released in between: claim again
                }
                throw e;
            }
            BlobProperties p = current.getValue();
            Instant serverNow = serverTime(current);
            Instant written = p.getLastModified().toInstant();
            Map<String, String> md = p.getMetadata();
            boolean expired = Duration.between(written, serverNow).compareTo(window) > 0;
            boolean sent = "sent".equals(md.get(STATE)) && md.get(MESSAGE_ID) != null;
            boolean abandoned = !sent && Duration.between(written, serverNow).compareTo(PENDING_LEASE) > 0;
            if (sent && !expired) {
                return new Duplicate(md.get(MESSAGE_ID));
            }
            if (expired || abandoned) {
                Optional<String> taken = write(marker, new BlobRequestConditions().setIfMatch(p.getETag()));
                if (taken.isPresent()) {
                    return new Claimed(queue, key, taken.get());
                }
                continue; // someone else took it over first
            }
            // pending and fresh: the first sender is still sending
            sleep(Math.min(1000, 50L << Math.min(attempt, 4)));
        }
    }

    /** Records the id of the message sent under a claim (best effort: the claim already blocks duplicates). */
    void recordSent(Claimed claim, String messageId) {
        try {
            container().getBlobClient(markerName(claim.queue(), claim.key())).setMetadataWithResponse(
                    Map.of(STATE, "sent", MESSAGE_ID, messageId), new BlobRequestConditions().setIfMatch(claim.etag()),
                    null, Context.NONE);
        } catch (RuntimeException e) {
            // a later duplicate then waits out the pending lease and sends again: at-least-once
            LOG.warn("site {} queue.send {}: recording message {} as sent under dedup key failed; a duplicate sent"
                    + " within the pending lease is sent again: {}", site.id(), claim.queue(), messageId,
                    Redaction.redact(String.valueOf(e)));
        }
    }

    /** Gives a claim up after a failed send, so that a retry can send. */
    void release(Claimed claim) {
        try {
            container().getBlobClient(markerName(claim.queue(), claim.key())).deleteIfExistsWithResponse(null,
                    new BlobRequestConditions().setIfMatch(claim.etag()), null, Context.NONE);
        } catch (RuntimeException e) {
            // the pending lease frees it
            LOG.debug("site {} queue.send {}: releasing a dedup claim failed, its pending lease frees it: {}",
                    site.id(), claim.queue(), Redaction.redact(String.valueOf(e)));
        }
    }

    /** Deletes the markers of a deleted queue (best effort). */
    void forget(String queue) {
        try {
            BlobContainerClient c = container.get();
            if (!containerReady && !c.exists()) {
                return;
            }
            c.listBlobs(new ListBlobsOptions().setPrefix(queue + "/"), null)
                    .forEach(b -> c.getBlobClient(b.getName()).deleteIfExists());
        } catch (RuntimeException e) {
            // markers of a deleted queue are harmless; a lifecycle rule may expire them
            LOG.debug("site {} queue.delete {}: deleting its dedup markers failed: {}", site.id(), queue,
                    Redaction.redact(String.valueOf(e)));
        }
    }

    private static boolean containerGone(BlobStorageException e) {
        return e.getStatusCode() == 404 && com.azure.storage.blob.models.BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode());
    }

    private static Optional<String> write(BlobClient marker, BlobRequestConditions conditions) {
        try {
            var response = marker.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(new byte[0]))
                    .setMetadata(Map.of(STATE, "pending")).setRequestConditions(conditions), null, Context.NONE);
            return Optional.of(response.getValue().getETag());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Instant serverTime(Response<?> response) {
        String date = response.getHeaders().getValue(com.azure.core.http.HttpHeaderName.DATE);
        if (date != null) {
            try {
                OffsetDateTime parsed = new DateTimeRfc1123(date).getDateTime();
                return parsed.toInstant();
            } catch (RuntimeException ignored) {
                // fall through
            }
        }
        return Instant.now();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
