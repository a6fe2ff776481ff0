package dev.cloudhop.provider.azure;

import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.blob.BlobContent;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.api.blob.PutOptions;
import dev.cloudhop.jclouds.ConditionalWrites;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;

/**
 * Conditional uploads with Azure access conditions ({@code If-None-Match: *}, {@code If-Match: etag}),
 * through the Azure Storage SDK. The service evaluates the condition atomically with the write (for a
 * block upload, with the Put Block List that commits it), so concurrent writers in different processes
 * cannot both win: this is what lets the provider declare BLOB_CONDITIONAL_WRITE.
 */
final class AzureConditionalPut implements ConditionalWrites.Native {

    private final Function<ErrorContext, BlobServiceClient> service;
    private final long multipartThreshold;

    AzureConditionalPut(Function<ErrorContext, BlobServiceClient> service, long multipartThreshold) {
        this.service = service;
        this.multipartThreshold = multipartThreshold;
    }

    @Override
    public BlobInfo put(BlobId id, BlobContent content, PutOptions options, ErrorContext ctx) {
        BlobRequestConditions conditions = new BlobRequestConditions();
        String expected = options.ifMatch().map(AzureConditionalPut::unquote).orElse(null);
        if (options.ifNoneMatch()) {
            conditions.setIfNoneMatch("*");
        } else {
            conditions.setIfMatch("\"" + expected + "\"");
        }
        long length = content.length();
        try (InputStream in = content.open()) {
            BlobClient blob = service.apply(ctx).getBlobContainerClient(id.container()).getBlobClient(id.name());
            BlobParallelUploadOptions upload = new BlobParallelUploadOptions(BinaryData.fromStream(in, length))
                    .setRequestConditions(conditions)
                    .setHeaders(new BlobHttpHeaders().setContentType(options.contentType()))
                    .setMetadata(options.userMetadata().isEmpty() ? null : options.userMetadata())
                    .setParallelTransferOptions(new ParallelTransferOptions()
                            .setMaxSingleUploadSizeLong(multipartThreshold)
                            .setBlockSizeLong(8L << 20)
                            .setMaxConcurrency(2));
            Response<BlockBlobItem> response = blob.uploadWithResponse(upload, null, Context.NONE);
            BlockBlobItem item = response.getValue();
            byte[] md5 = item.getContentMd5();
            return new BlobInfo(id, length, unquote(item.getETag()),
                    md5 == null ? Optional.empty() : Optional.of(HexFormat.of().formatHex(md5)), options.contentType(),
                    item.getLastModified() == null ? Instant.now() : item.getLastModified().toInstant(),
                    options.userMetadata());
        } catch (BlobStorageException e) {
            int status = AzureErrors.status(e);
            String code = AzureErrors.code(e);
            if (status == 409 || status == 412 || (expected != null && "BlobNotFound".equals(code))) {
                throw new ConflictException(ctx, options.ifNoneMatch()
                        ? "blob exists (if-none-match); nothing was written (HTTP " + status + " " + code + ")"
                        : "blob's ETag is not " + expected + " or it does not exist (if-match); nothing was written (HTTP "
                        + status + " " + code + ")", e);
            }
            throw AzureErrors.translate(e, ctx);
        } catch (IOException e) {
            throw AzureErrors.translate(new UncheckedIOException(e), ctx);
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, ctx);
        }
    }

    static String unquote(String etag) {
        return etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag == null ? "" : etag;
    }
}
