package dev.cloudhop.provider.azure;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.jclouds.azure.storage.domain.AzureStorageError;
import org.jclouds.azure.storage.handlers.ParseAzureStorageErrorFromXmlContent;
import org.jclouds.azure.storage.util.AzureStorageUtils;
import org.jclouds.azure.storage.util.storageurl.StorageUrlSupplier;
import org.jclouds.blobstore.ContainerNotFoundException;
import org.jclouds.blobstore.KeyNotFoundException;
import org.jclouds.http.HttpCommand;
import org.jclouds.http.HttpResponse;
import org.jclouds.rest.AuthorizationException;
import org.jclouds.rest.ResourceNotFoundException;

/**
 * Turns Azure Blob error responses into jclouds exceptions, like jclouds' own handler but without its
 * {@code NullPointerException} on a 400 that has no body (every HEAD request, and proxies): there the
 * error code is read from the {@code x-ms-error-code} header, if any. A 404 on a container request is
 * {@link ContainerNotFoundException}, on a blob request {@link KeyNotFoundException}; a 401 is
 * {@link AuthorizationException}; everything else stays an HTTP response exception that Cloudhop's
 * {@code JcloudsErrors} maps by status and code.
 */
@Singleton
class AzureBlobErrorHandler extends ParseAzureStorageErrorFromXmlContent {

    /** The path of the storage URL: {@code /} on Azure, {@code /devstoreaccount1/} on path-style endpoints. */
    private final String basePath;

    @Inject
    AzureBlobErrorHandler(AzureStorageUtils utils, StorageUrlSupplier storageUrl) {
        super(utils);
        String path = storageUrl.get().getPath();
        this.basePath = path == null || path.isEmpty() ? "/" : path.endsWith("/") ? path : path + "/";
    }

    @Override
    protected Exception refineException(HttpCommand command, HttpResponse response, Exception exception,
                                        AzureStorageError error, String message) {
        String code = error != null && error.getCode() != null ? error.getCode()
                : response.getFirstHeaderOrNull("x-ms-error-code");
        String detail = code == null ? message : code + ": " + message;
        String method = command.getCurrentRequest().getMethod();
        switch (response.getStatusCode()) {
            case 400:
                if ("InvalidQueryParameterValue".equals(code)) {
                    return new IllegalArgumentException(detail, exception);
                }
                return exception;
            case 401:
                return new AuthorizationException(detail, exception);
            case 404:
                if (method.equals("DELETE")) {
                    return exception;
                }
                String path = command.getCurrentRequest().getEndpoint().getPath();
                String relative = path.startsWith(basePath) ? path.substring(basePath.length()) : path;
                List<String> parts = new ArrayList<>(List.of(relative.split("/")));
                parts.removeIf(String::isEmpty);
                String query = command.getCurrentRequest().getEndpoint().getQuery();
                boolean containerRequest = query != null && query.contains("restype=container");
                int containerIndex = 0;
                if (parts.isEmpty()) {
                    return new ResourceNotFoundException(detail, exception);
                }
                String container = parts.get(containerIndex);
                if (containerRequest || "ContainerNotFound".equals(code)) {
                    return new ContainerNotFoundException(container, detail);
                }
                return new KeyNotFoundException(container, String.join("/", parts.subList(containerIndex + 1, parts.size())),
                        detail);
            case 411:
                return new IllegalArgumentException(detail, exception);
            default:
                return exception;
        }
    }

}
