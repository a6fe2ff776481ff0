package dev.cloudhop.api.dns;

import java.util.Locale;
import java.util.Objects;

/** Normalisation of DNS names: lower case, absolute (trailing dot). */
public final class DnsNames {

    private DnsNames() {
    }

    /**
     * Normalises a DNS name: lower case with one trailing dot. Rejects empty names, empty labels, labels
     * over 63 characters, names over 253 characters and characters other than letters, digits, {@code -},
     * {@code _} and a leading {@code *} label.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static String normalize(String name) {
        Objects.requireNonNull(name, "DNS name");
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty()) {
            throw new IllegalArgumentException("DNS name must not be empty");
        }
        if (n.length() > 253) {
            throw new IllegalArgumentException("DNS name '" + name + "' is longer than 253 characters");
        }
        String[] labels = n.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            String label = labels[i];
            if (label.isEmpty()) {
                throw new IllegalArgumentException("DNS name '" + name + "' has an empty label");
            }
            if (label.length() > 63) {
                throw new IllegalArgumentException("DNS name '" + name + "' has a label longer than 63 characters");
            }
            if (i == 0 && label.equals("*")) {
                continue;
            }
            for (int c = 0; c < label.length(); c++) {
                char ch = label.charAt(c);
                boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
                if (!ok) {
                    throw new IllegalArgumentException("DNS name '" + name + "' contains '" + ch
                            + "'; allowed are letters, digits, '-' and '_'");
                }
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                throw new IllegalArgumentException("DNS name '" + name + "' has a label starting or ending with '-'");
            }
        }
        return n + ".";
    }

    /** Whether normalised {@code name} equals or lies below normalised {@code zone}. */
    public static boolean isInZone(String name, String zone) {
        return name.equals(zone) || name.endsWith("." + zone);
    }
}
