package dev.cloudhop.api.naming;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The naming rules of one provider: for each {@link NameKind}, a list of rules, each a predicate a valid
 * name satisfies and the reason shown when it does not.
 *
 * <p>The rule sets of the known providers are constants here, so that {@link PortableNames} can check a
 * name against providers that are not on the class path. Immutable and thread-safe.
 */
public final class NamingRules {

    private record Rule(Predicate<String> valid, String reason) {
    }

    private final String provider;
    private final Map<NameKind, List<Rule>> rules;

    private NamingRules(String provider, Map<NameKind, List<Rule>> rules) {
        this.provider = provider;
        this.rules = rules;
    }

    /** The provider these rules belong to. */
    public String provider() {
        return provider;
    }

    /**
     * Checks a name.
     *
     * @return the reasons it is invalid for this provider; empty if it is valid
     */
    public List<String> violations(NameKind kind, String name) {
        Objects.requireNonNull(kind, "kind");
        if (name == null) {
            return List.of(kind.label() + " name must not be null");
        }
        List<String> out = new ArrayList<>();
        for (Rule rule : rules.getOrDefault(kind, List.of())) {
            if (!rule.valid().test(name)) {
                out.add(rule.reason());
            }
        }
        return List.copyOf(out);
    }

    /** The first violation, if any: convenient for error messages. */
    public Optional<String> firstViolation(NameKind kind, String name) {
        return violations(kind, name).stream().findFirst();
    }

    /** Starts a rule set for a provider. */
    public static Builder builder(String provider) {
        return new Builder(provider);
    }

    /** Builds a {@link NamingRules}. */
    public static final class Builder {
        private final String provider;
        private final Map<NameKind, List<Rule>> rules = new EnumMap<>(NameKind.class);

        private Builder(String provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
        }

        /** Adds a rule: names of {@code kind} must satisfy {@code valid}, else {@code reason}. */
        public Builder rule(NameKind kind, Predicate<String> valid, String reason) {
            rules.computeIfAbsent(kind, k -> new ArrayList<>()).add(new Rule(valid, reason));
            return this;
        }

        /** Adds every rule of {@code other}. */
        public Builder include(NamingRules other) {
            other.rules.forEach((kind, list) -> rules.computeIfAbsent(kind, k -> new ArrayList<>()).addAll(list));
            return this;
        }

        /** Builds the immutable rule set. */
        public NamingRules build() {
            Map<NameKind, List<Rule>> copy = new EnumMap<>(NameKind.class);
            rules.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return new NamingRules(provider, copy);
        }
    }

    private static Predicate<String> matches(String regex) {
        Pattern p = Pattern.compile(regex);
        return s -> p.matcher(s).matches();
    }

    private static Predicate<String> lengthBetween(int min, int max) {
        return s -> s.length() >= min && s.length() <= max;
    }

    private static Predicate<String> utf8AtMost(int bytes) {
        return s -> s.getBytes(StandardCharsets.UTF_8).length <= bytes;
    }

    private static final Predicate<String> NO_CONTROL_CHARS = s -> s.chars().noneMatch(c -> c < 0x20 || c == 0x7f);

    /** The labels of a DNS name, without its trailing dot. */
    private static String[] labels(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return n.split("\\.", -1);
    }

    /** What every DNS service demands (RFC 1035): labels of 1 to 63 octets, at most 253 in all, no empty label. */
    private static Builder dnsBasics(Builder b, String service) {
        return b.rule(NameKind.RECORD, s -> !s.isEmpty() && !s.equals("."), service + " record names are not empty")
                .rule(NameKind.RECORD, s -> java.util.Arrays.stream(labels(s)).noneMatch(String::isEmpty),
                        service + " record names have no empty label ('..', or a leading '.')")
                .rule(NameKind.RECORD, s -> java.util.Arrays.stream(labels(s)).allMatch(l -> utf8AtMost(63).test(l)),
                        service + " record name labels are at most 63 octets")
                .rule(NameKind.RECORD, s -> utf8AtMost(253).test(String.join(".", labels(s))),
                        service + " record names are at most 253 characters")
                .rule(NameKind.RECORD, s -> java.util.Arrays.stream(labels(s)).skip(1).noneMatch(l -> l.contains("*"))
                                && (labels(s)[0].equals("*") || !labels(s)[0].contains("*")),
                        service + " record names take '*' only as the whole leftmost label (a wildcard)");
    }

    private static final Predicate<String> DNS_GROUP = matches("[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])");

