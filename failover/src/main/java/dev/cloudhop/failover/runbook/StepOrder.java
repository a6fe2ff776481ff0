package dev.cloudhop.failover.runbook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Places application steps among the built-in ones. */
final class StepOrder {

    private StepOrder() {
    }

    /**
     * The built-in steps with {@code added} inserted in the order given: before an anchor means just before
     * it; after an anchor means after it and after the steps already placed after it.
     *
     * @throws IllegalArgumentException when an anchor names no step or a step's name is taken
     */
    static List<RunbookStep> of(List<RunbookStep> builtIns, List<Map.Entry<RunbookStep.Position, RunbookStep>> added) {
        List<RunbookStep> steps = new ArrayList<>(builtIns);
        Set<String> names = new HashSet<>();
        Map<String, String> lastAfter = new HashMap<>();
        steps.forEach(s -> names.add(s.name()));
        for (Map.Entry<RunbookStep.Position, RunbookStep> e : added) {
            RunbookStep step = e.getValue();
            if (!names.add(step.name())) {
                throw new IllegalArgumentException("a runbook step named '" + step.name() + "' exists already");
            }
            String anchor = e.getKey().anchor();
            int at = indexOf(steps, anchor);
            if (at < 0) {
                throw new IllegalArgumentException("no runbook step named '" + anchor + "'; steps: "
                        + steps.stream().map(RunbookStep::name).toList());
            }
            if (e.getKey().before()) {
                steps.add(at, step);
            } else {
                // after the anchor and after the steps already placed after it, in the order they were added
                steps.add(indexOf(steps, lastAfter.getOrDefault(anchor, anchor)) + 1, step);
                lastAfter.put(anchor, step.name());
            }
        }
        return List.copyOf(steps);
    }

    private static int indexOf(List<RunbookStep> steps, String name) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
