package dev.cloudhop.provider.onprem;

import com.google.common.base.Supplier;
import com.google.common.hash.HashCode;
import com.google.common.io.BaseEncoding;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobAccess;
import org.jclouds.blobstore.domain.BlobBuilder;
import org.jclouds.domain.Location;
import org.jclouds.filesystem.predicates.validators.FilesystemBlobKeyValidator;
import org.jclouds.filesystem.predicates.validators.FilesystemContainerNameValidator;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jclouds.filesystem.strategy.internal.FilesystemStorageStrategyImpl;
import org.jclouds.io.ContentMetadata;
import org.jclouds.io.MutableContentMetadata;
import org.jclouds.io.payloads.BasePayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jclouds' filesystem storage with three changes that make it safe for more than one writer and for crashes.
 *
 * <ul>
 *   <li><b>Atomic, durable puts.</b> Content is streamed into a staging file outside every container
 *       ({@code <base>/.cloudhop~staging}, a name no container can have), its metadata written as extended
 *       attributes, the file flushed ({@code fsync}), then renamed over the blob in one step and the
 *       directory flushed. A writer killed at any point leaves the old blob or the new one, never a torn
 *       one, and nothing visible in listings (jclouds' own put stages next to the blob, where a crash leaves
 *       a stray {@code name-<uuid>} blob behind, and does not fsync).</li>
 *   <li><b>Cross-process commit locks.</b> Each rename happens under a per-name lock that is both a JVM
 *       lock and a POSIX byte-range lock on {@code <base>/.cloudhop~locks/blobs.lock}, so that conditional
 *       writes ({@code ifMatch}/{@code ifNoneMatch}) are atomic between every process sharing the directory
 *       (on NFS, with working {@code fcntl} locks: NFSv4 or v3 with lockd).</li>
 *   <li><b>Consistent reads.</b> A read's properties (size, ETag, metadata) and content come from the same
 *       version: the content stream is pinned to the file version the properties were read from, and if the
 *       blob was replaced in between, opening it fails with {@link ConflictException}.</li>
 * </ul>
 *
 * <p>Thread-safe. Staging files older than a day (left by killed writers) are removed when the store opens.
 */
final class AtomicFilesystemStorageStrategy extends FilesystemStorageStrategyImpl {

    /** Directory and file names below the base directory that are never containers (invalid container names). */
    static final String STAGING = ".cloudhop~staging";
    static final String LOCKS = ".cloudhop~locks";
    static final String RESERVED_PREFIX = ".cloudhop~";

    private static final String XATTR_CACHE_CONTROL = "user.cache-control";
    private static final String XATTR_CONTENT_DISPOSITION = "user.content-disposition";
    private static final String XATTR_CONTENT_ENCODING = "user.content-encoding";
    private static final String XATTR_CONTENT_LANGUAGE = "user.content-language";
    private static final String XATTR_CONTENT_MD5 = "user.content-md5";
    private static final String XATTR_CONTENT_TYPE = "user.content-type";
    private static final String XATTR_EXPIRES = "user.expires";
    private static final String XATTR_STORAGE_TIER = "user.storage-tier";
    private static final String XATTR_USER_METADATA_PREFIX = "user.user-metadata.";
    private static final Pattern MPU_ETAG = Pattern.compile("\"[a-f0-9]{32}-\\d+\"");
    private static final Duration STALE_STAGING = Duration.ofDays(1);
    private static final int RENAME_ATTEMPTS = 10;
    /** Reads retried when the blob is replaced while its attributes are read; only a storm of writers exhausts it. */
    private static final int READ_ATTEMPTS = 100;

    /** What a conditional put requires of the current blob. */
    sealed interface Condition permits None, IfNoneMatch, IfMatch {
    }

    /** No condition. */
    record None() implements Condition {
    }

    /** The blob must not exist. */
    record IfNoneMatch() implements Condition {
    }

    /** The blob must exist with this ETag. */
    record IfMatch(String etag) implements Condition {
    }

    /** Settings the jclouds injector does not know about. */
    record Options(boolean fsync, dev.cloudhop.api.SiteInfo site) {
    }

