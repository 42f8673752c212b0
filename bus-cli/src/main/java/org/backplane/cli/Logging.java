package org.backplane.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Sets the log level of the whole process (logback, configured by {@code logback.xml} in this
 * module: one line per event on stderr). Each command applies its {@code --log-level} or its own
 * default before it does anything else: {@code info} for {@code bus server}, {@code warn} for the
 * demo and the benchmark, {@code error} for client commands, whose output is their result.
 */
final class Logging {
    /** Level names accepted by {@code --log-level}. */
    static final String LEVELS = "error, warn, info, debug, trace, off";

    private static volatile boolean debug;

    private Logging() {}

    /**
     * Sets the root level to {@code level} (one of {@link #LEVELS}); any thread.
     *
     * @throws IllegalArgumentException for an unknown level name
     */
    static void setLevel(String level) {
        String name = level.trim().toUpperCase(Locale.ROOT);
        if (!(name.equals("ERROR") || name.equals("WARN") || name.equals("INFO") || name.equals("DEBUG")
                || name.equals("TRACE") || name.equals("OFF"))) {
            throw new IllegalArgumentException("log level must be one of " + LEVELS + ", got '" + level + "'");
        }
        Level l = Level.toLevel(name);
        debug = l.toInt() <= Level.DEBUG_INT;
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(l);
        }
    }

    /** True if the last level set was debug or trace (failures then print stack traces). */
    static boolean isDebug() {
        return debug;
    }
}
