package dev.cloudhop.cli.tck;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DnsServiceContract;

/** The DNS contract against the site of {@link TckTarget}. */
public class SiteDnsServiceContract extends DnsServiceContract {

    @Override
    protected Cloud createCloud() {
        return TckTarget.get().cloud();
    }

    @Override
    protected boolean closeCloudAfterSuite() {
        return false;
    }
}
