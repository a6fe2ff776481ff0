package dev.cloudhop.jclouds;

import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.UnsupportedCapabilityException;
import dev.cloudhop.api.blob.Blob;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.BlobPage;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.blob.ListOptions;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.naming.NameKind;
import dev.cloudhop.api.naming.NamingRules;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.io.ContentMetadata;

/**
 * Cloudhop's {@link BlobStore} over any jclouds blob store: names are checked against the provider's
 * {@link NamingRules} before any request, content is streamed (multipart above a threshold), listings are
 * paged, and every failure is translated by {@link JcloudsErrors}.
 *
 * <p>Thread-safe. The jclouds context is built on first use and closed by {@link #close()}.
 */
public final class JcloudsBlobStore implements BlobStore, AutoCloseable {

    /** Uploads larger than this use multipart by default. */
    public static final long DEFAULT_MULTIPART_THRESHOLD = 32L << 20;

    private static final int LOCK_STRIPES = 64;

    private final SiteInfo site;
    private final NamingRules rules;
    private final LazyContext<BlobStoreContext> context;
    private final ConditionalWrites conditionalWrites;
    private final long multipartThreshold;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    /**
     * @param site               the site, for error contexts
     * @param rules              the provider's naming rules, checked before every request
     * @param contextFactory     builds the jclouds context on first use
     * @param conditionalWrites  how conditional puts are honoured
     * @param multipartThreshold uploads longer than this many bytes use multipart
     */
    public JcloudsBlobStore(SiteInfo site, NamingRules rules, Supplier<BlobStoreContext> contextFactory,
                            ConditionalWrites conditionalWrites, long multipartThreshold) {
        this.site = Objects.requireNonNull(site, "site");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.context = new LazyContext<>(contextFactory);
        this.conditionalWrites = Objects.requireNonNull(conditionalWrites, "conditionalWrites");
        this.multipartThreshold = multipartThreshold;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The underlying jclouds blob store: the escape hatch to what the portable API does not cover. */
    public org.jclouds.blobstore.BlobStore jclouds() {
        return context.get().getBlobStore();
    }

    private ErrorContext ctx(String operation, String target) {
        return ErrorContext.of(site, operation, target);
    }

    private void checkName(NameKind kind, String name, ErrorContext ctx) {
        List<String> violations = rules.violations(kind, name);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(ctx, kind.label() + " name '" + printable(name) + "' is invalid for provider "
                    + rules.provider() + ": " + String.join("; ", violations));
        }
    }

