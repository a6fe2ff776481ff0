package dev.cloudhop.provider.local;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DnsServiceContract;

/** The DnsService contract against the local provider. */
class LocalDnsServiceTest extends DnsServiceContract {

    @Override
    protected Cloud createCloud() {
        return LocalSites.openOne();
    }
}
