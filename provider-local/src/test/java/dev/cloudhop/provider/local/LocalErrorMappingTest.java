package dev.cloudhop.provider.local;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.tck.ErrorMappingContract;

/** The error-mapping contract against the local provider. */
class LocalErrorMappingTest extends ErrorMappingContract {

    @Override
    protected Cloud createCloud() {
        return LocalSites.openOne();
    }
}