    /** Amazon S3 buckets and keys, SQS queues, EC2 groups. */
    public static final NamingRules AWS = dnsBasics(builder("aws"), "Route 53")
            .rule(NameKind.RECORD, matches("[A-Za-z0-9*_.-]*"),
                    "Route 53 record names hold letters, digits, '-', '_' and '*' (others need octal escapes)")
            .rule(NameKind.CONTAINER, lengthBetween(3, 63), "S3 bucket names are 3 to 63 characters long")
            .rule(NameKind.CONTAINER, matches("[a-z0-9.-]*"),
                    "S3 bucket names hold only lower-case letters, digits, '.' and '-'")
            .rule(NameKind.CONTAINER, matches("[a-z0-9].*[a-z0-9]|[a-z0-9]?"),
                    "S3 bucket names start and end with a letter or digit")
            .rule(NameKind.CONTAINER, s -> !s.contains(".."), "S3 bucket names have no two adjacent '.'")
            .rule(NameKind.CONTAINER, s -> !s.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"),
                    "S3 bucket names are not formatted as IP addresses")
            .rule(NameKind.CONTAINER, s -> !s.startsWith("xn--") && !s.startsWith("sthree-"),
                    "S3 bucket names do not start with 'xn--' or 'sthree-'")
            .rule(NameKind.CONTAINER, s -> !s.endsWith("-s3alias") && !s.endsWith("--ol-s3"),
                    "S3 bucket names do not end with '-s3alias' or '--ol-s3'")
            .rule(NameKind.BLOB, s -> !s.isEmpty(), "S3 keys are not empty")
            .rule(NameKind.BLOB, utf8AtMost(1024), "S3 keys are at most 1024 bytes in UTF-8")
            .rule(NameKind.QUEUE, matches("[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\\.fifo"),
                    "SQS queue names are 1 to 80 letters, digits, '-' or '_' (FIFO queues end in '.fifo')")
            .rule(NameKind.NODE_GROUP, DNS_GROUP,
                    "EC2 groups are 3 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit")
            .build();

    /** Azure Blob Storage containers and blobs, Storage Queues, VM groups. */
    public static final NamingRules AZURE = dnsBasics(builder("azure"), "Azure DNS")
            .rule(NameKind.RECORD, matches("[A-Za-z0-9*_.-]*"),
                    "Azure DNS record names hold letters, digits, '-', '_' and '*'")
            .rule(NameKind.CONTAINER, lengthBetween(3, 63), "Azure container names are 3 to 63 characters long")
            .rule(NameKind.CONTAINER, matches("[a-z0-9-]*"),
                    "Azure container names hold only lower-case letters, digits and '-'")
            .rule(NameKind.CONTAINER, matches("[a-z0-9].*[a-z0-9]|[a-z0-9]?"),
                    "Azure container names start and end with a letter or digit")
            .rule(NameKind.CONTAINER, s -> !s.contains("--"), "Azure container names have no two adjacent '-'")
            .rule(NameKind.BLOB, lengthBetween(1, 1024), "Azure blob names are 1 to 1024 characters long")
            .rule(NameKind.BLOB, NO_CONTROL_CHARS, "Azure blob names hold no control characters")
            .rule(NameKind.BLOB, s -> !s.contains("\\"), "Azure turns '\\' in blob names into '/'")
            .rule(NameKind.BLOB, s -> !s.endsWith(".") && !s.endsWith("/"),
                    "Azure blob names must not end with '.' or '/'")
            .rule(NameKind.QUEUE, lengthBetween(3, 63), "Azure queue names are 3 to 63 characters long")
            .rule(NameKind.QUEUE, matches("[a-z0-9-]*"), "Azure queue names hold only lower-case letters, digits and '-'")
            .rule(NameKind.QUEUE, matches("[a-z0-9].*[a-z0-9]|[a-z0-9]?"),
                    "Azure queue names start and end with a letter or digit")
            .rule(NameKind.QUEUE, s -> !s.contains("--"), "Azure queue names have no two adjacent '-'")
            .rule(NameKind.NODE_GROUP, DNS_GROUP,
                    "Azure VM groups are 3 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit")
            .build();

    /** A filesystem blob store, an Artemis broker and an SSH inventory in one's own data centre. */
    public static final NamingRules ONPREM = dnsBasics(builder("onprem"), "RFC 2136")
            .rule(NameKind.RECORD, s -> s.chars().allMatch(c -> c > 0x20 && c < 0x7f),
                    "RFC 2136 record names here are printable ASCII without spaces (use punycode for IDNs)")
            .rule(NameKind.CONTAINER, matches("[A-Za-z0-9._-]{1,255}"),
                    "on-prem container names are 1 to 255 letters, digits, '.', '-' or '_' (they are directory names)")
            .rule(NameKind.CONTAINER, s -> !s.equals(".") && !s.equals(".."), "on-prem container names are not '.' or '..'")
            .rule(NameKind.BLOB, s -> !s.startsWith("/"), "on-prem blob names do not start with '/'")
            .rule(NameKind.BLOB, s -> java.util.Arrays.stream(s.split("/", -1)).noneMatch(p -> p.equals(".") || p.equals("..")),
                    "on-prem blob names have no '.' or '..' path segments (path traversal)")
            .rule(NameKind.BLOB, s -> !s.contains("//"), "on-prem blob names have no empty path segments ('//')")
            .rule(NameKind.BLOB, s -> s.indexOf('\0') < 0 && !s.contains("\\"), "on-prem blob names hold no NUL or '\\'")
            .rule(NameKind.BLOB, s -> java.util.Arrays.stream(s.split("/")).allMatch(p -> p.getBytes(StandardCharsets.UTF_8).length <= 255),
                    "on-prem blob name segments are at most 255 bytes (a file name)")
            .rule(NameKind.QUEUE, matches("[A-Za-z0-9._-]{1,200}"), "on-prem queue names are 1 to 200 letters, digits, '.', '-' or '_'")
            .rule(NameKind.NODE_GROUP, DNS_GROUP,
                    "on-prem groups are 3 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit")
            .build();

    /**
     * The local reference provider enforces the intersection of every cloud's rules, so that names that
     * work locally work everywhere.
     */
    public static final NamingRules LOCAL = builder("local").include(AWS).include(AZURE).include(ONPREM).build();
}
