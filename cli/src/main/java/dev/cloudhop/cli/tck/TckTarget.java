package dev.cloudhop.cli.tck;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.naming.NamingRules;
import java.util.Optional;
import java.util.Set;

/**
 * The site the contract suites of {@code cloudhop tck} run against, set by the command before it launches them (one
 * run at a time per process). The suites share the site and never close it; the command does.
 *
 * @param cloud          the configured site
 * @param naming         its provider's naming rules
 * @param credentials    the secret values it was opened with, which no exception may contain
 * @param imageAndSize   compute: the image and size of nodes the suite may launch
 * @param largeBlobBytes blob: the size of the streamed large blob
 */
public record TckTarget(Cloud cloud, NamingRules naming, Set<String> credentials, Optional<String[]> imageAndSize,
                        long largeBlobBytes) {

    private static volatile TckTarget current;

    /** Sets the target of the next run. */
    public static void set(TckTarget target) {
        current = target;
    }

    /** Clears it after the run. */
    public static void clear() {
        current = null;
    }

    static TckTarget get() {
        TckTarget t = current;
        if (t == null) {
            throw new IllegalStateException("no site to test: the suites of dev.cloudhop.cli.tck run through `cloudhop tck`");
        }
        return t;
    }

    static NodeSpec nodeSpec(String group) {
        String[] is = get().imageAndSize().orElse(new String[] {"tck-image", "tck-size"});
        return NodeSpec.of(group, is[0], is[1]);
    }
}
