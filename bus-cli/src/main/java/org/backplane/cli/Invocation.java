package org.backplane.cli;

import java.io.InputStream;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@code bus} invocation runs with besides its arguments and output streams: standard
 * input and the environment. Passed to the commands that read either, so tests can run the CLI
 * in-process with their own.
 *
 * @param in standard input
 * @param env the environment variables
 */
record Invocation(InputStream in, Map<String, String> env) {
    /** The environment variable naming the servers when {@code --servers} is absent. */
    static final String SERVERS_VARIABLE = "BUS_SERVERS";

    Invocation {
        Objects.requireNonNull(in, "in");
        env = Map.copyOf(env);
    }

    /** {@code $BUS_SERVERS} if set and not blank, else null. */
    String serversFromEnvironment() {
        String s = env.get(SERVERS_VARIABLE);
        return s == null || s.isBlank() ? null : s.trim();
    }
}
