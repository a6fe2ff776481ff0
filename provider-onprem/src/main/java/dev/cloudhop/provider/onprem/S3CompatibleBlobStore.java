package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.jclouds.JcloudsBlobStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * An S3-compatible store ({@code blob.kind = s3}): the bridge's jclouds store, except that creating a bucket
 * looks first. Ceph RGW (and moto, like AWS in us-east-1) answers 200 to re-creating one's own bucket, so
 * jclouds cannot tell "created" from "existed"; MinIO answers 409, which jclouds already reads as "existed".
 * Two concurrent creators may both see {@code true}.
 */
final class S3CompatibleBlobStore {

    private S3CompatibleBlobStore() {
    }

    /** {@code store} with a look-first {@code createContainer}; every other call (and close) goes to it as is. */
    static BlobStore lookingBeforeCreate(JcloudsBlobStore store) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(),
                new Class<?>[] {BlobStore.class, AutoCloseable.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createContainer") && args != null && args.length == 1) {
                        String container = (String) args[0];
                        return !store.containerExists(container) && store.createContainer(container);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
