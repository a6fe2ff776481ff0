package dev.cloudhop.provider.azure;

import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobPage;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.jclouds.JcloudsBlobStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Azure blob storage: the jclouds bridge plus what Azure needs on top of it.
 *
 * <ul>
 *   <li>Metadata names: Azure allows only C# identifiers ({@code color-name} is refused with
 *       {@code InvalidMetadata}), while Cloudhop promises letters, digits and {@code '-'}. Names are stored
 *       escaped ({@link #encodeKey}): a character other than an ASCII letter or digit, and a leading digit,
 *       becomes {@code _<hex>_}; names of letters and digits only (the common case) are stored unchanged,
 *       so other Azure tools see them as they are.</li>
 *   <li>Streams of unknown {@code available()} are uploaded intact in parts: jclouds' multipart upload of a
 *       one-shot stream positions each part with Guava's {@code skipFully}, which reads (and so loses) data
 *       instead of skipping when {@code available()} is 0, as for network streams; {@link DeclaredLengthStream}
 *       reports the declared remainder instead.</li>
 *   <li>A put whose connection is closed before an answer (Azurite closes it when it refuses the upload of a
 *       blob into a missing container before reading the body) is reported as not found when the container
 *       does not exist, not as the site being unavailable.</li>
 * </ul>
 * Thread-safe.
 */
final class AzureBlobStore implements BlobStore, AutoCloseable {

    private final SiteInfo site;
    private final JcloudsBlobStore delegate;

    AzureBlobStore(SiteInfo site, JcloudsBlobStore delegate) {
        this.site = site;
        this.delegate = delegate;
    }

    /** The bridge underneath, and through it jclouds: the escape hatch. */
    JcloudsBlobStore jcloudsBlobStore() {
        return delegate;
    }

    /** Escapes a metadata name into a C# identifier; identity for names of ASCII letters and digits. */
    static String encodeKey(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean digit = c >= '0' && c <= '9';
            if (letter || (digit && i > 0)) {
                sb.append(c);
            } else {
                sb.append('_').append(Integer.toHexString(c)).append('_');
            }
        }
        return sb.toString();
    }

    /**
     * Reverses {@link #encodeKey}; a name that is not a valid escape (a name another tool wrote with '_') is
     * returned as it is.
     */
    static String decodeKey(String stored) {
        if (stored.indexOf('_') < 0) {
            return stored;
        }
        StringBuilder sb = new StringBuilder(stored.length());
        int i = 0;
        while (i < stored.length()) {
            char c = stored.charAt(i);
            if (c == '_') {
                int end = stored.indexOf('_', i + 1);
                if (end < 0 || end == i + 1) {
                    return stored;
                }
                int cp;
                try {
                    cp = Integer.parseInt(stored.substring(i + 1, end), 16);
                } catch (NumberFormatException e) {
                    return stored;
                }
                if (end - i - 1 > 4 || cp < 0x20 || cp == 0x7f) {
                    return stored; // not an escape encodeKey would write: a foreign name with '_'
                }
                sb.append((char) cp);
                i = end + 1;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    private static Map<String, String> encode(Map<String, String> metadata) {
        Map<String, String> out = new LinkedHashMap<>();
        metadata.forEach((k, v) -> out.put(encodeKey(k), v));
        return out;
    }

    private static Map<String, String> decode(Map<String, String> metadata) {
        Map<String, String> out = new LinkedHashMap<>();
        metadata.forEach((k, v) -> out.put(decodeKey(k), v));
        return out;
    }

    private static BlobInfo decode(BlobInfo info) {
        return new BlobInfo(info.id(), info.size(), info.etag(), info.contentMd5(), info.contentType(),
                info.lastModified(), decode(info.userMetadata()));
    }

    @Override
    public boolean createContainer(String container) {
        return delegate.createContainer(container);
    }

    @Override
    public boolean deleteContainer(String container) {
        return delegate.deleteContainer(container);
    }

    @Override
    public boolean containerExists(String container) {
        return delegate.containerExists(container);
    }

    @Override
    public Stream<String> listContainers() {
        return delegate.listContainers();
    }

    @Override
    public BlobInfo put(BlobId id, BlobContent content, PutOptions options) {
        PutOptions stored = options.userMetadata().isEmpty() ? options
                : new PutOptions(options.contentType(), encode(options.userMetadata()), options.ifMatch(),
                options.ifNoneMatch());
        BlobContent sent = content.repeatable() ? content
                : BlobContent.of(new DeclaredLengthStream(content.open(), content.length()), content.length());
        try {
            BlobInfo info = delegate.put(id, sent, stored);
            return new BlobInfo(info.id(), info.size(), info.etag(), info.contentMd5(), info.contentType(),
                    info.lastModified(), options.userMetadata());
        } catch (UnavailableException e) {
            if (closedBeforeAnswer(e) && !delegate.containerExists(id.container())) {
                throw new NotFoundException(ErrorContext.of(site, "blob.put", id.toString()),
                        "container '" + id.container() + "' does not exist", e);
            }
            throw e;
        }
    }

    private static boolean closedBeforeAnswer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketException || t instanceof java.io.EOFException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A one-shot stream that reports its declared remaining length as available, so that jclouds' part
     * slicing calls its no-op {@code skip} rather than reading data away. Reads pass through unchanged.
     */
    static final class DeclaredLengthStream extends java.io.FilterInputStream {
        private long remaining;

        DeclaredLengthStream(java.io.InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws java.io.IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws java.io.IOException {
            long skipped = super.skip(n);
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws java.io.IOException {
            return (int) Math.max(super.available(), Math.min(Integer.MAX_VALUE, Math.max(0, remaining)));
        }
    }

    @Override
    public Optional<Blob> get(BlobId id) {
        return delegate.get(id).map(b -> new Blob(decode(b.info()), b.content()));
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) {
        return delegate.stat(id).map(AzureBlobStore::decode);
    }

    @Override
    public void delete(BlobId id) {
        delegate.delete(id);
    }

    @Override
    public BlobPage listPage(String container, ListOptions options, Optional<String> token) {
        return delegate.listPage(container, options, token);
    }

    @Override
    public Stream<dev.cloudhop.api.blob.BlobEntry> list(String container, ListOptions options) {
        return delegate.list(container, options);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "AzureBlobStore[" + site + "]";
    }
}
