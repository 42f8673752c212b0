package org.backplane.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --log-level} option, mixed into every command that runs client or server code. Its
 * command calls {@link #apply(String)} with its own default first thing in {@code call()}.
 */
final class LogLevelOption {
    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "Log level on stderr: " + Logging.LEVELS + " (default: info for 'server', warn for "
                    + "'demo' and 'bench', error for the others).")
    private String level;

    /** Applies the level given on the command line, or {@code defaultLevel}. Command thread. */
    void apply(String defaultLevel) {
        Logging.setLevel(level != null ? level : defaultLevel);
    }
}
