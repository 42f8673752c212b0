package org.backplane.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Installs a handler for a POSIX signal ({@code TERM}, {@code INT}) so {@code bus server} can shut
 * down cleanly and exit 0 instead of the JVM's default 143/130. Uses {@code sun.misc.Signal}
 * (module jdk.unsupported, exported in every OpenJDK), reached by reflection so the build carries
 * no internal-API warning; where it is missing the JVM's shutdown hook still closes the server,
 * only the exit code differs. The handler runs on a JVM signal thread.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /** Runs {@code action} on each delivery of signal {@code name}; false if it could not be installed. */
    static boolean handle(String name, Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "signal handler for SIG" + name;
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            handle.invoke(null, signal, handler);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.debug("cannot handle SIG{}: {}; the shutdown hook will close the server", name, e.toString());
            return false;
        }
    }
}
