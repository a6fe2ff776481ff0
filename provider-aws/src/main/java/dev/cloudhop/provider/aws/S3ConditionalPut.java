package dev.cloudhop.provider.aws;

import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.jclouds.ConditionalWrites;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * S3's own atomic conditional write: {@code PutObject} with {@code If-None-Match: *} (create only) or
 * {@code If-Match: <etag>} (replace only that version), sent with the AWS SDK because jclouds' portable API
 * cannot. One request, so up to 5 GiB. A failed condition (412, 409 ConditionalRequestConflict, or 404
 * NoSuchKey for If-Match on a missing key) is a {@link ConflictException}; nothing is written.
 */
final class S3ConditionalPut implements ConditionalWrites.Native {

    private static final Logger LOG = LoggerFactory.getLogger(S3ConditionalPut.class);

    private final Supplier<S3Client> s3;

    S3ConditionalPut(Supplier<S3Client> s3) {
        this.s3 = s3;
    }

    @Override
    public BlobInfo put(BlobId id, BlobContent content, PutOptions options, ErrorContext ctx) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(id.container())
                .key(id.name())
                .contentType(options.contentType())
                .contentLength(content.length())
                .metadata(options.userMetadata());
        if (options.ifNoneMatch()) {
            request.ifNoneMatch("*");
        }
        options.ifMatch().ifPresent(etag -> request.ifMatch(quoted(etag)));
        InputStream stream = content.repeatable() ? null : content.open();
        RequestBody body = stream == null
                ? RequestBody.fromContentProvider(content::open, content.length(), options.contentType())
                : RequestBody.fromInputStream(stream, content.length());
        PutObjectResponse response;
        try {
            response = s3.get().putObject(request.build(), body);
        } catch (AwsServiceException e) {
            String code = AwsErrors.code(e);
            if (code.equals("nosuchbucket")) {
                throw new NotFoundException(ctx, "container '" + id.container() + "' does not exist", e);
            }
            if (e.statusCode() == 412 || code.equals("preconditionfailed") || code.equals("conditionalrequestconflict")) {
                throw new ConflictException(ctx, options.ifNoneMatch()
                        ? "blob exists (if-none-match)"
                        : "ETag is not " + options.ifMatch().orElse("") + " (if-match)", e);
            }
            if (e.statusCode() == 404 && options.ifMatch().isPresent()) {
                throw new ConflictException(ctx, "blob does not exist (if-match " + options.ifMatch().get() + ")", e);
            }
            throw AwsErrors.translate(e, ctx);
        } finally {
            if (stream != null) {
                try {
                    stream.close(); // BlobContent.of(InputStream, long) promises the upload closes it
                } catch (IOException e) {
                    // closing after the upload: nothing left to lose
                    LOG.debug("site {} {} {}: closing the uploaded stream failed: {}", ctx.site().id(), ctx.operation(),
                            ctx.target(), e.toString());
                }
            }
        }
        return info(id, unquote(response.eTag()), options, ctx);
    }

    private BlobInfo info(BlobId id, String etag, PutOptions options, ErrorContext ctx) {
        try {
            HeadObjectResponse head = s3.get().headObject(b -> b.bucket(id.container()).key(id.name()));
            String headEtag = unquote(head.eTag());
            return new BlobInfo(id, head.contentLength() == null ? 0 : head.contentLength(),
                    headEtag.isEmpty() ? etag : headEtag, md5Of(headEtag),
                    head.contentType() == null ? PutOptions.OCTET_STREAM : head.contentType(),
                    head.lastModified() == null ? java.time.Instant.now() : head.lastModified(),
                    head.metadata() == null ? options.userMetadata() : head.metadata());
        } catch (RuntimeException e) {
            throw AwsErrors.translate(e, ctx);
        }
    }

    /** A single-part S3 ETag is the hex MD5 of the content; a multipart one has a "-N" suffix. */
    private static Optional<String> md5Of(String etag) {
        return etag.matches("[0-9a-f]{32}") ? Optional.of(etag) : Optional.empty();
    }

    private static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }
}
