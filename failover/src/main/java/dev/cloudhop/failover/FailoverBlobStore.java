package dev.cloudhop.failover;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobPage;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.failover.internal.InterceptedSite;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Blob storage through the facade: writes to the active (or home) site behind the fence, then replicated;
 * reads from the active site (or, with weighted routing, a site picked per key by weight), falling back to
 * replicas when it is unavailable.
 */
final class FailoverBlobStore implements BlobStore {

    private static final String TOKEN_SEPARATOR = "|";

    private final FailoverCloud cloud;

    FailoverBlobStore(FailoverCloud cloud) {
        this.cloud = cloud;
    }

    private static boolean siteProblem(CloudException e) {
        return e instanceof UnavailableException || e instanceof ThrottledException;
    }

    /** A write at the site for {@code key}; retried once at the new site after a failover it triggered. */
    private <T> T write(String key, boolean retryable, Function<InterceptedSite, T> op) {
        cloud.awaitSwitch("blob.write");
        InterceptedSite site = cloud.writeSite(key);
        try {
            cloud.checkFence(site);
            return op.apply(site);
        } catch (CloudException e) {
            if (!siteProblem(e) || !retryable || !cloud.awaitRedirect(site.id(), key)) {
                throw e;
            }
            InterceptedSite next = cloud.writeSite(key);
            cloud.checkFence(next);
            return op.apply(next);
        }
    }

    /** A read at the site for {@code key}; on unavailability, at the other up sites in priority order. */
    private <T> T read(String key, Function<InterceptedSite, T> op) {
        return read(key, site -> false, op);
    }

    /** As {@link #read(String, Function)}, avoiding a weighted pick that {@code behind} says lacks a write. */
    private <T> T read(String key, java.util.function.Predicate<String> behind, Function<InterceptedSite, T> op) {
        InterceptedSite site = cloud.readSite(key, behind);
        try {
            return op.apply(site);
        } catch (CloudException e) {
            if (!siteProblem(e)) {
                throw e;
            }
            for (InterceptedSite replica : cloud.fallbacks(site.id())) {
                try {
                    return op.apply(replica);
                } catch (CloudException again) {
                    if (!siteProblem(again)) {
                        throw again;
                    }
                }
            }
            throw e;
        }
    }

    @Override
    public boolean createContainer(String container) {
        cloud.rememberContainer(container);
        boolean created = write(container, true, s -> s.blobs().createContainer(container));
        InterceptedSite primary = cloud.writeSite(container);
        for (InterceptedSite other : cloud.fallbacks(primary.id())) {
            try {
                other.blobs().createContainer(container);
            } catch (CloudException e) {
                // created at failover (prepare step) if the site takes over
            }
        }
        return created;
    }

    @Override
    public boolean deleteContainer(String container) {
        boolean existed = write(container, true, s -> s.blobs().deleteContainer(container));
        for (InterceptedSite other : cloud.fallbacks(cloud.writeSite(container).id())) {
            try {
                other.blobs().deleteContainer(container);
            } catch (CloudException e) {
                // best effort
            }
        }
        return existed;
    }

    @Override
    public boolean containerExists(String container) {
        return read(container, s -> s.blobs().containerExists(container));
    }

    @Override
    public Stream<String> listContainers() {
        return read("", s -> s.blobs().listContainers().toList()).stream()
                .filter(c -> !c.equals(FailoverCloud.SYSTEM_CONTAINER));
    }

    @Override
    public BlobInfo put(BlobId id, BlobContent content, PutOptions options) {
        cloud.rememberContainer(id.container());
        String[] at = new String[1];
        BlobInfo info = write(id.toString(), content.repeatable(), s -> {
            BlobInfo i = s.blobs().put(id, content, options);
            at[0] = s.id();
            return i;
        });
        cloud.replicate(at[0], id, false);
        return info;
    }

    @Override
    public Optional<Blob> get(BlobId id) {
        return read(id.toString(), site -> cloud.replicationBehind(site, id), s -> s.blobs().get(id));
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) {
        return read(id.toString(), site -> cloud.replicationBehind(site, id), s -> s.blobs().stat(id));
    }

    @Override
    public void delete(BlobId id) {
        String[] at = new String[1];
        write(id.toString(), true, s -> {
            s.blobs().delete(id);
            at[0] = s.id();
            return null;
        });
        cloud.replicate(at[0], id, true);
    }

    /**
     * Pages come from one site: the next-page token names the site that issued it ({@code site|token}), and
     * the following pages are read there, even if routing would pick another site meanwhile.
     */
    @Override
    public BlobPage listPage(String container, ListOptions options, Optional<String> token) {
        String[] at = new String[1];
        BlobPage page;
        if (token.isPresent()) {
            int i = token.get().indexOf(TOKEN_SEPARATOR);
            String siteId = i < 0 ? null : token.get().substring(0, i);
            if (siteId == null || !cloud.siteIds().contains(siteId)) {
                throw new InvalidRequestException(ErrorContext.of(cloud.writeSite(container).raw().site(), "blob.list", container),
                        "page token was not issued by the failover facade");
            }
            at[0] = siteId;
            page = cloud.siteById(siteId).blobs().listPage(container, options, Optional.of(token.get().substring(i + 1)));
        } else {
            page = read(container, site -> cloud.replicationBehind(site, container), s -> {
                at[0] = s.id();
                return s.blobs().listPage(container, options, token);
            });
        }
        return new BlobPage(page.entries(), page.nextToken().map(t -> at[0] + TOKEN_SEPARATOR + t));
    }
}
