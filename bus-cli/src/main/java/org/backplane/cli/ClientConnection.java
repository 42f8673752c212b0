package org.backplane.cli;

import org.backplane.client.BusClient;
import org.backplane.client.ClientOptions;
import org.backplane.client.ConnectionListener;
import picocli.CommandLine.Option;

import java.time.Duration;

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
        return BusClient.connect(options);
    }
}
