package dev.cloudhop.failover.internal;

import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.dns.RecordSet;
import dev.cloudhop.api.dns.RecordType;
import dev.cloudhop.api.dns.Zone;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One site's DNS as the facade sees it: each call passes the interceptors first and reports its
 * outcome to health tracking ({@link SiteCall}).
 */
final class InterceptedDnsService implements DnsService {

    private final DnsService target;
    private final SiteCall call;

    InterceptedDnsService(DnsService target, SiteCall call) {
        this.target = target;
        this.call = call;
    }

    @Override
    public List<Zone> listZones() {
        SiteCall.Started t = call.before("listZones");
        try {
            return call.succeeded(t, target.listZones());
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public Optional<Zone> zone(String zoneName) {
        SiteCall.Started t = call.before("zone");
        try {
            return call.succeeded(t, target.zone(zoneName));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public Zone createZone(String zoneName) {
        SiteCall.Started t = call.before("createZone");
        try {
            return call.succeeded(t, target.createZone(zoneName));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public boolean deleteZone(String zoneName) {
        SiteCall.Started t = call.before("deleteZone");
        try {
            return call.succeeded(t, target.deleteZone(zoneName));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public void upsert(String zoneName, RecordSet recordSet) {
        SiteCall.Started t = call.before("upsert");
        try {
            target.upsert(zoneName, recordSet);
            call.succeeded(t);
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public boolean delete(String zoneName, String name, RecordType type) {
        SiteCall.Started t = call.before("delete");
        try {
            return call.succeeded(t, target.delete(zoneName, name, type));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public Optional<RecordSet> get(String zoneName, String name, RecordType type) {
        SiteCall.Started t = call.before("get");
        try {
            return call.succeeded(t, target.get(zoneName, name, type));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public Stream<RecordSet> list(String zoneName) {
        SiteCall.Started t = call.before("list");
        try {
            return call.succeeded(t, target.list(zoneName));
        } catch (RuntimeException e) {
            throw call.failed(t, e);
        }
    }

    @Override
    public String toString() {
        return "Intercepted[" + call + "]";
    }
}
