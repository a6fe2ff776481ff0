package dev.cloudhop.provider.onprem;

import com.google.common.collect.ImmutableSet;
import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.util.Modules;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.jclouds.ConditionalWrites;
import dev.cloudhop.jclouds.JcloudsBlobStore;
import dev.cloudhop.jclouds.JcloudsErrors;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.jclouds.Constants;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.LocalStorageStrategy;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobAccess;
import org.jclouds.filesystem.FilesystemApiMetadata;
import org.jclouds.filesystem.config.FilesystemBlobStoreContextModule;
import org.jclouds.filesystem.reference.FilesystemConstants;

/** Builds a site's blob store: jclouds {@code filesystem} with atomic writes, or jclouds {@code s3}. */
final class OnPremBlobs {

    private OnPremBlobs() {
    }

    static dev.cloudhop.api.blob.BlobStore create(SiteInfo site, OnPremSettings.Blob settings) {
        return settings.kind() == OnPremSettings.BlobKind.FILESYSTEM ? filesystem(site, settings)
                : S3CompatibleBlobStore.lookingBeforeCreate(s3(site, settings));
    }

    /**
     * A directory as blob store. Multipart is off (a threshold no upload reaches): a file is streamed once,
     * whereas jclouds' local multipart would store parts as visible {@code .mpus-*} blobs and copy them.
     * Conditional writes are native: checked and committed under the cross-process lock of the name.
     */
    static JcloudsBlobStore filesystem(SiteInfo site, OnPremSettings.Blob settings) {
        String base = settings.directory().orElseThrow().toString();
        AtomicReference<JcloudsBlobStore> self = new AtomicReference<>();
        ConditionalWrites conditional = ConditionalWrites.nativeWith(
                (id, content, options, ctx) -> conditionalPut(self.get(), id, content, options, ctx));
        JcloudsBlobStore store = new JcloudsBlobStore(site, OnPremProvider.NAMING,
                () -> filesystemContext(site, base, settings.fsync()), conditional, Long.MAX_VALUE);
        self.set(store);
        return store;
    }

    static BlobStoreContext filesystemContext(SiteInfo site, String baseDirectory, boolean fsync) {
        Properties overrides = new Properties();
        overrides.setProperty(FilesystemConstants.PROPERTY_BASEDIR, baseDirectory);
        FilesystemApiMetadata api = new FilesystemApiMetadata().toBuilder()
                .defaultModules(ImmutableSet.of())
                .build();
        AtomicFilesystemStorageStrategy.Options options = new AtomicFilesystemStorageStrategy.Options(fsync, site);
        return ContextBuilder.newBuilder(api)
                .name(site.id())
                .overrides(overrides)
                .modules(List.of(new AtomicFilesystemModule(options)))
                .buildView(BlobStoreContext.class);
    }

    /** jclouds' filesystem module with the atomic storage strategy and the paged listing in place of its own. */
    private static final class AtomicFilesystemModule extends AbstractModule {
        private final AtomicFilesystemStorageStrategy.Options options;

        AtomicFilesystemModule(AtomicFilesystemStorageStrategy.Options options) {
            this.options = options;
        }

        @Override
        protected void configure() {
            install(Modules.override(new FilesystemBlobStoreContextModule()).with(new AbstractModule() {
                @Override
                protected void configure() {
                    bind(LocalStorageStrategy.class).to(AtomicFilesystemStorageStrategy.class).in(Scopes.SINGLETON);
                    bind(org.jclouds.blobstore.BlobStore.class).to(PagedFilesystemBlobStore.class).in(Scopes.SINGLETON);
                }
            }));
            bind(AtomicFilesystemStorageStrategy.Options.class).toInstance(options);
        }
    }

