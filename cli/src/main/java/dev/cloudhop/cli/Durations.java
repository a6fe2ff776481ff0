package dev.cloudhop.cli;

import java.time.Duration;
import picocli.CommandLine;

/** Durations as in configuration files: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 2 s}. */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return com.typesafe.config.ConfigFactory.parseString("d = \"" + value.replace("\"", "") + "\"").getDuration("d");
        } catch (com.typesafe.config.ConfigException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 2s, 1m)");
        }
    }
}
