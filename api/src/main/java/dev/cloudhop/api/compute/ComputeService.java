package dev.cloudhop.api.compute;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Compute of one site: nodes launched in groups from an image and a size.
 *
 * <p>Implementations are thread-safe. Launching and destroying need
 * {@link dev.cloudhop.api.Capability#COMPUTE_LAUNCH}; running scripts needs
 * {@link dev.cloudhop.api.Capability#COMPUTE_RUN_SCRIPT}; otherwise
 * {@link dev.cloudhop.api.UnsupportedCapabilityException}.
 */
public interface ComputeService {

    /** All nodes of the site that are not terminated. */
    List<Node> listNodes();

    /** The non-terminated nodes of one group. */
    List<Node> listNodes(String group);

    /** The node of this id, if it exists and is not terminated. */
    Optional<Node> node(String id);

    /**
     * Launches {@code count} nodes and waits until the provider reports them created.
     *
     * @param count 1 or more
     * @return the launched nodes: exactly {@code count}; a provider that starts fewer (EC2 when capacity is
     *         short) is asked again for the rest
     * @throws dev.cloudhop.api.InvalidRequestException if the group, image or size is not acceptable
     * @throws dev.cloudhop.api.UnavailableException if the nodes could not all be started; the ones that were
     *         are destroyed
     */
    List<Node> launch(NodeSpec spec, int count);

    /**
     * Destroys a node. Idempotent.
     *
     * @return true if it existed
     */
    boolean destroy(String id);

    /**
     * Runs a shell script on a node and waits for it.
     *
     * @throws dev.cloudhop.api.NotFoundException    if there is no such node
     * @throws dev.cloudhop.api.UnavailableException if the script does not finish within {@code timeout}
     */
    ScriptResult runScript(String id, String script, Duration timeout);
}
