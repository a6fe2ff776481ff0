package dev.cloudhop.api.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a configuration is invalid; lists every problem at once, each naming its key and file. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    /** @param problems every problem found; at least one */
    public ConfigException(List<ConfigProblem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    private static String format(List<ConfigProblem> problems) {
        return "invalid Cloudhop configuration (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                + "):" + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining());
    }

    /** Every problem found. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
