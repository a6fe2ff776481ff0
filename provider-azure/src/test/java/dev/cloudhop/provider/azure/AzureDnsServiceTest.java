package dev.cloudhop.provider.azure;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DnsServiceContract;

/** RECORDED RESPONSES: the DnsService contract against {@link RecordedArmServer}, not against Azure. */
class AzureDnsServiceTest extends DnsServiceContract {

    @Override
    protected Cloud createCloud() {
        return AzureArmSites.full();
    }
}
