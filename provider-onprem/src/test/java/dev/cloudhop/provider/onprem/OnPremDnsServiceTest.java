package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DnsServiceContract;

/** The DnsService contract against BIND 9: RFC 2136 updates with TSIG, AXFR listing, zones through rndc. */
class OnPremDnsServiceTest extends DnsServiceContract {

    @Override
    protected Cloud createCloud() {
        return OnPremTestEnvironment.openFullSite("dns");
    }
}
