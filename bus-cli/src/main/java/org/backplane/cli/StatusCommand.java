package org.backplane.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.backplane.client.BusClient;
import org.backplane.client.ServerStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code bus status}: the connected server's id, version, uptime, connections, topics and counters. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show the server's id, version, uptime, connections, topics and counters.")
final class StatusCommand implements Callable<Integer> {
    private final Invocation invocation;

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object.")
    private boolean json;

    @Mixin
    private ClientConnection connection;

    @Mixin
    private LogLevelOption logLevel;

    StatusCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        logLevel.apply("error");
        ServerStatus s;
        String address;
        try (BusClient client = connection.connect(invocation, "bus-status")) {
            s = client.status();
            address = client.connectedServer();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Output.object();
            o.put("serverId", s.serverId());
            o.put("version", s.version());
            o.put("address", address);
            o.put("startedAt", Output.timestamp(s.startedAt()));
            o.put("uptimeMillis", s.uptime().toMillis());
            o.put("connections", s.connections());
            o.put("subscriptions", s.subscriptions());
            o.put("topics", s.topics());
            o.put("published", s.published());
            o.put("delivered", s.delivered());
            o.put("rejected", s.rejected());
            out.println(Output.write(o));
            return 0;
        }
        out.printf("server         %s (Backplane %s) at %s%n", s.serverId(), s.version(), address);
        out.printf("uptime         %s (since %s)%n", human(s.uptime()), Output.timestamp(s.startedAt()));
        out.printf("connections    %s%n", Output.count(s.connections()));
        out.printf("subscriptions  %s%n", Output.count(s.subscriptions()));
        out.printf("topics         %s%n", Output.count(s.topics()));
        out.printf("published      %s%n", Output.count(s.published()));
        out.printf("delivered      %s%n", Output.count(s.delivered()));
        out.printf("rejected       %s%n", Output.count(s.rejected()));
        return 0;
    }

    /** {@code 3d 4h 05m 06s}, leading zero units left out. */
    static String human(Duration d) {
        long s = d.toSeconds();
        long days = s / 86_400;
        long hours = s / 3600 % 24;
        long minutes = s / 60 % 60;
        long seconds = s % 60;
        if (days > 0) {
            return String.format("%dd %dh %02dm %02ds", days, hours, minutes, seconds);
        }
        if (hours > 0) {
            return String.format("%dh %02dm %02ds", hours, minutes, seconds);
        }
        if (minutes > 0) {
            return String.format("%dm %02ds", minutes, seconds);
        }
        return String.format("%d.%03ds", seconds, d.toMillisPart());
    }
}
