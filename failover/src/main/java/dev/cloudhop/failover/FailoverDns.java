package dev.cloudhop.failover;

import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.dns.Zone;
import dev.cloudhop.failover.routing.ActiveSite;
import dev.cloudhop.failover.routing.Router;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** DNS through the facade: every call goes to the active site's DNS service. */
final class FailoverDns implements DnsService {

    private final Router router;
    private final ActiveSite state;

    FailoverDns(Router router, ActiveSite state) {
        this.router = router;
        this.state = state;
    }

    private DnsService active() {
        state.checkOpen();
        return router.active().dns();
    }

    @Override
    public List<Zone> listZones() {
        return active().listZones();
    }

    @Override
    public Optional<Zone> zone(String zoneName) {
        return active().zone(zoneName);
    }

    @Override
    public Zone createZone(String zoneName) {
        return active().createZone(zoneName);
    }

    @Override
    public boolean deleteZone(String zoneName) {
        return active().deleteZone(zoneName);
    }

    @Override
    public void upsert(String zoneName, RecordSet recordSet) {
        active().upsert(zoneName, recordSet);
    }

    @Override
    public boolean delete(String zoneName, String name, RecordType type) {
        return active().delete(zoneName, name, type);
    }

    @Override
    public Optional<RecordSet> get(String zoneName, String name, RecordType type) {
        return active().get(zoneName, name, type);
    }

    @Override
    public Stream<RecordSet> list(String zoneName) {
        return active().list(zoneName);
    }

    @Override
    public String toString() {
        return "FailoverDnsService";
    }
}
