package dev.cloudhop.cli.tck;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.DeadLetterQueueContract;

/** The dead-letter queue contract against the site of {@link TckTarget}. */
public class SiteDeadLetterQueueContract extends DeadLetterQueueContract {

    @Override
    protected Cloud createCloud() {
        return TckTarget.get().cloud();
    }

    @Override
    protected boolean closeCloudAfterSuite() {
        return false;
    }
}
