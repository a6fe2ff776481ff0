package dev.cloudhop.api.naming;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Says whether a name is valid on every provider of a set (typically the providers a configuration
 * names), and if not, which provider objects and why.
 *
 * <pre>{@code
 * PortableNames names = PortableNames.of(List.of(NamingRules.AWS, NamingRules.AZURE));
 * NameCheck check = names.check(NameKind.CONTAINER, "My_Bucket");
 * check.valid();     // false
 * check.message();   // "container 'My_Bucket' is not portable: aws: S3 bucket names hold only ..."
 * }</pre>
 */
public final class PortableNames {

    private final Map<String, NamingRules> byProvider;

    private PortableNames(Map<String, NamingRules> byProvider) {
        this.byProvider = byProvider;
    }

    /** A checker for these providers' rules. */
    public static PortableNames of(Collection<NamingRules> rules) {
        Map<String, NamingRules> map = new LinkedHashMap<>();
        for (NamingRules r : rules) {
            map.putIfAbsent(r.provider(), r);
        }
        return new PortableNames(Map.copyOf(map));
    }

    /**
     * A checker for the providers the sites of {@code config} name (each provider's rules as it declares
     * them), so an application can check names against exactly the clouds it is configured for.
     */
    public static PortableNames of(dev.cloudhop.api.config.CloudhopConfig config, dev.cloudhop.api.config.ProviderRegistry providers) {
        List<NamingRules> rules = new ArrayList<>();
        for (dev.cloudhop.api.spi.SiteConfig site : config.sites()) {
            providers.find(site.info().provider()).ifPresent(p -> rules.add(p.namingRules()));
        }
        return of(rules);
    }

    /** The provider ids this checker covers. */
    public java.util.Set<String> providers() {
        return byProvider.keySet();
    }

    /** Checks a name against every provider. */
    public NameCheck check(NameKind kind, String name) {
        Objects.requireNonNull(kind, "kind");
        List<NameCheck.Violation> violations = new ArrayList<>();
        byProvider.values().stream()
                .sorted(java.util.Comparator.comparing(NamingRules::provider))
                .forEach(r -> r.violations(kind, name).forEach(v -> violations.add(new NameCheck.Violation(r.provider(), v))));
        return new NameCheck(kind, name, violations);
    }

    /**
     * The result of a check.
     *
     * @param kind       what was checked
     * @param name       the name
     * @param violations every rule broken, per provider; empty if valid everywhere
     */
    public record NameCheck(NameKind kind, String name, List<Violation> violations) {

        /** Copies. */
        public NameCheck {
            violations = List.copyOf(violations);
        }

        /** Whether the name is valid on every provider. */
        public boolean valid() {
            return violations.isEmpty();
        }

        /** A message naming the name and every violation, or "... is portable". */
        public String message() {
            if (valid()) {
                return kind.label() + " '" + name + "' is valid on every provider";
            }
            StringBuilder sb = new StringBuilder(kind.label()).append(" '").append(name).append("' is not portable:");
            for (Violation v : violations) {
                sb.append("\n  ").append(v.provider()).append(": ").append(v.reason());
            }
            return sb.toString();
        }

        /**
         * One broken rule.
         *
         * @param provider the provider whose rule it is
         * @param reason   the rule
         */
        public record Violation(String provider, String reason) {
        }
    }
}
