package dev.cloudhop.api.compute;

import java.util.Objects;

/**
 * The outcome of a script run on a node.
 *
 * @param exitCode the script's exit status
 * @param stdout   what it printed to standard output
 * @param stderr   what it printed to standard error
 */
public record ScriptResult(int exitCode, String stdout, String stderr) {

    /** Validates. */
    public ScriptResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }
}
