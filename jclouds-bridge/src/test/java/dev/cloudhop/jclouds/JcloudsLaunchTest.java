package dev.cloudhop.jclouds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.naming.NamingRules;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.jclouds.ContextBuilder;
import org.jclouds.compute.ComputeService;
import org.jclouds.compute.ComputeServiceContext;
import org.jclouds.compute.RunNodesException;
import org.jclouds.compute.domain.NodeMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a launch does when the provider starts more or fewer nodes than asked. jclouds' in-memory "stub"
 * compute provider stands in for EC2 here, intercepted: no emulator can be made to resend a request or to
 * run short of capacity on cue.
 * <ul>
 *   <li>A launch request sent twice starts nodes jclouds never returns; a background sweep destroys them.
 *       The resend is played by launching one extra, untagged node of the group inside the launch call.
 *   <li>EC2 may start fewer instances than asked (MinCount 1); the launch asks again for the rest.
 *       The shortfall is played by asking the stub for fewer nodes than the launch wanted.
 * </ul>
 */
class JcloudsLaunchTest {

    private static final Set<Capability> CAPS = Set.of(Capability.COMPUTE, Capability.COMPUTE_LAUNCH);
    private static final SiteInfo SITE = new SiteInfo("stub", "stub", "region-1");

    private ComputeServiceContext stub;
    /** The stub keeps its nodes for the whole JVM, whatever the context: each test has its own group. */
    private final String group = "web-" + Long.toString(System.nanoTime(), 36);

    @BeforeEach
    void openStub() {
        stub = ContextBuilder.newBuilder("stub").name("stray-" + System.nanoTime()).buildView(ComputeServiceContext.class);
    }

    @AfterEach
    void closeStub() {
        stub.close();
    }

    @Test
    void nodesStartedByAResentLaunchAreDestroyedAndOthersAreKept() throws Exception {
        ComputeService real = stub.getComputeService();
        // a node of the same group from an earlier launch: tagged like every launched node, so it is kept
        String earlier = new JcloudsComputeService(SITE, NamingRules.LOCAL, CAPS, () -> stub)
                .launch(NodeSpec.of(group, imageOf(real), hardwareOf(real)), 1).get(0).id();
        AtomicBoolean resend = new AtomicBoolean(true);
        JcloudsComputeService compute = new JcloudsComputeService(SITE, NamingRules.LOCAL, CAPS,
                () -> intercepted(stub, (group, count) -> {
                    if (resend.getAndSet(false)) {
                        try {
                            real.createNodesInGroup(group, 1, real.templateBuilder().build());
                        } catch (RunNodesException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return count;
                }));

        List<Node> launched = compute.launch(NodeSpec.of(group, imageOf(real), hardwareOf(real)).withTags(Map.of("app", "shop")), 2);

        assertThat(launched).hasSize(2).allSatisfy(n -> assertThat(n.tags()).containsEntry("app", "shop")
                .containsKey(JcloudsComputeService.LAUNCH_TAG));
        List<String> expected = List.of(launched.get(0).id(), launched.get(1).id(), earlier);
        // the sweep runs in the background, off the launch's latency
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(compute.listNodes(group)).extracting(Node::id).containsExactlyInAnyOrderElementsOf(expected));
        // the stray is gone from the provider too (the stub forgets destroyed nodes), not merely hidden
        assertThat(real.listNodesDetailsMatching(n -> true)).map(n -> (NodeMetadata) n)
                .filteredOn(n -> group.equals(n.getGroup()) && n.getStatus() != NodeMetadata.Status.TERMINATED).hasSize(3);
    }

    @Test
    void aLaunchThatStartsFewerNodesThanAskedAsksAgainForTheRest() throws Exception {
        ComputeService real = stub.getComputeService();
        List<Integer> asked = new CopyOnWriteArrayList<>();
        JcloudsComputeService compute = new JcloudsComputeService(SITE, NamingRules.LOCAL, CAPS,
                () -> intercepted(stub, (group, count) -> {
                    asked.add(count);
                    return asked.size() == 1 ? 1 : count;   // the first request starts one node only
                }));

        List<Node> launched = compute.launch(NodeSpec.of(group, imageOf(real), hardwareOf(real)), 3);

        assertThat(launched).hasSize(3).extracting(Node::id).doesNotHaveDuplicates();
        assertThat(asked).containsExactly(3, 2);
        assertThat(launched).allSatisfy(n -> assertThat(n.tags()).containsKey(JcloudsComputeService.LAUNCH_TAG));
        assertThat(compute.listNodes(group)).extracting(Node::id)
                .containsExactlyInAnyOrderElementsOf(launched.stream().map(Node::id).toList());
    }

    @Test
    void aLaunchThatStaysShortFailsNamingTheShortfallAndDestroysWhatStarted() throws Exception {
        ComputeService real = stub.getComputeService();
        JcloudsComputeService compute = new JcloudsComputeService(SITE, NamingRules.LOCAL, CAPS,
                () -> intercepted(stub, (group, count) -> 1));   // every request starts one node

        assertThatThrownBy(() -> compute.launch(NodeSpec.of(group, imageOf(real), hardwareOf(real)), 5))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("started 3 of 5 nodes in 3 launch requests; those were destroyed");
        assertThat(real.listNodesDetailsMatching(n -> true)).map(n -> (NodeMetadata) n)
                .filteredOn(n -> group.equals(n.getGroup()) && n.getStatus() != NodeMetadata.Status.TERMINATED).isEmpty();
    }

    private static String imageOf(ComputeService real) {
        return real.templateBuilder().build().getImage().getId();
    }

    private static String hardwareOf(ComputeService real) {
        return real.templateBuilder().build().getHardware().getId();
    }

    /**
     * The stub context whose compute service passes each {@code createNodesInGroup} through {@code launch}:
     * it gets the group and the count asked for, may act on the stub first, and returns the count to start.
     */
    private static ComputeServiceContext intercepted(ComputeServiceContext context, BiFunction<String, Integer, Integer> launch) {
        ComputeService real = context.getComputeService();
        ComputeService interceptedService = (ComputeService) Proxy.newProxyInstance(JcloudsLaunchTest.class.getClassLoader(),
                new Class<?>[] {ComputeService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createNodesInGroup")) {
                        args[1] = launch.apply((String) args[0], (Integer) args[1]);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (ComputeServiceContext) Proxy.newProxyInstance(JcloudsLaunchTest.class.getClassLoader(),
                new Class<?>[] {ComputeServiceContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getComputeService")) {
                        return interceptedService;
                    }
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(context, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
