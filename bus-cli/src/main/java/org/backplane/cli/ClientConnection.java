package org.backplane.cli;

import org.backplane.client.BusClient;
import org.backplane.client.ClientOptions;
import org.backplane.client.ConnectionListener;
import org.backplane.server.ServerConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The options every client command shares ({@code --servers}, {@code --connect-timeout}), mixed
 * into each, and the one place that turns them and {@code $BUS_SERVERS} into a connected
 * {@link BusClient}.
 */
final class ClientConnection {
    /** Where client commands connect when neither {@code --servers} nor {@code $BUS_SERVERS} says. */
    static final String DEFAULT_SERVERS = "127.0.0.1:" + ClientOptions.DEFAULT_PORT;

    @Option(names = {"-s", "--servers"}, paramLabel = "HOST:PORT[,...]", converter = ServersConverter.class,
            description = "Servers to connect to, tried in order (default: $BUS_SERVERS, else " + DEFAULT_SERVERS + ").")
    private String servers;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "How long to keep trying to reach a server before giving up (default: ${DEFAULT-VALUE}).")
    private Duration connectTimeout;

    /** After this long without a server, say on stderr that the command is waiting for one. */
    static final Duration WAITING_NOTICE_AFTER = Duration.ofSeconds(1);

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /** The servers given on the command line or in the environment, or null if neither says. */
    String explicitServers(Invocation invocation) {
        return servers != null ? servers : invocation.serversFromEnvironment();
    }

    /** The servers to use: {@code --servers}, else {@code $BUS_SERVERS}, else the default. */
    String servers(Invocation invocation) {
        String s = explicitServers(invocation);
        return s != null ? s : DEFAULT_SERVERS;
    }

    /** {@link #connect(Invocation, String, ConnectionListener)} without a listener. */
    BusClient connect(Invocation invocation, String clientName) {
        return connect(invocation, clientName, new ConnectionListener() {});
    }

    /**
     * Connects to the chosen servers as {@code clientName}, blocking until one answers or the
     * connect timeout passes. Command thread.
     *
     * @throws CliException saying which servers could not be reached and why
     */
    BusClient connect(Invocation invocation, String clientName, ConnectionListener listener) {
        String chosen = servers(invocation);
        ClientOptions options;
        try {
            options = ClientOptions.builder().servers(chosen).name(clientName).connectTimeout(connectTimeout)
                    .listener(listener).build();
        } catch (IllegalArgumentException e) {
            // only $BUS_SERVERS gets here: --servers was checked when parsed
            throw new CliException(Invocation.SERVERS_VARIABLE + ": " + e.getMessage());
        }
        AtomicBoolean connected = new AtomicBoolean();
        if (connectTimeout.compareTo(WAITING_NOTICE_AFTER) > 0) {
            // a server started a moment ago (./bus server &) may need a few seconds: say we wait
            CompletableFuture.delayedExecutor(WAITING_NOTICE_AFTER.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (!connected.get()) {
                    command.commandLine().getErr().printf("bus: waiting for a server at %s (up to %s, --connect-timeout)...%n",
                            chosen, ServerConfig.formatDuration(connectTimeout));
                    command.commandLine().getErr().flush();
                }
            });
        }
        try {
            return BusClient.connect(options);
        } finally {
            connected.set(true);
        }
    }
}
