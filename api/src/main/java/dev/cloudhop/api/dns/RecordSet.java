package dev.cloudhop.api.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * All records of one name and type, with one TTL.
 *
 * @param name   the owner name, absolute; normalised to lower case with a trailing dot
 * @param type   the record type
 * @param ttl    time to live, 0 s to 2^31-1 s, whole seconds
 * @param values the record data: IPv4 addresses (A), IPv6 addresses (AAAA), one host name (CNAME,
 *               normalised), or texts of at most 255 characters (TXT); at least one
 */
public record RecordSet(String name, RecordType type, Duration ttl, List<String> values) {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    /** Validates every value for its type, naming the first invalid one. */
    public RecordSet {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(values, "values");
        name = DnsNames.normalize(name);
        if (ttl.isNegative() || ttl.getSeconds() > Integer.MAX_VALUE || ttl.getNano() != 0) {
            throw new IllegalArgumentException("TTL of " + name + " must be whole seconds from 0 to 2147483647, was " + ttl);
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException("record set " + name + " " + type + " has no values");
        }
        String owner = name;
        values = values.stream().map(v -> validate(owner, type, v)).distinct().toList();
        if (type == RecordType.CNAME && values.size() != 1) {
            throw new IllegalArgumentException("CNAME " + name + " must have exactly one value, has " + values.size());
        }
    }

    /** A record set of this name, type and TTL. */
    public static RecordSet of(String name, RecordType type, Duration ttl, String... values) {
        return new RecordSet(name, type, ttl, List.of(values));
    }

    /** RFC 5952 text form: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    static String compressIpv6(String expanded) {
        String[] groups = expanded.toLowerCase(java.util.Locale.ROOT).split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            groups[i] = groups[i].replaceFirst("^0+(?=.)", "");
            int j = i;
            while (j < groups.length && groups[j].replaceFirst("^0+(?=.)", "").equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    private static String validate(String name, RecordType type, String value) {
        Objects.requireNonNull(value, "record value");
        return switch (type) {
            case A -> {
                if (!IPV4.matcher(value).matches()) {
                    throw new IllegalArgumentException("A record " + name + ": '" + value + "' is not an IPv4 address");
                }
                yield value;
            }
            case AAAA -> {
                if (!value.contains(":") || !value.matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException("AAAA record " + name + ": '" + value + "' is not an IPv6 address");
                }
                try {
                    yield compressIpv6(InetAddress.getByName(value).getHostAddress());
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("AAAA record " + name + ": '" + value + "' is not an IPv6 address", e);
                }
            }
            case CNAME -> {
                try {
                    yield DnsNames.normalize(value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("CNAME " + name + ": target " + e.getMessage(), e);
                }
            }
            case TXT -> {
                if (value.length() > 255) {
                    throw new IllegalArgumentException("TXT record " + name + ": a value is " + value.length()
                            + " characters long; the limit is 255");
                }
                yield value;
            }
        };
    }
}