    private final Path base;
    private final Path staging;
    private final BlobLocks locks;
    private final boolean fsync;
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFilesystemStorageStrategy.class);

    private final dev.cloudhop.api.SiteInfo site;

    @Inject
    AtomicFilesystemStorageStrategy(Provider<BlobBuilder> blobBuilders,
                                    @Named(FilesystemConstants.PROPERTY_BASEDIR) String baseDir,
                                    @Named(FilesystemConstants.PROPERTY_AUTO_DETECT_CONTENT_TYPE) boolean autoDetectContentType,
                                    FilesystemContainerNameValidator containerNameValidator,
                                    FilesystemBlobKeyValidator blobKeyValidator,
                                    Supplier<Location> defaultLocation,
                                    Options options) throws IOException {
        super(blobBuilders, baseDir, autoDetectContentType, containerNameValidator, blobKeyValidator, defaultLocation);
        this.base = Path.of(baseDir).toAbsolutePath().normalize();
        this.staging = base.resolve(STAGING);
        this.fsync = options.fsync();
        this.site = options.site();
        Files.createDirectories(staging);
        Files.createDirectories(base.resolve(LOCKS));
        probeExtendedAttributes();
        removeStaleStagingFiles();
        this.locks = BlobLocks.forFile(base.resolve(LOCKS).resolve("blobs.lock"));
    }

    private void probeExtendedAttributes() throws IOException {
        Path probe = staging.resolve("xattr-probe-" + UUID.randomUUID());
        try {
            Files.createFile(probe);
            UserDefinedFileAttributeView view = Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class);
            if (view == null) {
                throw new IOException("no user-defined attributes");
            }
            view.write(XATTR_CONTENT_TYPE, StandardCharsets.UTF_8.encode("text/plain"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("blob.directory " + base + " does not support user extended attributes, "
                    + "which hold each blob's content type, metadata and ETag; use ext4, XFS, Btrfs or NFS 4.2 with "
                    + "xattr support (" + e.getMessage() + ")", e);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private void removeStaleStagingFiles() throws IOException {
        Instant cutoff = Instant.now().minus(STALE_STAGING);
        try (Stream<Path> files = Files.list(staging)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException e) {
                    // another process removed it first
                    LOG.debug("site {} blob.staging {}: removing a stale staging file failed: {}", site.id(), f, e.toString());
                }
            }
        }
    }

    @Override
    public Collection<String> getAllContainerNames() {
        return super.getAllContainerNames().stream().filter(n -> !n.startsWith(RESERVED_PREFIX)).toList();
    }

    /**
     * Directories are listed by jclouds as {@code name/} entries. In a recursive listing they are not blobs
     * (no blob name ends in '/' here) and are left out; with a delimiter they become common prefixes.
     */
    @Override
    public Iterable<String> getBlobKeysInsideContainer(String container, String prefix, String delimiter)
            throws IOException {
        Iterable<String> keys = super.getBlobKeysInsideContainer(container, prefix, delimiter);
        if (delimiter != null) {
            return keys;
        }
        List<String> blobs = new ArrayList<>();
        for (String key : keys) {
            if (!key.endsWith("/")) {
                blobs.add(key);
            }
        }
        return blobs;
    }

    @Override
    public boolean containerExists(String container) {
        return !container.startsWith(RESERVED_PREFIX) && super.containerExists(container);
    }

    /** The longest file name (one path segment) in bytes that Linux file systems hold. */
    static final int MAX_SEGMENT_BYTES = 255;

    /**
     * The file of a blob, refusing anything that would resolve outside its container: a name that leaves it
     * lexically, a segment longer than a file name can be, and a symbolic link anywhere from the container
     * directory down to the file (a link inside the base directory may point anywhere, so none is followed, for
     * reads, writes or deletes). The link check guards against links placed in the directory, not against a
     * process swapping a directory for a link at the same moment.
     *
     * @throws IllegalArgumentException naming the blob (the bridge reports it as an invalid request)
     */
    Path blobPath(String container, String key) {
        String id = container + "/" + key;
        Path containerDir = base.resolve(container).normalize();
        Path file = containerDir.resolve(key).normalize();
        if (!base.equals(containerDir.getParent()) || container.startsWith(RESERVED_PREFIX) || !file.startsWith(containerDir)
                || file.equals(containerDir)) {
            throw new IllegalArgumentException("blob '" + id + "' resolves outside its container");
        }
        for (String segment : key.split("/")) {
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_SEGMENT_BYTES) {
                throw new IllegalArgumentException("blob '" + id + "' has a name segment of " + bytes
                        + " bytes; a file name holds at most " + MAX_SEGMENT_BYTES);
            }
        }
        for (Path p = file; !p.equals(base); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new IllegalArgumentException("blob '" + id + "' resolves through the symbolic link '"
                        + base.relativize(p) + "' in blob.directory, which is never followed");
            }
        }
        return file;
    }

    // ------------------------------------------------------------------------------------------------
    // writes

    @Override
    public String putBlob(String containerName, Blob blob) throws IOException {
        return putBlob(containerName, blob, BlobAccess.PRIVATE);
    }

    @Override
    public String putBlob(String containerName, Blob blob, BlobAccess access) throws IOException {
        String key = blob.getMetadata().getName();
        if (key.endsWith("/")) {
            // a "directory blob": no content to tear; jclouds creates the directory
            return super.putBlob(containerName, blob, access);
        }
        return put(containerName, blob, access, new None(), null);
    }

    /**
     * Stages {@code blob}, then commits it under the name's lock if {@code condition} holds.
     *
     * @param ctx for the {@link ConflictException} of a failed condition; null when unconditional
     * @return the new ETag (lower-case hex MD5, or the multipart ETag)
     */
    String put(String container, Blob blob, BlobAccess access, Condition condition, ErrorContext ctx) throws IOException {
        return commitPut(container, blob, access, condition, ctx).etag();
    }

    /** What a committed put wrote: its ETag, size and modification time. */
    record Written(String etag, long size, Instant lastModified) {
    }

    /** Like {@link #put}, returning what was written, so that callers need not read it back (a racing writer may
     * have replaced it already). */
    @SuppressWarnings("try") // the lock is held for the block, never referenced
    Written commitPut(String container, Blob blob, BlobAccess access, Condition condition, ErrorContext ctx)
            throws IOException {
        String key = blob.getMetadata().getName();
        filesystemContainerNameValidator.validate(container);
        filesystemBlobKeyValidator.validate(key);
        Path target = blobPath(container, key);
        Path part = staging.resolve(UUID.randomUUID() + ".part");
        try {
            byte[] etag = stage(blob, part, access);
            long size = Files.size(part);
            Instant modified = Files.getLastModifiedTime(part).toInstant();
            try (BlobLocks.Held held = locks.lock(container + "/" + key)) {
                check(condition, container, key, target, ctx);
                commit(part, target, container, key, ctx);
            }
            return new Written(etagText(etag), size, modified);
        } finally {
            Files.deleteIfExists(part);
            blob.getPayload().release();
        }
    }

    /** Writes content and metadata into the staging file and flushes it; returns the ETag bytes. */
    private byte[] stage(Blob blob, Path part, BlobAccess access) throws IOException {
        String mpuEtag = blob.getMetadata().getETag();
        boolean multipart = mpuEtag != null && MPU_ETAG.matcher(mpuEtag).matches();
        MessageDigest md5 = md5();
        long written = 0;
        try (InputStream in = blob.getPayload().openStream();
             FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[128 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (!multipart) {
                    md5.update(buffer, 0, n);
                }
                ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                written += n;
            }
            Long expected = blob.getMetadata().getContentMetadata().getContentLength();
            if (expected != null && expected != written) {
                throw new IOException("Content-Length mismatch, actual: " + written + " expected: " + expected);
            }
            byte[] etag;
            if (multipart) {
                etag = mpuEtag.getBytes(StandardCharsets.US_ASCII);
            } else {
                byte[] actual = md5.digest();
                HashCode declared = blob.getPayload().getContentMetadata().getContentMD5AsHashCode();
                if (declared != null && !MessageDigest.isEqual(declared.asBytes(), actual)) {
                    throw new IOException("MD5 hash code mismatch, actual: " + HashCode.fromBytes(actual)
                            + " expected: " + declared);
                }
                blob.getPayload().getContentMetadata().setContentMD5(HashCode.fromBytes(actual));
                etag = actual;
            }
            writeAttributes(part, blob, etag);
            if (access == BlobAccess.PRIVATE || access == BlobAccess.PUBLIC_READ) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(part);
                if (access == BlobAccess.PRIVATE) {
                    permissions.remove(PosixFilePermission.OTHERS_READ);
                } else {
                    permissions.add(PosixFilePermission.OTHERS_READ);
                }
                Files.setPosixFilePermissions(part, permissions);
            }
            if (fsync) {
                out.force(true); // data and inode, extended attributes included
            }
            return etag;
        }
    }

    private static void writeAttributes(Path file, Blob blob, byte[] etag) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        ContentMetadata m = blob.getMetadata().getContentMetadata();
        view.write(XATTR_CONTENT_MD5, ByteBuffer.wrap(etag));
        writeString(view, XATTR_CACHE_CONTROL, m.getCacheControl());
        writeString(view, XATTR_CONTENT_DISPOSITION, m.getContentDisposition());
        writeString(view, XATTR_CONTENT_ENCODING, m.getContentEncoding());
        writeString(view, XATTR_CONTENT_LANGUAGE, m.getContentLanguage());
        writeString(view, XATTR_CONTENT_TYPE, m.getContentType());
        Date expires = m.getExpires();
        if (expires != null) {
            ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES).putLong(expires.getTime());
            buffer.flip();
            view.write(XATTR_EXPIRES, buffer);
        }
        if (blob.getMetadata().getTier() != null) {
            writeString(view, XATTR_STORAGE_TIER, blob.getMetadata().getTier().toString());
        }
        for (Map.Entry<String, String> e : blob.getMetadata().getUserMetadata().entrySet()) {
            writeString(view, XATTR_USER_METADATA_PREFIX + e.getKey(), e.getValue());
        }
    }

    private static void writeString(UserDefinedFileAttributeView view, String name, String value) throws IOException {
        if (value != null) {
            view.write(name, StandardCharsets.UTF_8.encode(value));
        }
    }

    private void check(Condition condition, String container, String key, Path target, ErrorContext ctx)
            throws IOException {
        if (condition instanceof None) {
            return;
        }
        Optional<String> current = currentEtag(target);
        if (condition instanceof IfNoneMatch && current.isPresent()) {
            throw new ConflictException(ctx, "blob exists (if-none-match), ETag " + current.get());
        }
        if (condition instanceof IfMatch ifMatch) {
            if (current.isEmpty()) {
                throw new ConflictException(ctx, "blob does not exist (if-match " + ifMatch.etag() + ")");
            }
            if (!current.get().equals(ifMatch.etag())) {
                throw new ConflictException(ctx, "ETag is " + current.get() + ", not " + ifMatch.etag() + " (if-match)");
            }
        }
    }

    private static Optional<String> currentEtag(Path target) throws IOException {
        if (!Files.isRegularFile(target)) {
            return Optional.empty();
        }
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(target, UserDefinedFileAttributeView.class);
            ByteBuffer buf = ByteBuffer.allocate(view.size(XATTR_CONTENT_MD5));
            view.read(XATTR_CONTENT_MD5, buf);
            return Optional.of(etagText(buf.array()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            // no ETag attribute (a file put there by other means): hash it as jclouds would
            MessageDigest digest = md5();
            try (InputStream in = Files.newInputStream(target)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
            }
            return Optional.of(BaseEncoding.base16().lowerCase().encode(digest.digest()));
        }
    }

    /** MD5 is what jclouds (and S3) use as the ETag of a single-part blob; not a security measure here. */
    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    private static String etagText(byte[] etag) {
        if (etag.length == 16) {
            return BaseEncoding.base16().lowerCase().encode(etag);
        }
        String text = new String(etag, StandardCharsets.US_ASCII);
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
    }

    /** Renames the staged file over the blob; parents are created (and re-created if a delete races us). */
    private void commit(Path part, Path target, String container, String key, ErrorContext ctx) throws IOException {
        Path containerDir = base.resolve(container);
        for (int attempt = 1; ; attempt++) {
            List<Path> created = createParents(containerDir, target.getParent(), container, key, ctx);
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                if (fsync) {
                    syncDirectory(target.getParent());
                    for (Path dir : created) {
                        syncDirectory(dir.getParent());
                    }
                }
                return;
            } catch (NoSuchFileException e) {
                if (!Files.exists(part)) {
                    throw e;
                }
                if (!Files.isDirectory(containerDir)) {
                    throw new org.jclouds.blobstore.ContainerNotFoundException(container, "while committing " + key);
                }
                if (attempt >= RENAME_ATTEMPTS) {
                    throw e; // a parent keeps disappearing under us (concurrent deletes of its last blob)
                }
            } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
                throw conflict(ctx, container, key, "a directory exists where the blob would go (other blobs are named '"
                        + key + "/...')", e);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("blob.directory " + base + " is not one file system: container " + container
                        + " cannot be written atomically from " + staging, e);
            } catch (FileSystemException e) {
                if (Files.isDirectory(target)) {
                    throw conflict(ctx, container, key, "a directory exists where the blob would go (other blobs are "
                            + "named '" + key + "/...')", e);
                }
                throw e;
            }
        }
    }

    private List<Path> createParents(Path containerDir, Path parent, String container, String key, ErrorContext ctx)
            throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = parent; !p.equals(containerDir) && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        if (!Files.isDirectory(containerDir)) {
            throw new org.jclouds.blobstore.ContainerNotFoundException(container, "while writing " + key);
        }
        List<Path> created = new ArrayList<>();
        for (Path dir : missing) {
            try {
                Files.createDirectory(dir);
                created.add(dir);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir)) {
                    throw conflict(ctx, container, key, "blob '" + containerDir.relativize(dir)
                            + "' exists where the blob needs a directory", e);
                }
            }
        }
        return created;
    }

    private RuntimeException conflict(ErrorContext ctx, String container, String key, String message, Exception cause) {
        ErrorContext c = ctx != null ? ctx : ErrorContext.of(site, "blob.put", container + "/" + key);
        return new ConflictException(c, message, cause);
    }

    private void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            // some file systems refuse to fsync a directory; the rename itself is still atomic
            LOG.debug("site {} blob.put {}: the file system refused to fsync the directory: {}", site.id(), dir, e.toString());
        }
    }

    @Override
    @SuppressWarnings("try") // the lock is held for the block, never referenced
    public void removeBlob(String container, String key) {
        if (!key.endsWith("/")) {
            blobPath(container, key); // never through a link: jclouds also deletes emptied parent directories
        }
        try (BlobLocks.Held held = locks.lock(container + "/" + key)) {
            super.removeBlob(container, key);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // reads

    @Override
    public Blob getBlob(String container, String key) {
        if (key.endsWith("/")) {
            return super.getBlob(container, key);
        }
        Path file = blobPath(container, key);
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                Thread.onSpinWait();
            }
            Object before = fileKey(file);
            if (before == null) {
                return null;
            }
            Blob blob = super.getBlob(container, key);
            Object after = fileKey(file);
            if (blob == null || after == null) {
                return null;
            }
            if (before.equals(after)) {
                MutableContentMetadata metadata = blob.getPayload().getContentMetadata();
                PinnedFilePayload payload = new PinnedFilePayload(file, after, site, container + "/" + key);
                payload.setContentMetadata(metadata);
                blob.setPayload(payload);
                return blob;
            }
            // replaced while its attributes were read: read the new version's
        }
        throw new ConflictException(ErrorContext.of(site, "blob.get", container + "/" + key),
                "blob keeps being replaced while it is read; try again");
    }

    private static Object fileKey(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile() ? new Version(attributes.fileKey(), attributes.lastModifiedTime(),
                    attributes.size()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** One version of a file: its inode (where the platform has one), modification time and size. */
    private record Version(Object inode, FileTime modified, long size) {
    }

    /**
     * The content of one version of a blob file: opening fails with {@link ConflictException} once the blob
     * has been replaced, rather than returning content that does not match the properties read with it.
     */
    private static final class PinnedFilePayload extends BasePayload<Path> {
        private final Object version;
        private final dev.cloudhop.api.SiteInfo site;
        private final String id;

        PinnedFilePayload(Path file, Object version, dev.cloudhop.api.SiteInfo site, String id) {
            super(file);
            this.version = version;
            this.site = site;
            this.id = id;
        }

        @Override
        public InputStream openStream() throws IOException {
            InputStream in;
            try {
                in = Files.newInputStream(content);
            } catch (NoSuchFileException e) {
                throw new ConflictException(ErrorContext.of(site, "blob.get", id),
                        "blob was deleted between reading its properties and opening its content", e);
            }
            if (!version.equals(fileKey(content))) {
                in.close();
                throw new ConflictException(ErrorContext.of(site, "blob.get", id),
                        "blob was replaced between reading its properties and opening its content; read it again");
            }
            return in;
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }
    }

}
