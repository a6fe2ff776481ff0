package dev.cloudhop.provider.azure;

import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.UnauthorizedException;
import java.util.List;
import java.util.Properties;
import org.jclouds.Constants;
import org.jclouds.ContextBuilder;
import org.jclouds.azure.storage.config.AuthType;
import org.jclouds.azure.storage.config.AzureStorageProperties;
import org.jclouds.blobstore.BlobStoreContext;

/** Builds the jclouds {@code azureblob} context of a site, with Cloudhop's fixes installed. */
final class AzureBlobContexts {

    private AzureBlobContexts() {
    }

    static BlobStoreContext build(AzureSettings s, AzureClients clients) {
        String credential = s.accountKey().or(s::sas).orElseThrow(() -> new UnauthorizedException(
                ErrorContext.of(s.site(), "blob.connect"), "site " + s.site().id() + " has no storage credential: set "
                + AzureKeys.ACCOUNT_KEY + " or " + AzureKeys.SAS)).reveal();
        Properties overrides = new Properties();
        overrides.setProperty(AzureStorageProperties.AUTH_TYPE, AuthType.AZURE_SHARED_KEY.toString());
        overrides.setProperty(AzureStorageProperties.ACCOUNT, s.account());
        overrides.setProperty(Constants.PROPERTY_MAX_RETRIES, Integer.toString(s.retries()));
        overrides.setProperty(Constants.PROPERTY_RETRY_DELAY_START, "100");
        overrides.setProperty(Constants.PROPERTY_SO_TIMEOUT, Long.toString(s.timeout().toMillis()));
        overrides.setProperty(Constants.PROPERTY_CONNECTION_TIMEOUT, Long.toString(s.timeout().toMillis()));
        return ContextBuilder.newBuilder("azureblob")
                .name(s.site().id())
                .endpoint(s.blobEndpoint().toString())
                .credentials(s.account(), credential)
                .overrides(overrides)
                .modules(List.of(new AzureBlobApiModule(),
                        new RedactingLoggingModule(org.jclouds.logging.LoggingModules.firstOrJDKLoggingModule())))
                .buildView(BlobStoreContext.class);
    }
}
