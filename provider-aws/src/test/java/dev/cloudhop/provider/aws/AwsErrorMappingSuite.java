package dev.cloudhop.provider.aws;

import static cloud.localstack.Constants.TEST_SECRET_KEY;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.tck.ErrorMappingContract;
import java.util.Set;

/** The error-mapping contract against one AWS target; one subclass per emulator. */
abstract class AwsErrorMappingSuite extends ErrorMappingContract {

    abstract AwsTarget target();

    @Override
    protected Cloud createCloud() {
        target().reset();
        return target().open();
    }

    @Override
    protected NodeSpec nodeSpec(String group) {
        return AwsTarget.nodeSpec(group);
    }

    /** The emulators' secret key is "test", a word too common to search for; a user's real one is checked. */
    @Override
    protected Set<String> credentials() {
        String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
        return AwsTarget.userEndpoint().isPresent() && secret != null && !secret.equals(TEST_SECRET_KEY)
                ? Set.of(secret) : Set.of();
    }
}
