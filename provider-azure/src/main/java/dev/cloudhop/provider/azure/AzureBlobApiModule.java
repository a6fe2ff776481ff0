package dev.cloudhop.provider.azure;

import org.jclouds.azure.storage.filters.SharedKeyLiteAuthentication;
import org.jclouds.azureblob.config.AzureBlobHttpApiModule;
import org.jclouds.azureblob.xml.ContainerNameEnumerationResultsHandler;
import org.jclouds.http.HttpErrorHandler;
import org.jclouds.http.annotation.ClientError;
import org.jclouds.http.annotation.Redirection;
import org.jclouds.http.annotation.ServerError;
import org.jclouds.rest.ConfiguresHttpApi;

/**
 * jclouds {@code azureblob} 2.7.0's HTTP API module with Cloudhop's fixes. Passed to
 * {@code ContextBuilder.modules(...)}; being annotated {@link ConfiguresHttpApi}, it replaces the default
 * {@link AzureBlobHttpApiModule} (jclouds' documented way to customise an API's bindings). It binds:
 * <ul>
 *   <li>{@link SharedKeySigner} in place of {@link SharedKeyLiteAuthentication} (request signing, SAS);</li>
 *   <li>{@link PathStyleListingHandler} in place of {@link ContainerNameEnumerationResultsHandler} (container
 *       name of listed blobs on path-style endpoints);</li>
 *   <li>{@link AzureBlobErrorHandler} as error handler (jclouds' fails on a 400 without a body).</li>
 * </ul>
 * jclouds refers to the first two by class (request-filter and response-parser annotations) and resolves
 * them just in time, so binding them here replaces them for every request.
 */
@ConfiguresHttpApi
final class AzureBlobApiModule extends AzureBlobHttpApiModule {

    @Override
    protected void configure() {
        super.configure();
        bind(SharedKeyLiteAuthentication.class).to(SharedKeySigner.class);
        bind(ContainerNameEnumerationResultsHandler.class).to(PathStyleListingHandler.class);
    }

    @Override
    protected void bindErrorHandlers() {
        bind(HttpErrorHandler.class).annotatedWith(Redirection.class).to(AzureBlobErrorHandler.class);
        bind(HttpErrorHandler.class).annotatedWith(ClientError.class).to(AzureBlobErrorHandler.class);
        bind(HttpErrorHandler.class).annotatedWith(ServerError.class).to(AzureBlobErrorHandler.class);
    }
}
