package dev.cloudhop.failover;

import java.util.List;

/**
 * Whether an application capability (e.g. "ordering") can work right now, for reduced-functionality mode.
 *
 * @param name        the capability
 * @param available   whether every service it needs is up at the active site
 * @param unavailable the services it needs that are down
 * @param site        the active site it was judged against
 */
public record CapabilityStatus(String name, boolean available, List<Service> unavailable, String site) {

    /** Copies. */
    public CapabilityStatus {
        unavailable = List.copyOf(unavailable);
    }

    /** "ordering is available" or "ordering is temporarily unavailable (queue down at site azure)". */
    public String message() {
        return available ? name + " is available"
                : name + " is temporarily unavailable (" + String.join(", ", unavailable.stream().map(Service::key).toList())
                + " down at site " + site + ")";
    }
}
