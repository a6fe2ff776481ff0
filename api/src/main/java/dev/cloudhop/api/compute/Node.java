package dev.cloudhop.api.compute;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compute node (virtual machine, instance or inventory host) as last seen.
 *
 * @param id               the provider's node id
 * @param group            the group it was launched in
 * @param status           its life-cycle state
 * @param image            the image id it runs, or empty if unknown
 * @param publicAddresses  public IP addresses
 * @param privateAddresses private IP addresses
 * @param tags             its tags
 */
public record Node(String id, String group, NodeStatus status, String image, List<String> publicAddresses,
                   List<String> privateAddresses, Map<String, String> tags) {

    /** Validates and copies. */
    public Node {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(image, "image");
        publicAddresses = List.copyOf(publicAddresses);
        privateAddresses = List.copyOf(privateAddresses);
        tags = Map.copyOf(tags);
    }
}