    private static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().limit(120).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return name.length() > 120 ? sb + "... (" + name.length() + " characters)" : sb.toString();
    }

    private void checkId(BlobId id, ErrorContext ctx) {
        checkName(NameKind.CONTAINER, id.container(), ctx);
        checkName(NameKind.BLOB, id.name(), ctx);
    }

    private <T> T call(ErrorContext ctx, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw JcloudsErrors.translate(e, ctx);
        }
    }

    @Override
    public boolean createContainer(String container) {
        ErrorContext ctx = ctx("blob.container.create", container);
        checkName(NameKind.CONTAINER, container, ctx);
        return call(ctx, () -> jclouds().createContainerInLocation(null, container));
    }

    @Override
    public boolean deleteContainer(String container) {
        ErrorContext ctx = ctx("blob.container.delete", container);
        checkName(NameKind.CONTAINER, container, ctx);
        return call(ctx, () -> {
            if (!jclouds().containerExists(container)) {
                return false;
            }
            jclouds().deleteContainer(container);
            return true;
        });
    }

    @Override
    public boolean containerExists(String container) {
        ErrorContext ctx = ctx("blob.container.exists", container);
        checkName(NameKind.CONTAINER, container, ctx);
        return call(ctx, () -> jclouds().containerExists(container));
    }

    @Override
    public Stream<String> listContainers() {
        ErrorContext ctx = ctx("blob.container.list", "");
        return call(ctx, () -> jclouds().list().stream()
                .filter(m -> m.getType() == StorageType.CONTAINER)
                .map(StorageMetadata::getName)
                .toList()).stream();
    }

    @Override
    public BlobInfo put(BlobId id, BlobContent content, PutOptions options) {
        ErrorContext ctx = ctx("blob.put", id.toString());
        checkId(id, ctx);
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(options, "options");
        if (!options.conditional()) {
            return upload(id, content, options, ctx);
        }
        switch (conditionalWrites.mode()) {
            case UNSUPPORTED -> throw new UnsupportedCapabilityException(ctx, "provider " + site.provider()
                    + " cannot write conditionally");
            case NATIVE -> {
                return call(ctx, () -> conditionalWrites.nativePut().put(id, content, options, ctx));
            }
            case IN_PROCESS_LOCK -> {
                // below
            }
        }
        ReentrantLock lock = locks[Math.floorMod(id.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            Optional<BlobInfo> current = stat(id, ctx);
            if (options.ifNoneMatch() && current.isPresent()) {
                throw new ConflictException(ctx, "blob exists (if-none-match), ETag " + current.get().etag());
            }
            if (options.ifMatch().isPresent()) {
                String expected = unquote(options.ifMatch().get());
                if (current.isEmpty()) {
                    throw new ConflictException(ctx, "blob does not exist (if-match " + expected + ")");
                }
                if (!current.get().etag().equals(expected)) {
                    throw new ConflictException(ctx, "ETag is " + current.get().etag() + ", not " + expected + " (if-match)");
                }
            }
            return upload(id, content, options, ctx);
        } finally {
            lock.unlock();
        }
    }

    private BlobInfo upload(BlobId id, BlobContent content, PutOptions options, ErrorContext ctx) {
        long length = content.length();
        InputStream raw = content.open();
        try (InputStream in = new ExactLengthInputStream(raw, length, id.toString())) {
            return call(ctx, () -> {
                org.jclouds.blobstore.BlobStore store = jclouds();
                // Bytes in memory go as a repeatable payload over the content's own array (no copy), which
                // jclouds can hash and send without buffering.
                org.jclouds.blobstore.domain.Blob blob = (content instanceof BlobContent.Bytes
                        ? store.blobBuilder(id.name()).payload(repeatable(content))
                        : store.blobBuilder(id.name()).payload(in))
                        .contentLength(length)
                        .contentType(options.contentType())
                        .userMetadata(options.userMetadata())
                        .build();
                org.jclouds.blobstore.options.PutOptions putOptions = length > multipartThreshold
                        ? org.jclouds.blobstore.options.PutOptions.Builder.multipart()
                        : org.jclouds.blobstore.options.PutOptions.NONE;
                String etag = store.putBlob(id.container(), blob, putOptions);
                if (etag == null || etag.isEmpty()) {
                    // Some providers do not return the ETag of a (multipart) upload: ask once.
                    return stat(id, ctx).orElseThrow(() -> new NotFoundException(ctx, "blob vanished right after upload"));
                }
                // Everything else is known: no second round trip per upload.
                return new BlobInfo(id, length, unquote(etag), Optional.empty(), options.contentType(), Instant.now(),
                        options.userMetadata());
            });
        } catch (IOException e) {
            throw JcloudsErrors.translate(e, ctx);
        }
    }

    /** A re-readable content as jclouds' {@code ByteSource}: each read opens the content again. */
    private static com.google.common.io.ByteSource repeatable(BlobContent content) {
        return new com.google.common.io.ByteSource() {
            @Override
            public InputStream openStream() {
                return content.open();
            }

            @Override
            public com.google.common.base.Optional<Long> sizeIfKnown() {
                return com.google.common.base.Optional.of(content.length());
            }
        };
    }

    @Override
    public Optional<Blob> get(BlobId id) {
        ErrorContext ctx = ctx("blob.get", id.toString());
        checkId(id, ctx);
        return call(ctx, () -> {
            org.jclouds.blobstore.domain.Blob blob = jclouds().getBlob(id.container(), id.name());
            if (blob == null) {
                requireContainer(id.container(), ctx);
                return Optional.empty();
            }
            try {
                return Optional.of(new Blob(info(id, blob.getMetadata()), blob.getPayload().openStream()));
            } catch (IOException e) {
                throw JcloudsErrors.translate(e, ctx);
            }
        });
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) {
        ErrorContext ctx = ctx("blob.stat", id.toString());
        checkId(id, ctx);
        return stat(id, ctx);
    }

    private Optional<BlobInfo> stat(BlobId id, ErrorContext ctx) {
        return call(ctx, () -> {
            BlobMetadata metadata = jclouds().blobMetadata(id.container(), id.name());
            if (metadata == null) {
                requireContainer(id.container(), ctx);
                return Optional.empty();
            }
            return Optional.of(info(id, metadata));
        });
    }

    /** jclouds answers "no such blob" and "no such container" alike on some providers: tell them apart. */
    private void requireContainer(String container, ErrorContext ctx) {
        if (!jclouds().containerExists(container)) {
            throw new NotFoundException(ctx, "container '" + container + "' does not exist");
        }
    }

    @Override
    public void delete(BlobId id) {
        ErrorContext ctx = ctx("blob.delete", id.toString());
        checkId(id, ctx);
        call(ctx, () -> {
            requireContainer(id.container(), ctx);
            jclouds().removeBlob(id.container(), id.name());
            return null;
        });
    }

    @Override
    public BlobPage listPage(String container, ListOptions options, Optional<String> token) {
        ErrorContext ctx = ctx("blob.list", container);
        checkName(NameKind.CONTAINER, container, ctx);
        return call(ctx, () -> {
            ListContainerOptions jo = new ListContainerOptions().maxResults(options.pageSize());
            if (!options.prefix().isEmpty()) {
                jo.prefix(options.prefix());
            }
            if (options.delimiter().isPresent()) {
                jo.delimiter(options.delimiter().get());
            } else {
                jo.recursive();
            }
            token.ifPresent(jo::afterMarker);
            PageSet<? extends StorageMetadata> page = jclouds().list(container, jo);
            List<BlobEntry> entries = new ArrayList<>(page.size());
            for (StorageMetadata m : page) {
                if (m.getType() == StorageType.BLOB) {
                    entries.add(new BlobEntry.Item(BlobId.of(container, m.getName()),
                            m.getSize() == null ? 0 : m.getSize(), m.getETag() == null ? "" : unquote(m.getETag()),
                            m.getLastModified() == null ? Instant.EPOCH : m.getLastModified().toInstant()));
                } else {
                    entries.add(new BlobEntry.CommonPrefix(m.getName()));
                }
            }
            return new BlobPage(entries, Optional.ofNullable(page.getNextMarker()));
        });
    }

    private static BlobInfo info(BlobId id, BlobMetadata m) {
        ContentMetadata content = m.getContentMetadata();
        Long length = content.getContentLength() != null ? content.getContentLength() : m.getSize();
        byte[] md5 = content.getContentMD5();
        Map<String, String> userMetadata = m.getUserMetadata() == null ? Map.of() : m.getUserMetadata();
        return new BlobInfo(id, length == null ? 0 : length, m.getETag() == null ? "" : unquote(m.getETag()),
                md5 == null ? Optional.empty() : Optional.of(HexFormat.of().formatHex(md5)),
                content.getContentType() == null ? PutOptions.OCTET_STREAM : content.getContentType(),
                m.getLastModified() == null ? Instant.EPOCH : m.getLastModified().toInstant(), userMetadata);
    }

    private static String unquote(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }

    @Override
    public void close() {
        context.close();
    }

    @Override
    public String toString() {
        return "JcloudsBlobStore[" + site + "]";
    }

}
