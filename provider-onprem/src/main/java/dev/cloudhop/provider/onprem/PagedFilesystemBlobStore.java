package dev.cloudhop.provider.onprem;

import com.google.common.base.Strings;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.jclouds.blobstore.ContainerNotFoundException;
import org.jclouds.blobstore.LocalStorageStrategy;
import org.jclouds.blobstore.config.LocalBlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.domain.internal.StorageMetadataImpl;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.util.BlobStoreUtils;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * jclouds' local blob store with a listing that reads only the requested page.
 *
 * <p>{@link LocalBlobStore} loads the properties of every blob of the container for every page (a stat and
 * the extended attributes of each file), so listing a container of n blobs in pages costs n² file reads.
 * Here the names are listed (a directory walk), sorted by their UTF-8 bytes (the order Cloudhop promises),
 * cut at the marker and the page size, and only the page's blobs are read. Everything else is jclouds'.
 */
final class PagedFilesystemBlobStore extends ForwardingBlobStore {

    private static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final LocalStorageStrategy strategy;

    @Inject
    PagedFilesystemBlobStore(LocalBlobStore delegate, LocalStorageStrategy strategy) {
        super(delegate);
        this.strategy = strategy;
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container) {
        return list(container, ListContainerOptions.NONE);
    }

    @Override
    @SuppressWarnings("deprecation") // getDir(): directory listings are left to jclouds
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
        if (options.getDir() != null) {
            return delegate().list(container, options);
        }
        if (!strategy.containerExists(container)) {
            throw new ContainerNotFoundException(container, "while listing");
        }
        String prefix = Strings.nullToEmpty(options.getPrefix());
        String delimiter = options.getDelimiter() != null ? options.getDelimiter() : options.isRecursive() ? null : "/";
        boolean slash = "/".equals(delimiter);
        Iterable<String> keys;
        try {
            keys = strategy.getBlobKeysInsideContainer(container, Strings.emptyToNull(prefix), slash ? "/" : null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list container " + container, e);
        }
        NavigableMap<String, Boolean> entries = new TreeMap<>(UTF8_ORDER); // name -> is a common prefix
        for (String key : keys) {
            if (!key.startsWith(prefix)) {
                continue;
            }
            if (delimiter == null) {
                if (!key.endsWith("/")) {
                    entries.put(key, false);
                }
                continue;
            }
            if (!slash && key.endsWith("/")) {
                continue; // a directory, walked into: its blobs carry the names
            }
            String rest = key.substring(prefix.length());
            int at = rest.indexOf(delimiter);
            if (at >= 0) {
                entries.put(prefix + rest.substring(0, at + delimiter.length()), true);
            } else {
                entries.put(key, false);
            }
        }
        if (options.getMarker() != null) {
            entries = entries.tailMap(options.getMarker(), false);
        }
        int max = options.getMaxResults() != null ? options.getMaxResults() : 1000;
        List<StorageMetadata> page = new ArrayList<>();
        String last = null;
        for (Map.Entry<String, Boolean> e : entries.entrySet()) {
            if (page.size() >= max) {
                break;
            }
            last = e.getKey();
            if (e.getValue()) {
                page.add(new StorageMetadataImpl(StorageType.RELATIVE_PATH, null, e.getKey(), null, null, null, null,
                        null, Map.of(), null, null));
                continue;
            }
            Blob blob = strategy.getBlob(container, e.getKey());
            if (blob != null) {
                page.add(BlobStoreUtils.copy(blob.getMetadata()));
                blob.getPayload().release();
            }
        }
        String next = last != null && entries.higherKey(last) != null ? last : null;
        return new PageSetImpl<>(page, next);
    }
}
