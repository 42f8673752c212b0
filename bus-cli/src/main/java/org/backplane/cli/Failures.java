package org.backplane.cli;

import org.backplane.client.BusException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Turns an exception that escapes a command into one line on stderr ({@code bus: <why>}) and exit
 * code 1. Expected failures (server unreachable, refused posting, bad name, bad file) print their
 * own sentence; anything else is a bug and also names its exception class. With
 * {@code --log-level debug} the stack trace follows. Called on the thread that runs the command.
 */
final class Failures implements IExecutionExceptionHandler {
    /** Exit code for an error the command could not get past. */
    static final int ERROR = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println("bus: " + sentence(ex));
        if (Logging.isDebug()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ERROR;
    }

    /** The one sentence shown for {@code ex}. */
    static String sentence(Throwable ex) {
        if (ex instanceof CliException || ex instanceof BusException || ex instanceof IllegalArgumentException
                || ex instanceof UncheckedIOException || ex instanceof IOException) {
            String m = ex.getMessage();
            return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
        }
        return "unexpected " + ex.getClass().getName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
                + " (a bug; rerun with --log-level debug for the stack trace)";
    }
}
