package dev.cloudhop.provider.aws;

import static cloud.localstack.Constants.TEST_SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.tck.ErrorMappingContract;
import java.util.Set;
import org.junit.jupiter.api.Test;

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

    /**
     * The secret the site was opened with ({@link AwsTarget#secretKey()}): a unique random one on the
     * emulators, the user's own on their endpoint. Only a literal {@code test} (a word too common to search
     * for) is left out.
     */
    @Override
    protected Set<String> credentials() {
        String secret = AwsTarget.secretKey();
        return secret.isBlank() || secret.equals(TEST_SECRET_KEY) ? Set.of() : Set.of(secret);
    }

    @Test
    void theLeakCheckSearchesForTheSecretTheSiteWasOpenedWith() {
        if (AwsTarget.userEndpoint().isEmpty()) {
            assertThat(credentials()).containsExactly(AwsTarget.EMULATOR_SECRET_KEY);
            assertThat(AwsTarget.EMULATOR_SECRET_KEY).startsWith("test-secret-").hasSizeGreaterThan(30);
        } else {
            assertThat(credentials()).isSubsetOf(AwsTarget.secretKey());
        }
    }
}
