package org.backplane.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.Set;

/**
 * The {@code --log-level} option, mixed into every command that runs client or server code. Its
 * command calls {@link #apply(String)} with its own default first thing in {@code call()}.
 */
final class LogLevelOption {
    @Option(names = "--log-level", paramLabel = "LEVEL", converter = LevelName.class,
            description = "Log level on stderr: " + Logging.LEVELS + " (default: info for 'server', warn for "
                    + "'demo' and 'bench', error for the others).")
    private String level;

    /** Applies the level given on the command line, or {@code defaultLevel}. Command thread. */
    void apply(String defaultLevel) {
        Logging.setLevel(level != null ? level : defaultLevel);
    }

    /** Checks the level name when the command line is parsed: a bad one is a usage error. */
    static final class LevelName implements ITypeConverter<String> {
        private static final Set<String> NAMES = Set.of("error", "warn", "info", "debug", "trace", "off");

        @Override
        public String convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (!NAMES.contains(v)) {
                throw new TypeConversionException("log level must be one of " + Logging.LEVELS + ", got '" + value + "'");
            }
            return v;
        }
    }
}
