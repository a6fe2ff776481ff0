package dev.cloudhop.cli;

import picocli.CommandLine.Option;

/** Options of the commands that run a runbook. */
final class RunbookOptions {

    @Option(names = "--dry-run", description = "Print the plan and change nothing.")
    boolean dryRun;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (a bar on a terminal, plain lines otherwise), bar or plain.",
            converter = ProgressModes.class)
    Progress.Mode progress;

    /** Case-insensitive {@code auto}, {@code bar}, {@code plain}. */
    static final class ProgressModes implements picocli.CommandLine.ITypeConverter<Progress.Mode> {
        @Override
        public Progress.Mode convert(String value) {
            try {
                return Progress.Mode.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "': use auto, bar or plain");
            }
        }
    }
}
