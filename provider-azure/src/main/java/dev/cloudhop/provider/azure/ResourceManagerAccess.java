package dev.cloudhop.provider.azure;

import com.azure.resourcemanager.dns.DnsZoneManager;
import com.azure.resourcemanager.dns.fluent.DnsManagementClient;
import com.azure.resourcemanager.resources.fluent.ResourceManagementClient;
import com.azure.resourcemanager.trafficmanager.TrafficManager;
import com.azure.resourcemanager.trafficmanager.fluent.TrafficManagerManagementClient;
import dev.cloudhop.api.ErrorContext;

/**
 * One site's Resource Manager clients (DNS, Traffic Manager, generic resources for compute), sharing one
 * authenticated pipeline. Built on first use; thread-safe.
 */
final class ResourceManagerAccess {

    private final AzureClients clients;
    private DnsZoneManager dns;
    private TrafficManager traffic;

    ResourceManagerAccess(AzureClients clients) {
        this.clients = clients;
    }

    private synchronized DnsZoneManager dnsManager(ErrorContext ctx) {
        clients.requireResourceManager(ctx);
        if (dns == null) {
            dns = DnsZoneManager.configure()
                    .withHttpClient(clients.httpClient())
                    .withRetryOptions(clients.armRetries())
                    .authenticate(clients.credential(), clients.profile());
        }
        return dns;
    }

    DnsManagementClient dns(ErrorContext ctx) {
        return dnsManager(ctx).serviceClient();
    }

    synchronized TrafficManagerManagementClient trafficManager(ErrorContext ctx) {
        DnsZoneManager m = dnsManager(ctx);
        if (traffic == null) {
            traffic = TrafficManager.authenticate(m.httpPipeline(), clients.profile());
        }
        return traffic.serviceClient();
    }

    ResourceManagementClient resources(ErrorContext ctx) {
        return dnsManager(ctx).resourceManager().serviceClient();
    }

    String resourceGroup(ErrorContext ctx) {
        clients.requireResourceManager(ctx);
        return clients.settings().resourceGroup().orElseThrow();
    }

    String subscription() {
        return clients.settings().subscription().orElseThrow();
    }
}
