package dev.cloudhop.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.UnsupportedCapabilityException;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.compute.NodeStatus;
import dev.cloudhop.api.compute.ScriptResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ComputeService}: launching nodes in a group, listing and finding them, destroying
 * them idempotently, argument validation, and the user-data and run-script capabilities.
 *
 * <p>A provider runs it by extending this class, implementing {@link #createCloud()} and
 * {@link #nodeSpec(String)}. Tests need {@link Capability#COMPUTE}; tests that launch nodes also need
 * {@link Capability#COMPUTE_LAUNCH}. The user-data and run-script tests are never skipped: they assert
 * that the capability works when the provider declares it and throws
 * {@link UnsupportedCapabilityException} when it does not. Every node a test launches is destroyed
 * afterwards.
 *
 * <p>Decided here where the API leaves it open: launching with a count below 1 is an
 * {@link InvalidRequestException} (not a raw {@link IllegalArgumentException}), like every other
 * invalid argument a provider sees.
 */
public abstract class ComputeServiceContract extends CloudContract {

    private static final Map<String, String> TCK_TAGS = Map.of("cloudhop-tck", "true", "suite", "compute");


    /**
     * A spec for the cheapest node the provider can launch in {@code group}: an image and size that are
     * valid for the provider. Tags and user data may be left empty; the suite adds its own.
     *
     * @param group the group to launch in; used verbatim even when invalid (the suite tests rejection)
     */
    protected abstract NodeSpec nodeSpec(String group);

    /**
     * How long a test waits for a destroyed node to stop being listed. Default 10 s; providers whose
     * listings lag behind (terminated instances shown for a while) may raise it.
     */
    protected Duration settleTimeout() {
        return Duration.ofSeconds(10);
    }

    /** How long {@code runScript} may take in the run-script test. Default 60 s. */
    protected Duration scriptTimeout() {
        return Duration.ofSeconds(60);
    }


    // ------------------------------------------------------------------------------------------------
    // life cycle

    @Test
    void launchedNodesHaveTheirGroupStatusAndTags() {
        requireLaunch();
        String group = uniqueName("tck");

        List<Node> nodes = launch(spec(group), 2);

        assertThat(nodes).hasSize(2);
        assertThat(nodes).extracting(Node::id).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isNotBlank());
        assertThat(nodes).allSatisfy(n -> {
            assertThat(n.group()).isEqualTo(group);
            assertThat(n.status()).isIn(NodeStatus.RUNNING, NodeStatus.PENDING);
            assertThat(n.tags()).containsAllEntriesOf(TCK_TAGS);
        });
    }

    @Test
    void launchedNodesAreListedByGroupAndOverall() {
        requireLaunch();
        String group = uniqueName("tck");
        List<String> ids = launch(spec(group), 2).stream().map(Node::id).toList();

        List<Node> inGroup = compute().listNodes(group);
        assertThat(inGroup).extracting(Node::id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(inGroup).allSatisfy(n -> {
            assertThat(n.group()).isEqualTo(group);
            assertThat(n.status()).isIn(NodeStatus.RUNNING, NodeStatus.PENDING);
            assertThat(n.tags()).containsAllEntriesOf(TCK_TAGS);
        });
        assertThat(compute().listNodes()).extracting(Node::id).containsAll(ids);
    }

    @Test
    void nodeFindsALaunchedNodeById() {
        requireLaunch();
        String group = uniqueName("tck");
        Node launched = launch(spec(group), 1).get(0);

        assertThat(compute().node(launched.id())).hasValueSatisfying(n -> {
            assertThat(n.id()).isEqualTo(launched.id());
            assertThat(n.group()).isEqualTo(group);
            assertThat(n.tags()).containsAllEntriesOf(TCK_TAGS);
        });
    }

    @Test
    void destroyIsIdempotentAndDestroyedNodesAreGone() {
        requireLaunch();
        String group = uniqueName("tck");
        List<String> ids = launch(spec(group), 2).stream().map(Node::id).toList();

        for (String id : ids) {
            assertThat(compute().destroy(id)).as("first destroy of %s", id).isTrue();
            assertThat(compute().destroy(id)).as("second destroy of %s", id).isFalse();
        }

        Awaitility.await().atMost(settleTimeout()).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(compute().listNodes(group))
                        .as("nodes of group %s; the launch returned %s", group, ids).isEmpty());
        assertThat(compute().listNodes()).extracting(Node::id).doesNotContainAnyElementsOf(ids);
        for (String id : ids) {
            assertThat(compute().node(id)).as("node(%s) after destroy", id).isEmpty();
        }
    }

    @Test
    void destroyOfAnUnknownNodeReturnsFalse() {
        requireLaunch();

        assertThat(compute().destroy("does-not-exist")).isFalse();
    }

    @Test
    void listNodesOfAnUnknownGroupIsEmpty() {
        requireCapability(Capability.COMPUTE);

        assertThat(compute().listNodes(uniqueName("tck"))).isEmpty();
    }

    @Test
    void nodeOfAnUnknownIdIsEmpty() {
        requireCapability(Capability.COMPUTE);

        assertThat(compute().node("does-not-exist")).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------
    // validation

    /** A count below 1 is an {@link InvalidRequestException}; nothing is launched. */
    @Test
    void launchingFewerThanOneNodeIsAnInvalidRequest() {
        requireLaunch();
        String group = uniqueName("tck");

        for (int count : new int[] {0, -1}) {
            Throwable thrown = catchThrowable(() -> track(compute().launch(spec(group), count)));
            assertThat(thrown).as("launch with count %d", count).isInstanceOf(InvalidRequestException.class);
        }
        assertThat(compute().listNodes(group)).isEmpty();
    }

    /** An image the provider does not have is the caller's mistake, named in the message; nothing is launched. */
    @Test
    void anUnknownImageIsAnInvalidRequestNamingIt() {
        requireLaunch();
        String group = uniqueName("tck");
        NodeSpec valid = spec(group);
        String missing = valid.image() + "0404";
        NodeSpec spec = new NodeSpec(group, missing, valid.size(), valid.tags(), valid.userData());

        Throwable thrown = catchThrowable(() -> track(compute().launch(spec, 1)));

        assertThat(thrown).isInstanceOf(InvalidRequestException.class).hasMessageContaining(missing);
        assertThat(compute().listNodes(group)).isEmpty();
    }

    @Test
    void anInvalidGroupNameIsAnInvalidRequestNamingIt() {
        requireLaunch();

        Throwable thrown = catchThrowable(() -> track(compute().launch(spec("Bad_Group"), 1)));

        assertThat(thrown).isInstanceOf(InvalidRequestException.class).hasMessageContaining("Bad_Group");
    }

    // ------------------------------------------------------------------------------------------------
    // capabilities: both branches asserted, never skipped

    @Test
    void userDataWorksIfSupportedOtherwiseIsUnsupported() {
        String group = uniqueName("tck");
        NodeSpec withUserData = spec(group).withUserData("#!/bin/sh\necho cloudhop-tck > /tmp/cloudhop-tck\n");

        if (cloud().supports(Capability.COMPUTE_USER_DATA) && cloud().supports(Capability.COMPUTE_LAUNCH)) {
            List<Node> nodes = launch(withUserData, 1);
            assertThat(nodes).hasSize(1);
            assertThat(nodes.get(0).group()).isEqualTo(group);
            assertThat(compute().listNodes(group)).extracting(Node::id).containsExactly(nodes.get(0).id());
        } else {
            Throwable thrown = catchThrowable(() -> track(compute().launch(withUserData, 1)));
            assertThat(thrown).as("launch with user data, capabilities %s", cloud().capabilities())
                    .isInstanceOf(UnsupportedCapabilityException.class);
            assertThat(((UnsupportedCapabilityException) thrown).site()).isEqualTo(cloud().site());
        }
    }

    @Test
    void runScriptWorksIfSupportedOtherwiseIsUnsupported() {
        if (cloud().supports(Capability.COMPUTE_RUN_SCRIPT)) {
            String id = someNode();
            ScriptResult result = compute().runScript(id, "echo hello", scriptTimeout());
            assertThat(result.exitCode()).as("exit code, stderr: %s", result.stderr()).isZero();
            assertThat(result.stdout()).contains("hello");
        } else {
            String id = cloud().supports(Capability.COMPUTE_LAUNCH) ? someNode() : "does-not-exist";
            assertThatThrownBy(() -> compute().runScript(id, "echo hello", scriptTimeout()))
                    .as("runScript, capabilities %s", cloud().capabilities())
                    .isInstanceOf(UnsupportedCapabilityException.class);
        }
    }

    @Test
    void runScriptReportsANonZeroExitCodeAndStderr() {
        requireCapability(Capability.COMPUTE_RUN_SCRIPT);
        String id = someNode();

        ScriptResult result = compute().runScript(id, "echo oops >&2; exit 3", scriptTimeout());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).contains("oops");
    }

    // ------------------------------------------------------------------------------------------------
    // helpers

    private ComputeService compute() {
        return cloud().compute();
    }

    private void requireLaunch() {
        requireCapability(Capability.COMPUTE);
        requireCapability(Capability.COMPUTE_LAUNCH);
    }

    /** The provider's spec for {@code group} with the suite's tags added. */
    private NodeSpec spec(String group) {
        NodeSpec base = nodeSpec(group);
        Map<String, String> tags = new HashMap<>(base.tags());
        tags.putAll(TCK_TAGS);
        return base.withTags(tags);
    }

    private List<Node> launch(NodeSpec spec, int count) {
        return track(compute().launch(spec, count));
    }

    private List<Node> track(List<Node> nodes) {
        nodes.forEach(n -> afterTest(() -> compute().destroy(n.id())));
        return nodes;
    }

    /**
     * A node to run scripts on: a freshly launched one when the provider can launch, otherwise any node of
     * the site (an inventory provider declaring run-script must hold at least one).
     */
    private String someNode() {
        if (cloud().supports(Capability.COMPUTE_LAUNCH)) {
            return launch(spec(uniqueName("tck")), 1).get(0).id();
        }
        return compute().listNodes().stream()
                .filter(n -> n.status() == NodeStatus.RUNNING)
                .map(Node::id)
                .findFirst()
                .orElseGet(() -> fail("provider cannot launch nodes and its site lists no running node to run a "
                        + "script on"));
    }

}
