package dev.cloudhop.api.naming;

/** The kinds of names whose rules differ between providers. */
public enum NameKind {
    /** A blob container (S3 bucket, Azure container, directory). */
    CONTAINER("container"),
    /** A blob name within a container. */
    BLOB("blob"),
    /** A queue. */
    QUEUE("queue"),
    /** A compute node group. */
    NODE_GROUP("node group"),
    /** A DNS record set's owner name, absolute ({@code www.shop.example.com}, a trailing dot optional). */
    RECORD("DNS record name");

    private final String label;

    NameKind(String label) {
        this.label = label;
    }

    /** A human-readable label such as {@code "container"}. */
    public String label() {
        return label;
    }
}
