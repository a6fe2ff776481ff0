package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.tck.ErrorMappingContract;
import java.util.Set;

/**
 * The error-mapping contract on an Azure site whose storage signs in with an account SAS (blobs and queues on
 * Azurite; DNS and compute against RECORDED Resource Manager responses): in SAS mode the token travels in every request URL, so no exception may
 * carry the token or its signature ({@code sig=...}), anywhere in its cause chain.
 */
class AzureSasErrorMappingTest extends ErrorMappingContract {

    private final String sas = AzureSites.azuriteSas();

    @Override
    protected Cloud createCloud() {
        RecordedArmServer arm = AzureArmSites.server();
        return AzureSites.open("sites { tck { provider = azure, region = westeurope, " + AzureSites.azuriteSasStorage(sas)
                + ", " + AzureArmSites.armConfig(arm, arm.clientSecret()) + " } }").site("tck");
    }

    @Override
    protected NodeSpec nodeSpec(String group) {
        return NodeSpec.of(group, AzureComputeServiceTest.IMAGE, AzureComputeServiceTest.SIZE);
    }

    @Override
    protected Set<String> credentials() {
        return Set.of(sas, signature(sas), AzureArmSites.server().clientSecret());
    }

    /** The value of the token's {@code sig} parameter, as it appears in a URL (percent-encoded). */
    static String signature(String sas) {
        for (String pair : sas.split("&")) {
            if (pair.startsWith("sig=")) {
                return pair.substring(4);
            }
        }
        throw new IllegalArgumentException("not a SAS: no sig parameter");
    }
}
