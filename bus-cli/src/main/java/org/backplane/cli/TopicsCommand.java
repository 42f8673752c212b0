package org.backplane.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.backplane.client.BusClient;
import org.backplane.client.TopicInfo;
import org.backplane.client.TopicPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bus topics [PATTERN]}: the topics the server holds, sorted by name, with what each
 * retains: a table, or one JSON object per topic with {@code --json}.
 */
@Command(name = "topics", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List topics with their retained messages, first and last seq, and bytes.")
final class TopicsCommand implements Callable<Integer> {
    private final Invocation invocation;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATTERN", defaultValue = "/**",
            description = "Topics to list (default: ${DEFAULT-VALUE}, every topic).")
    private String pattern;

    @Option(names = "--json",
            description = "One JSON object per topic: topic, retained, firstSeq, lastSeq, bytes, lastTimestamp.")
    private boolean json;

    @Mixin
    private ClientConnection connection;

    @Mixin
    private LogLevelOption logLevel;

    TopicsCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        logLevel.apply("error");
        String problem = TopicPattern.problem(pattern);
        if (problem != null) {
            throw new CliException(problem);
        }
        List<TopicInfo> topics;
        try (BusClient client = connection.connect(invocation, "bus-topics")) {
            topics = new ArrayList<>(client.topics(pattern));
        }
        topics.sort((a, b) -> a.name().compareTo(b.name()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            for (TopicInfo t : topics) {
                ObjectNode o = Output.object();
                o.put("topic", t.name());
                o.put("retained", t.retainedCount());
                o.put("firstSeq", t.firstSeq());
                o.put("lastSeq", t.lastSeq());
                o.put("bytes", t.retainedBytes());
                o.put("lastTimestamp", t.lastSeq() == 0 ? null : Output.timestamp(t.lastTimestamp()));
                out.println(Output.write(o));
            }
            return 0;
        }
        if (topics.isEmpty()) {
            out.println("no topics match " + pattern);
            return 0;
        }
        Table table = new Table("TOPIC", "RETAINED", "FIRST", "LAST", "BYTES", "LAST POSTED");
        for (TopicInfo t : topics) {
            table.row(t.name(), Output.count(t.retainedCount()), Long.toString(t.firstSeq()), Long.toString(t.lastSeq()),
                    Output.count(t.retainedBytes()), t.lastSeq() == 0 || t.lastTimestamp().equals(Instant.EPOCH) ? "-"
                            : Output.timestamp(t.lastTimestamp()));
        }
        table.print(out);
        return 0;
    }
}
