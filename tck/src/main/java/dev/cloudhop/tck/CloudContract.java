package dev.cloudhop.tck;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.Cloud;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
    private final Deque<Runnable> cleanups = new ArrayDeque<>();

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

    /**
     * Registers a best-effort clean-up (deleting a queue, destroying a node) to run after the current
     * test, in reverse order of registration; its failures never fail the test.
     */
    protected final void afterTest(Runnable cleanup) {
        cleanups.push(cleanup);
    }

    @AfterEach
    final void runCleanups() {
        while (!cleanups.isEmpty()) {
            try {
                cleanups.pop().run();
            } catch (RuntimeException ignored) {
                // best effort: the test's own assertions matter more than clean-up failures
            }
        }
    }

    /** The site under test; public so that contract groups declared as interfaces reach it. */
    public final Cloud cloud() {
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
    public final void requireCapability(Capability capability) {
        assumeTrue(cloud.supports(capability),
                () -> "provider " + cloud.site().provider() + " does not declare capability " + capability);
    }
}
