package org.backplane.cli;

import org.backplane.client.BusClient;
import org.backplane.client.Posting;
import org.backplane.client.PublishAck;
import org.backplane.client.TopicName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code bus post TOPIC [TEXT...]}: publishes TEXT (the words joined by spaces) as one posting,
 * or with no TEXT one posting per line of standard input, and prints each ack in posting order
 * ({@code /TOPIC seq=42}, or JSON with {@code --json}). Standard input is streamed: postings go
 * out while later lines are read, up to the client's in-flight window. A posting the server
 * refuses is reported on stderr and the rest still go; the exit code is then 1.
 */
@Command(name = "post", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Publish to a topic: TEXT as one posting, or one posting per line of stdin.",
                "Prints the seq of each ack, e.g. /DEMO/X seq=42."})
final class PostCommand implements Callable<Integer> {
    private final Invocation invocation;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name, e.g. /DEMO/NEWS (docs/PROTOCOL.md, \"Topic names\").")
    private String topic;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "TEXT",
            description = "The payload (words joined by spaces); omit to read one posting per stdin line.")
    private List<String> text;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY",
            description = "Key of the posting(s): retention can keep only the latest posting per key.")
    private String key;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME=VALUE", description = "A header (repeatable).")
    private Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print each ack as a JSON object (topic, seq, timestamp).")
    private boolean json;

    @Mixin
    private ClientConnection connection;

    @Mixin
    private LogLevelOption logLevel;

    PostCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() throws IOException {
        logLevel.apply("error");
        String problem = TopicName.problem(topic);
        if (problem != null) {
            throw new CliException(problem);
        }
        Posting template = Posting.to(topic).key(key).headers(headers);
        PrintWriter out = spec.commandLine().getOut();
        try (BusClient client = connection.connect(invocation, "bus-post")) {
            if (text != null && !text.isEmpty()) {
                PublishAck ack = client.publishSync(template.payload(String.join(" ", text)));
                out.println(json ? Output.json(ack) : Output.text(ack));
                return 0;
            }
            return postLines(client, template, out);
        }
    }

    /** One posting per stdin line, pipelined; acks printed in line order as they arrive. */
    private int postLines(BusClient client, Posting template, PrintWriter out) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        BufferedReader reader = new BufferedReader(new InputStreamReader(invocation.in(), StandardCharsets.UTF_8));
        ArrayDeque<CompletableFuture<PublishAck>> pending = new ArrayDeque<>();
        int failures = 0;
        long line = 0;
        long firstPending = 1;
        String s;
        while ((s = reader.readLine()) != null) {
            line++;
            pending.add(client.publish(template.payload(s)));
            while (!pending.isEmpty() && pending.peek().isDone()) {
                failures += report(pending.poll(), firstPending++, out, err);
            }
            if (!reader.ready()) {
                out.flush(); // interactive input: show acks as lines are typed
            }
        }
        client.flush(client.options().publishTimeout().plus(Duration.ofSeconds(1)));
        while (!pending.isEmpty()) {
            failures += report(pending.poll(), firstPending++, out, err);
        }
        if (failures > 0) {
            err.println("bus: " + failures + " of " + line + " postings failed");
            return Failures.ERROR;
        }
        return 0;
    }

    /** Prints the ack of stdin line {@code line}, or its failure; returns 1 if it failed. */
    private int report(CompletableFuture<PublishAck> future, long line, PrintWriter out, PrintWriter err) {
        try {
            PublishAck ack = future.get();
            out.println(json ? Output.json(ack) : Output.text(ack));
            return 0;
        } catch (ExecutionException e) {
            out.flush();
            err.println("bus: line " + line + " not posted: " + Failures.sentence(e.getCause()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