    private static BlobInfo conditionalPut(JcloudsBlobStore store, BlobId id, BlobContent content, PutOptions options,
                                           ErrorContext ctx) {
        org.jclouds.blobstore.BlobStore jclouds = store.jclouds();
        AtomicFilesystemStorageStrategy strategy = (AtomicFilesystemStorageStrategy) jclouds.getContext().utils()
                .injector().getInstance(LocalStorageStrategy.class);
        if (!jclouds.containerExists(id.container())) {
            throw new dev.cloudhop.api.NotFoundException(ctx, "container '" + id.container() + "' does not exist");
        }
        AtomicFilesystemStorageStrategy.Condition condition = options.ifNoneMatch()
                ? new AtomicFilesystemStorageStrategy.IfNoneMatch()
                : new AtomicFilesystemStorageStrategy.IfMatch(unquote(options.ifMatch().orElseThrow()));
        long length = content.length();
        try (InputStream in = new LengthCheckedStream(content.open(), length, id.toString())) {
            Blob blob = jclouds.blobBuilder(id.name())
                    .payload(in)
                    .contentLength(length)
                    .contentType(options.contentType())
                    .userMetadata(options.userMetadata())
                    .build();
            AtomicFilesystemStorageStrategy.Written written = strategy.commitPut(id.container(), blob, BlobAccess.PRIVATE,
                    condition, ctx);
            // what was written, not a fresh read: another writer may already have replaced it
            return new BlobInfo(id, written.size(), written.etag(), java.util.Optional.of(written.etag()),
                    options.contentType(), written.lastModified(), options.userMetadata());
        } catch (ShortStreamException e) {
            throw new dev.cloudhop.api.InvalidRequestException(ctx, e.getMessage(), e);
        } catch (IOException e) {
            throw JcloudsErrors.translate(e, ctx);
        }
    }

    private static String unquote(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }

    /** The names an S3-compatible site accepts: on-prem names that are also valid S3 bucket and key names. */
    static final NamingRules S3_NAMING = NamingRules.builder(OnPremProvider.ID).include(OnPremProvider.NAMING)
            .include(NamingRules.AWS).build();

    /**
     * S3's largest single PUT (MinIO's too). jclouds streams a V4-signed PutObject ({@code aws-chunked}) but
     * must hash a multipart part before sending it, which needs a markable stream: one PUT up to this size.
     */
    static final long S3_SINGLE_PUT_LIMIT = 5L << 30;

    /** A store speaking S3 (MinIO, Ceph RGW) at an endpoint: jclouds' generic {@code s3}, path-style, signature V4. */
    static JcloudsBlobStore s3(SiteInfo site, OnPremSettings.Blob settings) {
        String endpoint = settings.endpoint().orElseThrow().toString();
        String identity = settings.accessKey().orElseThrow().reveal();
        String credential = settings.secretKey().orElseThrow().reveal();
        return new JcloudsBlobStore(site, S3_NAMING, () -> {
            Properties overrides = new Properties();
            overrides.setProperty("jclouds.s3.virtual-host-buckets", "false");
            // Signature V4 (region us-east-1, MinIO's default), which MinIO and Ceph RGW speak; V2 is deprecated,
            // and moto misreads a V2 signature containing '/' as a credential scope (HTTP 500)
            overrides.setProperty("jclouds.s3.signer-version", "4");
            String millis = Long.toString(settings.timeout().toMillis());
            overrides.setProperty(Constants.PROPERTY_MAX_RETRIES, Integer.toString(settings.maxRetries()));
            overrides.setProperty(Constants.PROPERTY_RETRY_DELAY_START, "50");
            overrides.setProperty(Constants.PROPERTY_SO_TIMEOUT, millis);
            overrides.setProperty(Constants.PROPERTY_CONNECTION_TIMEOUT, millis);
            return ContextBuilder.newBuilder("s3").name(site.id()).endpoint(endpoint).credentials(identity, credential)
                    .overrides(overrides).buildView(BlobStoreContext.class);
        }, ConditionalWrites.unsupported(), S3_SINGLE_PUT_LIMIT);
    }

    /** Fails the upload when the stream is shorter or longer than declared, naming the blob. */
    private static final class LengthCheckedStream extends java.io.FilterInputStream {
        private final long expected;
        private final String id;
        private long read;

        LengthCheckedStream(InputStream in, long expected, String id) {
            super(in);
            this.expected = expected;
            this.id = id;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            count(n);
            return n;
        }

        private void count(int n) throws IOException {
            if (n < 0) {
                if (read != expected) {
                    throw new ShortStreamException(id, read, expected);
                }
                return;
            }
            read += n;
            if (read > expected) {
                throw new ShortStreamException(id, read, expected);
            }
        }
    }

    /** A stream of the wrong length: an invalid request, not an I/O failure of the store. */
    private static final class ShortStreamException extends IOException {
        private static final long serialVersionUID = 1L;

        ShortStreamException(String id, long read, long expected) {
            super("content of " + id + " has " + (read > expected ? "more than " : "") + read
                    + " bytes but was declared as " + expected);
        }
    }
}
