package org.backplane.cli;

/**
 * An error a command reports to its user in one sentence and exits 1 for (a server that cannot
 * be reached, a bad topic name, a port in use). Thrown from a command's {@code call()}; printed
 * by {@link Failures} as {@code bus: <message>}.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
