package org.backplane.samples.trading;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test helper: the samples module has no logback-test.xml of its own (the module is shared), so
 * logback's default (DEBUG to stdout) would mix with what the samples print. Tests that read
 * stdout call {@link #warnOnly()} first.
 */
final class QuietLogs {
    private QuietLogs() {}

    static void warnOnly() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }
}
