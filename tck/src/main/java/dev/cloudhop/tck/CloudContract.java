package dev.cloudhop.tck;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The base of every contract suite: opens the site under test once per suite and closes it afterwards.
 *
 * <p>A provider runs a suite by extending it and implementing {@link #createCloud()}, typically in a few
 * lines. Tests create their own uniquely named containers, queues and zones, so suites may share a site.
 * The only legitimate skip is {@link #requireCapability(Capability)}: a capability the provider declares
 * it lacks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class CloudContract {

    private Cloud cloud;

    /** Opens the site under test; called once before the suite's tests. */
    protected abstract Cloud createCloud();

    /** Whether {@link #cloud()} should be closed after the suite (false when the provider test shares it). */
    protected boolean closeCloudAfterSuite() {
        return true;
    }

    @BeforeAll
    final void openCloud() {
        cloud = createCloud();
    }

    @AfterAll
    final void closeCloud() {
        if (cloud != null && closeCloudAfterSuite()) {
            cloud.close();
        }
    }

    /** The site under test. */
    protected final Cloud cloud() {
        return cloud;
    }

    /**
     * A name valid on every provider (lower-case letters, digits and '-', 3 to 63 characters), unique per
     * call: {@code prefix-<12 hex digits>}.
     */
    protected static String uniqueName(String prefix) {
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        return prefix + "-" + HexFormat.of().formatHex(random);
    }

    /** Skips the calling test unless the provider declares {@code capability}. */
    protected final void requireCapability(Capability capability) {
        assumeTrue(cloud.supports(capability),
                () -> "provider " + cloud.site().provider() + " does not declare capability " + capability);
    }
}
