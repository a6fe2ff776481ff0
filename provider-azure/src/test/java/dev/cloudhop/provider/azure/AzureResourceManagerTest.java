package dev.cloudhop.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.config.Sites;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * RECORDED RESPONSES: Resource Manager behaviour the contract suites do not reach, against
 * {@link RecordedArmServer}: long-running operations are polled, Entra ID and ARM errors map to the
 * CloudException family, Azure's validation errors become invalid requests naming the culprit, and
 * Traffic Manager priority routing fails over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureResourceManagerTest {

    private RecordedArmServer arm;
    private Cloud cloud;

    @BeforeAll
    void open() {
        arm = AzureArmSites.server();
        cloud = AzureArmSites.full();
    }

    @AfterAll
    void close() {
        cloud.close();
    }

    @AfterEach
    void clearFaults() {
        arm.clearFaults();
    }

    private static String zone() {
        return "rm-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    @Test
    void launchAndDestroyPollTheirLongRunningOperations() {
        int before = arm.requests().size();
        Node node = cloud.compute().launch(NodeSpec.of("rm-lro", AzureComputeServiceTest.IMAGE, AzureComputeServiceTest.SIZE)
                .withUserData("#cloud-config\n"), 1).get(0);
        assertThat(cloud.compute().destroy(node.id())).isTrue();

        List<String> seen = arm.requests().subList(before, arm.requests().size());
        assertThat(seen).anyMatch(r -> r.startsWith("PUT ") && r.contains("/networkInterfaces/rm-lro-"));
        assertThat(seen).anyMatch(r -> r.startsWith("PUT ") && r.contains("/virtualMachines/rm-lro-"));
        assertThat(seen).as("Azure-AsyncOperation polls").anyMatch(r -> r.startsWith("GET ") && r.contains("/operations/"));
        assertThat(seen).anyMatch(r -> r.startsWith("DELETE ") && r.contains("/virtualMachines/rm-lro-"));
        assertThat(node.privateAddresses()).singleElement().asString().startsWith("10.0.0.");
        assertThat(cloud.compute().node(node.id())).isEmpty();
    }

    /** What the server still holds of a group's NICs and VMs. */
    private List<String> leftovers(String group) {
        return arm.resourceIds().stream().filter(id -> id.contains("/virtualmachines/" + group + "-")
                || id.contains("/networkinterfaces/" + group + "-")).toList();
    }

    private static void assertNoSecret(Throwable t, String... secrets) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            for (String secret : secrets) {
                assertThat(String.valueOf(c)).doesNotContain(secret);
            }
        }
    }

    @Test
    void aVmCreationEndingFailedForCapacityIsUnavailableWithTheArmErrorAndLeavesNothing() {
        arm.endNextOperations(1, "operationFailedAllocation", r -> r.startsWith("PUT ") && r.contains("/virtualMachines/rm-alloc-"));

        Throwable t = catchThrowable(() -> cloud.compute().launch(NodeSpec.of("rm-alloc", AzureComputeServiceTest.IMAGE,
                AzureComputeServiceTest.SIZE), 1));

        assertThat(t).isInstanceOf(UnavailableException.class).hasMessageContaining("ended Failed")
                .hasMessageContaining("AllocationFailed").hasMessageContaining("sufficient capacity")
                .hasMessageNotContaining("NOT cleaned up");
        assertThat(((CloudException) t).retryable()).isTrue();
        assertNoSecret(t, arm.clientSecret());
        assertThat(leftovers("rm-alloc")).as("the Failed VM and its NIC are deleted").isEmpty();
        assertThat(arm.requests()).anyMatch(r -> r.startsWith("DELETE ") && r.contains("/virtualMachines/rm-alloc-"));
    }

    @Test
    void aVmCreationEndingFailedOverQuotaIsAnInvalidRequestAndDestroysTheNodesAlreadyLaunched() {
        // the first node is created, the second one's operation fails over the core quota
        java.util.concurrent.atomic.AtomicInteger vmPuts = new java.util.concurrent.atomic.AtomicInteger();
        arm.endNextOperations(1, "operationFailedQuota", r -> r.startsWith("PUT ") && r.contains("/virtualMachines/rm-quota-")
                && vmPuts.incrementAndGet() == 2);

        Throwable t = catchThrowable(() -> cloud.compute().launch(NodeSpec.of("rm-quota", AzureComputeServiceTest.IMAGE,
                AzureComputeServiceTest.SIZE), 2));

        assertThat(t).isInstanceOf(InvalidRequestException.class).hasMessageContaining("OperationNotAllowed")
                .hasMessageContaining("Cores quota").hasMessageContaining("failed after 1; those were destroyed");
        assertThat(((CloudException) t).retryable()).isFalse();
        assertThat(leftovers("rm-quota")).isEmpty();
        assertThat(cloud.compute().listNodes("rm-quota")).isEmpty();
    }

    @Test
    void aCanceledVmCreationIsAConflictAndLeavesNothing() {
        arm.endNextOperations(1, "operationCanceled", r -> r.startsWith("PUT ") && r.contains("/virtualMachines/rm-cancel-"));

        Throwable t = catchThrowable(() -> cloud.compute().launch(NodeSpec.of("rm-cancel", AzureComputeServiceTest.IMAGE,
                AzureComputeServiceTest.SIZE), 1));

        assertThat(t).isInstanceOf(dev.cloudhop.api.ConflictException.class).hasMessageContaining("ended Canceled");
        assertThat(leftovers("rm-cancel")).isEmpty();
    }

    @Test
    void whatAFailedLaunchCannotCleanUpIsNamedInTheError() {
        arm.endNextOperations(1, "operationFailedAllocation", r -> r.startsWith("PUT ") && r.contains("/virtualMachines/rm-stuck-"));
        // the clean-up's VM delete ends Failed too, so the VM stays and holds its NIC (NicInUse)
        arm.endNextOperations(1, "operationFailedAllocation", r -> r.startsWith("DELETE ") && r.contains("/virtualMachines/rm-stuck-"));

        Throwable t = catchThrowable(() -> cloud.compute().launch(NodeSpec.of("rm-stuck", AzureComputeServiceTest.IMAGE,
                AzureComputeServiceTest.SIZE), 1));

        List<String> left = leftovers("rm-stuck");
        assertThat(left).hasSize(2);
        assertThat(t).isInstanceOf(UnavailableException.class).hasMessageContaining("AllocationFailed")
                .hasMessageContaining("NOT cleaned up, delete by hand");
        for (String id : left) {
            assertThat(t.getMessage().toLowerCase(java.util.Locale.ROOT)).contains(id);
        }
        assertThat(t.getCause().getSuppressed()).isNotEmpty();
        arm.clearFaults();
        String vm = left.stream().filter(id -> id.contains("/virtualmachines/")).findFirst().orElseThrow();
        assertThat(cloud.compute().destroy(vm)).isTrue();
        assertThat(leftovers("rm-stuck")).isEmpty();
    }

    @Test
    void anUnknownVmSizeOrImageIsAnInvalidRequestNamingIt() {
        Throwable size = catchThrowable(() -> cloud.compute().launch(NodeSpec.of("rm-bad", AzureComputeServiceTest.IMAGE,
                "Standard_Bogus_v9"), 1));
        Throwable image = catchThrowable(() -> cloud.compute().launch(NodeSpec.of("rm-bad", "Contoso:nothing:none:latest",
                AzureComputeServiceTest.SIZE), 1));
        Throwable malformed = catchThrowable(() -> cloud.compute().launch(NodeSpec.of("rm-bad", "ubuntu", "Standard_B1s"), 1));

        assertThat(size).isInstanceOf(InvalidRequestException.class).hasMessageContaining("Standard_Bogus_v9")
                .hasMessageContaining("InvalidParameter");
        assertThat(image).isInstanceOf(InvalidRequestException.class).hasMessageContaining("Contoso:nothing:none:latest")
                .hasMessageContaining("PlatformImageNotFound");
        assertThat(malformed).isInstanceOf(InvalidRequestException.class).hasMessageContaining("'ubuntu'");
        assertThat(cloud.compute().listNodes("rm-bad")).isEmpty();
        assertThat(arm.requests()).noneMatch(r -> r.startsWith("PUT ") && r.contains("/networkInterfaces/rm-bad-")
                && arm.requests().stream().noneMatch(d -> d.startsWith("DELETE ") && d.contains(r.substring(4))));
    }

    @Test
    void aRejectedClientCredentialIsUnauthorizedAndNeverShown() {
        String wrong = "wrong-" + UUID.randomUUID();
        try (Sites sites = AzureSites.open("sites { bad { provider = azure, region = westeurope, storage { account = x }, "
                + AzureArmSites.armConfig(arm, wrong) + " } }")) {
            Throwable t = catchThrowable(() -> sites.site("bad").dns().listZones());

            assertThat(t).isInstanceOf(UnauthorizedException.class);
            for (Throwable c = t; c != null; c = c.getCause()) {
                assertThat(String.valueOf(c)).doesNotContain(wrong).doesNotContain(arm.clientSecret());
            }
        }
    }

    @Test
    void aSiteWithoutResourceManagerKeysSaysWhichAreMissing() {
        try (Sites sites = AzureSites.open("sites { storageonly { provider = azure, region = westeurope, storage { account = x } } }")) {
            Throwable t = catchThrowable(() -> sites.site("storageonly").dns().listZones());

            assertThat(t).isInstanceOf(UnauthorizedException.class).hasMessageContaining(AzureKeys.SUBSCRIPTION)
                    .hasMessageContaining(AzureKeys.RESOURCE_GROUP);
        }
    }

    @Test
    void sustainedThrottlingIsThrottledAndRetryable() {
        arm.failNext(5, "TooManyRequests", r -> r.contains("/dnsZones"));

        Throwable t = catchThrowable(() -> cloud.dns().listZones());

        assertThat(t).isInstanceOf(ThrottledException.class);
        assertThat(((CloudException) t).retryable()).isTrue();
    }

    @Test
    void aSingleThrottledAnswerIsRetriedTransparently() {
        String zone = zone();
        arm.failNext(1, "TooManyRequests", r -> r.startsWith("PUT ") && r.contains(zone));
        try {
            assertThat(cloud.dns().createZone(zone).name()).isEqualTo(zone + ".");
        } finally {
            cloud.dns().deleteZone(zone);
        }
    }

    @Test
    void serverErrorsAreUnavailable() {
        arm.failNext(5, "InternalServerError", r -> r.contains("/dnsZones"));

        Throwable t = catchThrowable(() -> cloud.dns().listZones());

        assertThat(t).isInstanceOf(UnavailableException.class).hasMessageContaining("500");
    }

    @Test
    void aMissingResourceGroupIsNotFound() {
        try (Sites sites = AzureSites.open("sites { other { provider = azure, region = westeurope, storage { account = x }, "
                + AzureArmSites.armConfig(arm, arm.clientSecret()).replace("resource-group = " + RecordedArmServer.RESOURCE_GROUP,
                "resource-group = no-such-group") + " } }")) {
            Throwable t = catchThrowable(() -> sites.site("other").dns().listZones());

            assertThat(t).isInstanceOf(NotFoundException.class).hasMessageContaining("ResourceGroupNotFound");
        }
    }

    @Test
    void recordSetListingsFollowNextLinks() {
        String zone = zone();
        cloud.dns().createZone(zone);
        try {
            for (int i = 0; i < 12; i++) {
                cloud.dns().upsert(zone, RecordSet.of("h" + i + "." + zone, RecordType.A, Duration.ofSeconds(60), "192.0.2." + i));
            }
            assertThat(cloud.dns().list(zone)).hasSize(12);
            assertThat(arm.requests()).anyMatch(r -> r.contains(zone) && r.contains("/recordsets"));
        } finally {
            cloud.dns().deleteZone(zone);
        }
    }

    @Test
    void trafficManagerPriorityRoutingFailsOverToTheNextHealthyEndpoint() {
        AzureTrafficManager tm = ((AzureCloud) cloud).trafficManager();
        String profile = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            AzureTrafficManager.Profile p = tm.ensurePriorityProfile(profile, profile, Duration.ofSeconds(30),
                    AzureTrafficManager.Probe.httpsHealth());
            assertThat(p.fqdn()).isEqualTo(profile + ".trafficmanager.net");
            assertThat(p.ttl()).isEqualTo(Duration.ofSeconds(30));

            tm.upsertEndpoint(profile, "azure-westeurope", "shop-weu.example.com", 1, true);
            tm.upsertEndpoint(profile, "aws-us-east-1", "shop-use1.example.com", 2, true);
            assertThat(tm.profile(profile).orElseThrow().activeEndpoint()).map(AzureTrafficManager.Endpoint::name)
                    .contains("azure-westeurope");

            arm.setEndpointMonitorStatus("shop-weu.example.com", "Degraded");
            AzureTrafficManager.Profile degraded = tm.profile(profile).orElseThrow();
            assertThat(degraded.endpoints()).extracting(AzureTrafficManager.Endpoint::monitorStatus)
                    .containsExactly("Degraded", "Online");
            assertThat(degraded.activeEndpoint()).map(AzureTrafficManager.Endpoint::name).contains("aws-us-east-1");

            arm.setEndpointMonitorStatus("shop-weu.example.com", "Online");
            tm.setEnabled(profile, "azure-westeurope", false);
            assertThat(tm.profile(profile).orElseThrow().activeEndpoint()).map(AzureTrafficManager.Endpoint::name)
                    .contains("aws-us-east-1");

            // updating the profile keeps its endpoints
            tm.ensurePriorityProfile(profile, profile, Duration.ofSeconds(10), AzureTrafficManager.Probe.httpsHealth());
            assertThat(tm.profile(profile).orElseThrow().endpoints()).hasSize(2);
        } finally {
            assertThat(tm.deleteProfile(profile)).isTrue();
            assertThat(tm.deleteProfile(profile)).isFalse();
        }
        assertThat(catchThrowable(() -> tm.upsertEndpoint(profile, "x", "x.example.com", 1, true)))
                .isInstanceOf(NotFoundException.class).hasMessageContaining(profile);
        assertThat(catchThrowable(() -> tm.ensurePriorityProfile("bad name", "label", Duration.ofSeconds(30),
                AzureTrafficManager.Probe.httpsHealth()))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("bad name");
    }
}
