package dev.cloudhop.jclouds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.naming.NamingRules;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jclouds.ContextBuilder;
import org.jclouds.compute.ComputeService;
import org.jclouds.compute.ComputeServiceContext;
import org.jclouds.compute.domain.NodeMetadata;
import org.jclouds.compute.domain.Template;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A launch request sent twice starts nodes jclouds never returns; a background sweep destroys them. jclouds. in-memory "stub" compute
 * provider stands in for EC2 here: no emulator can be made to resend a request on cue, so the resend is
 * played by launching one extra, untagged node of the group inside the launch call.
 */
class StrayNodesTest {

    private static final Set<Capability> CAPS = Set.of(Capability.COMPUTE, Capability.COMPUTE_LAUNCH);
    private static final SiteInfo SITE = new SiteInfo("stub", "stub", "region-1");

    private ComputeServiceContext stub;

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
                .launch(NodeSpec.of("web", imageOf(real), hardwareOf(real)), 1).get(0).id();
        AtomicBoolean resend = new AtomicBoolean(true);
        JcloudsComputeService compute = new JcloudsComputeService(SITE, NamingRules.LOCAL, CAPS,
                () -> resending(stub, real, resend));

        List<Node> launched = compute.launch(NodeSpec.of("web", imageOf(real), hardwareOf(real)).withTags(Map.of("app", "shop")), 2);

        assertThat(launched).hasSize(2).allSatisfy(n -> assertThat(n.tags()).containsEntry("app", "shop")
                .containsKey(JcloudsComputeService.LAUNCH_TAG));
        List<String> expected = List.of(launched.get(0).id(), launched.get(1).id(), earlier);
        // the sweep runs in the background, off the launch's latency
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(compute.listNodes("web")).extracting(Node::id).containsExactlyInAnyOrderElementsOf(expected));
        // the stray is gone from the provider too (the stub forgets destroyed nodes), not merely hidden
        assertThat(real.listNodesDetailsMatching(n -> true)).map(n -> (NodeMetadata) n)
                .filteredOn(n -> n.getStatus() != NodeMetadata.Status.TERMINATED).hasSize(3);
    }

    private static String imageOf(ComputeService real) {
        return real.templateBuilder().build().getImage().getId();
    }

    private static String hardwareOf(ComputeService real) {
        return real.templateBuilder().build().getHardware().getId();
    }

    /** The stub context, whose compute service starts one untagged extra node of the group per launch. */
    private static ComputeServiceContext resending(ComputeServiceContext context, ComputeService real, AtomicBoolean resend) {
        ComputeService resendingService = (ComputeService) Proxy.newProxyInstance(StrayNodesTest.class.getClassLoader(),
                new Class<?>[] {ComputeService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createNodesInGroup") && resend.getAndSet(false)) {
                        real.createNodesInGroup((String) args[0], 1, real.templateBuilder().build());
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (ComputeServiceContext) Proxy.newProxyInstance(StrayNodesTest.class.getClassLoader(),
                new Class<?>[] {ComputeServiceContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getComputeService")) {
                        return resendingService;
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
