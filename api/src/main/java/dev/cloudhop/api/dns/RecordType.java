package dev.cloudhop.api.dns;

/** The record types Cloudhop manages portably. */
public enum RecordType {
    /** IPv4 address. */
    A,
    /** IPv6 address. */
    AAAA,
    /** Canonical name (alias); exactly one value, and no other record at the same name. */
    CNAME,
    /** Text; each value at most 255 characters. */
    TXT
}
