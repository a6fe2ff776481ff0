package dev.cloudhop.failover.internal;

import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobPage;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One site's blob storage as the facade sees it: each call passes the interceptors first and reports its
 * outcome to health tracking ({@link SiteCall}).
 *
 * <p>Its default methods (the short {@code put} forms, lazy listing) are inherited, so they call the
 * intercepted abstract methods and every page a listing fetches is intercepted.
 */
final class InterceptedBlobStore implements BlobStore {

    private final BlobStore target;
    private final SiteCall call;

    InterceptedBlobStore(BlobStore target, SiteCall call) {
        this.target = target;
        this.call = call;
    }

    @Override
    public boolean createContainer(String container) {
        SiteCall.Started t = call.before("createContainer");
        try {
            return call.succeeded(t, target.createContainer(container));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public boolean deleteContainer(String container) {
        SiteCall.Started t = call.before("deleteContainer");
        try {
            return call.succeeded(t, target.deleteContainer(container));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public boolean containerExists(String container) {
        SiteCall.Started t = call.before("containerExists");
        try {
            return call.succeeded(t, target.containerExists(container));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public Stream<String> listContainers() {
        SiteCall.Started t = call.before("listContainers");
        try {
            return call.succeeded(t, target.listContainers());
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public BlobInfo put(BlobId id, BlobContent content, PutOptions options) {
        SiteCall.Started t = call.before("put");
        try {
            return call.succeeded(t, target.put(id, content, options));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public Optional<Blob> get(BlobId id) {
        SiteCall.Started t = call.before("get");
        try {
            return call.succeeded(t, target.get(id));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) {
        SiteCall.Started t = call.before("stat");
        try {
            return call.succeeded(t, target.stat(id));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public void delete(BlobId id) {
        SiteCall.Started t = call.before("delete");
        try {
            target.delete(id);
            call.succeeded(t);
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public BlobPage listPage(String container, ListOptions options, Optional<String> token) {
        SiteCall.Started t = call.before("listPage");
        try {
            return call.succeeded(t, target.listPage(container, options, token));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public String toString() {
        return "Intercepted[" + call + "]";
    }
}
