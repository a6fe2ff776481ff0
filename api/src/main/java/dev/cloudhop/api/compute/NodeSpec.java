package dev.cloudhop.api.compute;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What nodes to launch.
 *
 * @param group    the group (deployment) the nodes belong to; nodes are listed by it
 * @param image    the provider's image id (an AMI, an Azure image reference, an inventory image)
 * @param size     the provider's size or hardware id (instance type, VM size)
 * @param tags     tags (key to value) stored on the nodes; never null
 * @param userData cloud-init or similar data for the provider to run at boot, when supported
 */
public record NodeSpec(String group, String image, String size, Map<String, String> tags, Optional<String> userData) {

    /** Validates and copies. */
    public NodeSpec {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(size, "size");
        tags = Map.copyOf(Objects.requireNonNull(tags, "tags"));
        Objects.requireNonNull(userData, "userData");
        if (group.isBlank()) {
            throw new IllegalArgumentException("node group must not be blank");
        }
    }

    /** A spec without tags or user data. */
    public static NodeSpec of(String group, String image, String size) {
        return new NodeSpec(group, image, size, Map.of(), Optional.empty());
    }

    /** A copy with these tags. */
    public NodeSpec withTags(Map<String, String> newTags) {
        return new NodeSpec(group, image, size, newTags, userData);
    }

    /** A copy with this user data. */
    public NodeSpec withUserData(String data) {
        return new NodeSpec(group, image, size, tags, Optional.of(data));
    }
}
