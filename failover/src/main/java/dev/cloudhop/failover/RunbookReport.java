package dev.cloudhop.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one failover (or failback) did: each step timed, with its outcome.
 *
 * @param from               the site clients left
 * @param to                 the site clients now use
 * @param reason             why it ran
 * @param epoch              the fencing epoch it established
 * @param started            when it began
 * @param took               how long it took in all
 * @param ok                 whether every required step succeeded (clients were redirected)
 * @param unreplicatedWrites blob writes acknowledged at other sites that had not reached {@code to} when
 *                           clients were redirected (the RPO in writes)
 * @param steps              the steps in order
 */
public record RunbookReport(String from, String to, String reason, long epoch, Instant started, Duration took, boolean ok,
                            int unreplicatedWrites, List<Step> steps) {

    /** Copies. */
    public RunbookReport {
        steps = List.copyOf(steps);
    }

    /**
     * One step.
     *
     * @param name   fence, settle-replication, prepare, provision, switch-dns, redirect, replay, verify
     * @param took   its duration
     * @param ok     whether it succeeded
     * @param detail what it did or why it failed
     */
    public record Step(String name, Duration took, boolean ok, String detail) {
    }

    /** The duration of a step, zero if it did not run. */
    public Duration stepTook(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).map(Step::took).findFirst().orElse(Duration.ZERO);
    }

    /** A JSON object. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"from\":").append(Json.str(from)).append(",\"to\":").append(Json.str(to))
                .append(",\"reason\":").append(Json.str(reason)).append(",\"epoch\":").append(epoch)
                .append(",\"started\":").append(Json.str(started.toString()))
                .append(",\"tookMs\":").append(Json.ms(took)).append(",\"ok\":").append(ok)
                .append(",\"unreplicatedWrites\":").append(unreplicatedWrites).append(",\"steps\":[");
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"name\":").append(Json.str(s.name())).append(",\"tookMs\":")
                    .append(Json.ms(s.took())).append(",\"ok\":").append(s.ok()).append(",\"detail\":")
                    .append(Json.str(s.detail())).append('}');
        }
        return sb.append("]}").toString();
    }
}
