package dev.cloudhop.provider.aws;

import com.google.inject.Scopes;
import jakarta.inject.Inject;
import org.jclouds.aws.handlers.ParseAWSErrorFromXmlContent;
import org.jclouds.http.HttpCommand;
import org.jclouds.http.HttpErrorHandler;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.annotation.ClientError;
import org.jclouds.http.annotation.Redirection;
import org.jclouds.http.annotation.ServerError;
import org.jclouds.rest.ResourceNotFoundException;
import org.jclouds.rest.internal.GeneratedHttpRequest;
import org.jclouds.aws.ec2.config.AWSEC2HttpApiModule;
import org.jclouds.ec2.suppliers.DescribeAvailabilityZonesInRegion;
import org.jclouds.location.config.LocationModule;
import org.jclouds.location.suppliers.RegionIdToURISupplier;
import org.jclouds.location.suppliers.RegionIdToZoneIdsSupplier;
import org.jclouds.location.suppliers.RegionIdsSupplier;
import org.jclouds.location.suppliers.ZoneIdToURISupplier;
import org.jclouds.location.suppliers.ZoneIdsSupplier;
import org.jclouds.location.suppliers.fromconfig.RegionIdsFromConfiguration;
import org.jclouds.location.suppliers.derived.ZoneIdToURIFromJoinOnRegionIdToURI;
import org.jclouds.location.suppliers.derived.ZoneIdsFromRegionIdToZoneIdsValues;
import org.jclouds.location.suppliers.fromconfig.RegionIdToURIFromConfigurationOrDefaultToProvider;
import org.jclouds.rest.ConfiguresHttpApi;

/**
 * jclouds' {@code aws-ec2} HTTP module with one change for endpoint overrides: region endpoints come from
 * configuration ({@code jclouds.region.<region>.endpoint}) instead of a {@code DescribeRegions} call, whose
 * answer (from AWS and from the emulators alike) names {@code ec2.<region>.amazonaws.com}. Everything else
 * is jclouds' own binding; and one error is read differently: neither LocalStack nor moto implements
 * {@code DescribePlacementGroups}, which jclouds calls after every destroy to clean up the group's placement
 * group, so "not implemented" there means "no placement groups". Used only when a site has an endpoint
 * override.
 */
@ConfiguresHttpApi
final class Ec2EndpointOverride extends AWSEC2HttpApiModule {

    @Override
    protected void installLocations() {
        install(new LocationModule());
        bind(RegionIdToZoneIdsSupplier.class).to(DescribeAvailabilityZonesInRegion.class).in(Scopes.SINGLETON);
        bind(RegionIdToURISupplier.class).to(RegionIdToURIFromConfigurationOrDefaultToProvider.class)
                .in(Scopes.SINGLETON);
        bind(ZoneIdsSupplier.class).to(ZoneIdsFromRegionIdToZoneIdsValues.class).in(Scopes.SINGLETON);
        bind(RegionIdsSupplier.class).to(RegionIdsFromConfiguration.class).in(Scopes.SINGLETON);
        bind(ZoneIdToURISupplier.class).to(ZoneIdToURIFromJoinOnRegionIdToURI.class).in(Scopes.SINGLETON);
    }

    @Override
    protected void bindErrorHandlers() {
        bind(HttpErrorHandler.class).annotatedWith(Redirection.class).to(ParseAWSErrorFromXmlContent.class);
        bind(HttpErrorHandler.class).annotatedWith(ClientError.class).to(PlacementGroupsNotImplemented.class);
        bind(HttpErrorHandler.class).annotatedWith(ServerError.class).to(PlacementGroupsNotImplemented.class);
    }

    /** AWS's error parsing, except that an unimplemented DescribePlacementGroups reads as "none" (a 404). */
    static final class PlacementGroupsNotImplemented implements HttpErrorHandler {
        private final ParseAWSErrorFromXmlContent aws;

        @Inject
        PlacementGroupsNotImplemented(ParseAWSErrorFromXmlContent aws) {
            this.aws = aws;
        }

        @Override
        public void handleError(HttpCommand command, HttpResponse response) {
            int status = response.getStatusCode();
            if ((status == 500 || status == 501) && command.getCurrentRequest() instanceof GeneratedHttpRequest request
                    && request.getInvocation().getInvokable().getName().equals("describePlacementGroupsInRegion")) {
                command.setException(new ResourceNotFoundException(
                        "the endpoint does not implement DescribePlacementGroups (HTTP " + status + ")"));
                return;
            }
            aws.handleError(command, response);
        }
    }
}
