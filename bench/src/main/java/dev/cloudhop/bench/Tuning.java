package dev.cloudhop.bench;

import java.util.Locale;

/**
 * The detection and runbook order a benchmark runs with, from its command line, written into the failover section
 * of its configuration: so that one benchmark can measure before (count detection, compute first) and after (phi
 * detection, data plane first) on the same machine in the same run.
 *
 * @param detection {@code default} (the configuration's default), {@code count}, {@code phi:THRESHOLD}, or
 *                  {@code phi:THRESHOLD:PAUSE_MS} (with {@code acceptable-pause} in milliseconds)
 * @param order     {@code default}, {@code data-plane-first} or {@code compute-first}
 */
record Tuning(String detection, String order) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the argument that is wrong
     */
    Tuning {
        if (!detection.equals("default") && !detection.equals("count") && !detection.matches("phi:[0-9]+(\\.[0-9]+)?(:[0-9]+)?")) {
            throw new IllegalArgumentException("detection must be default, count, phi:THRESHOLD or phi:THRESHOLD:PAUSE_MS (e.g. phi:4 or"
                    + " phi:4:600), was '" + detection + "'");
        }
        if (!order.equals("default") && !order.equals("data-plane-first") && !order.equals("compute-first")) {
            throw new IllegalArgumentException("order must be default, data-plane-first or compute-first, was '" + order + "'");
        }
    }

    /** The failover section with these settings added after its {@code passive.consecutive-failures} line. */
    String apply(String failover) {
        StringBuilder lines = new StringBuilder();
        if (detection.equals("count")) {
            lines.append("\n  detection { kind = count }");
        } else if (detection.startsWith("phi:")) {
            String[] parts = detection.split(":");
            lines.append("\n  detection { kind = phi, phi-threshold = ").append(parts[1]);
            if (parts.length > 2) {
                lines.append(", acceptable-pause = ").append(parts[2]).append(" ms");
            }
            lines.append(" }");
        }
        if (!order.equals("default")) {
            lines.append("\n  runbook.order = ").append(order);
        }
        String anchor = "passive.consecutive-failures = 3";
        if (!failover.contains(anchor)) {
            throw new IllegalStateException("the failover section has no '" + anchor + "' line to add the tuning after");
        }
        return failover.replace(anchor, anchor + lines);
    }

    /** How the tuning reads in a table's heading. */
    String label() {
        return String.format(Locale.ROOT, "detection %s, runbook order %s", detection, order);
    }
}
