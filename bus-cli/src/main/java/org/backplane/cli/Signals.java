package org.backplane.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a handler for a POSIX signal ({@code TERM}, {@code INT}) so {@code bus server} can shut
 * down cleanly and exit 0 instead of the JVM's default 143/130. Uses {@code sun.misc.Signal}
 * (module jdk.unsupported, present in every OpenJDK); where it is missing the JVM's shutdown hook
 * still closes the server, only the exit code differs. The handler runs on a JVM signal thread.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /** Runs {@code action} on each delivery of signal {@code name}; false if it could not be installed. */
    static boolean handle(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.debug("cannot handle SIG{}: {}; the shutdown hook will close the server", name, e.toString());
            return false;
        }
    }
}
