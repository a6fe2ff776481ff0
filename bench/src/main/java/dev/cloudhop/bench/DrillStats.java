package dev.cloudhop.bench;

import dev.cloudhop.failover.drill.DrillReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The figures of a series of drills, collected from their reports: what every drill benchmark prints. */
final class DrillStats {

    final List<Double> detectionMs = new ArrayList<>();
    final List<Double> rtoMs = new ArrayList<>();
    final List<Double> provisioningMs = new ArrayList<>();
    final List<Double> frontDoorMs = new ArrayList<>();
    final List<Double> rpoWrites = new ArrayList<>();
    long ordersAcknowledged;
    double seconds;
    long lost;
    long twice;
    long calls;
    long failedCalls;

    /** Adds one drill's report. */
    DrillReport add(DrillReport r) {
        return add(r, Duration.ZERO);
    }

    /**
     * Adds one drill's report with its detection and recovery times measured from {@code later} after the report's
     * fault (a scenario's second fault) instead of from the fault.
     */
    DrillReport add(DrillReport r, Duration later) {
        double shiftMs = later.toNanos() / 1e6;
        detectionMs.add(r.detection() == null ? Double.NaN : r.detection().toNanos() / 1e6 - shiftMs);
        rtoMs.add(r.rto().toNanos() / 1e6 - shiftMs);
        provisioningMs.add(r.provisioning().toNanos() / 1e6);
        frontDoorMs.add(r.frontDoorRto().map(d -> d.toNanos() / 1e6 - shiftMs).orElse(Double.NaN));
        rpoWrites.add((double) r.rpoWrites());
        ordersAcknowledged += count(r, "ordersAcknowledged");
        seconds += r.took().toNanos() / 1e9;
        lost += count(r, "ordersLost");
        twice += count(r, "ordersProcessedTwice");
        calls += r.calls();
        failedCalls += r.failedCalls();
        return r;
    }

    /** Whether the report shows an order lost or processed twice. */
    static boolean broke(DrillReport r) {
        return count(r, "ordersLost") > 0 || count(r, "ordersProcessedTwice") > 0;
    }

    /** Acknowledged orders per second over the drills' whole duration. */
    double writeRate() {
        return seconds == 0 ? 0 : ordersAcknowledged / seconds;
    }

    private static long count(DrillReport r, String key) {
        return ((Number) r.workload().get(key)).longValue();
    }

    /** Nearest-rank percentile, ignoring NaN (a drill that never detected the fault). */
    static double pct(List<Double> values, int p) {
        List<Double> sorted = values.stream().filter(v -> !v.isNaN()).sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
