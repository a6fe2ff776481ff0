package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Allocation of inventory machines: capacity, a state file shared by sites, inventory formats. */
class InventoryAllocationTest {

    private static final NodeSpec SPEC = NodeSpec.of("web", OnPremTestEnvironment.IMAGE, OnPremTestEnvironment.SIZE);

    private static Cloud site(String id, Path stateFile) {
        return OnPremTestEnvironment.open("sites { " + id + " { provider = onprem, region = dc-test, compute { inventory = \""
                + OnPremTestEnvironment.inventory() + "\", state-file = \"" + stateFile + "\", ssh { user = "
                + OnPremTestEnvironment.sshd().user() + ", private-key = \"file:" + OnPremTestEnvironment.sshd().clientKey()
                + "\", known-hosts = \"" + OnPremTestEnvironment.sshd().knownHostsFile() + "\" } } } }").site(id);
    }

    /** The inventory machine of a node: its id without the allocation suffix. */
    private static String machine(Node node) {
        return node.id().substring(0, node.id().lastIndexOf('-'));
    }

    @Test
    void anExhaustedInventoryFailsTheLaunchSayingWhyAndAllocatesNothing() {
        Path state = OnPremTestEnvironment.tempDirectory("state").resolve("allocations.json");
        try (Cloud cloud = site("a", state)) {
            assertThatThrownBy(() -> cloud.compute().launch(SPEC, OnPremTestEnvironment.MACHINES + 1))
                    .isInstanceOf(UnavailableException.class)
                    .hasStackTraceContaining("no free machine of image " + OnPremTestEnvironment.IMAGE);
            assertThat(cloud.compute().listNodes()).isEmpty();
            assertThatThrownBy(() -> cloud.compute().launch(NodeSpec.of("web", "windows-11", "small"), 1))
                    .isInstanceOf(dev.cloudhop.api.InvalidRequestException.class).hasMessageContaining("windows-11");
        }
    }

    @Test
    void sitesSharingAStateFileNeverGetTheSameMachine() {
        Path state = OnPremTestEnvironment.tempDirectory("state").resolve("allocations.json");
        try (Cloud a = site("a", state); Cloud b = site("b", state)) {
            List<Node> first = a.compute().launch(SPEC.withTags(java.util.Map.of("owner", "a")), 2);
            assertThat(b.compute().listNodes("web")).extracting(Node::id)
                    .containsExactlyInAnyOrderElementsOf(first.stream().map(Node::id).toList());
            assertThat(b.compute().node(first.get(0).id())).map(n -> n.tags().get("owner")).contains("a");

            List<Node> rest = b.compute().launch(SPEC, OnPremTestEnvironment.MACHINES - 2);
            assertThat(rest.stream().map(InventoryAllocationTest::machine).toList())
                    .as("machines given to b").doesNotContainAnyElementsOf(first.stream().map(InventoryAllocationTest::machine).toList());
            assertThatThrownBy(() -> a.compute().launch(SPEC, 1)).isInstanceOf(UnavailableException.class);

            assertThat(b.compute().destroy(first.get(0).id())).isTrue();
            Node again = a.compute().launch(SPEC, 1).get(0);
            assertThat(again.id()).as("a new allocation gets a new id").isNotEqualTo(first.get(0).id());
            assertThat(a.compute().node(first.get(0).id())).isEmpty();
        }
        assertThat(state).exists();
    }

    @Test
    void inventoriesInJsonAndHoconAreReadAndProblemsNameTheMachine() throws Exception {
        Path dir = OnPremTestEnvironment.tempDirectory("inventory");
        Path json = dir.resolve("inventory.json");
        Files.writeString(json, "{\"machines\": [{\"id\": \"db-1\", \"host\": \"10.0.0.5\", \"user\": \"ops\", "
                + "\"private-key\": \"literal:KEY\", \"image\": \"rhel-9\", \"size\": \"large\"}]}", StandardCharsets.UTF_8);
        Inventory inventory = Inventory.read(json, Optional.empty(), Optional.empty());
        assertThat(inventory.machines()).singleElement().satisfies(m -> {
            assertThat(m.host()).isEqualTo("10.0.0.5");
            assertThat(m.port()).isEqualTo(22);
            assertThat(m.image()).isEqualTo("rhel-9");
            assertThat(m.toString()).doesNotContain("KEY");
        });

        Path hocon = dir.resolve("inventory.conf");
        Files.writeString(hocon, "machines = [ { id = m1, port = 2222 }, { host = h } ]", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Inventory.read(hocon, Optional.of("root"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("machine m1 has no host")
                .hasMessageContaining("machines[1] has no id")
                .hasMessageContaining("compute.ssh.private-key");
    }
}
