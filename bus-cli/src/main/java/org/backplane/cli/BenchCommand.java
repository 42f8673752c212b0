package org.backplane.cli;

import org.backplane.cli.bench.Bench;
import org.backplane.cli.bench.BenchResult;
import org.backplane.cli.bench.BenchSettings;
import org.backplane.server.ServerConfig.Durability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code bus bench}: the end-to-end benchmark ({@link Bench}) through a server embedded in this
 * process (default; history on, temporary data directory) or a running one ({@code --servers}).
 * Prints throughput and latency percentiles, or one JSON object with {@code --json}; exits 1 if
 * any message was lost, duplicated, misnumbered or refused. {@code --engine} runs the engine's
 * benchmark instead (vsync-core), passing it the remaining arguments.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark publish -> subscribe end to end, every message checked.",
                "Throughput: --rate 0 (default), as fast as possible. Latency: a fixed --rate, e.g. 10000.",
                "Methodology and figures: docs/benchmarks.md."})
final class BenchCommand implements Callable<Integer> {
    /** The engine benchmark's main class (vsync-core, main scope), run by {@code --engine}. */
    static final String ENGINE_BENCH = "org.backplane.vsync.bench.EngineBench";

    @Spec
    private CommandSpec spec;

    @Option(names = {"-s", "--servers"}, paramLabel = "HOST:PORT[,...]", converter = ServersConverter.class,
            description = "Benchmark these running servers (default: a server embedded in this process).")
    private String servers;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "100",
            description = "Message payload size, at least " + BenchSettings.MIN_MESSAGE_BYTES + " (default: ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--publishers", paramLabel = "N", defaultValue = "1",
            description = "Publisher connections, one topic each (default: ${DEFAULT-VALUE}).")
    private int publishers;

    @Option(names = "--subscribers", paramLabel = "N", defaultValue = "1",
            description = "Subscriber connections, each to every topic (default: ${DEFAULT-VALUE}).")
    private int subscribers;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "Measured time (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s", converter = Durations.class,
            description = "Unmeasured time first (default: ${DEFAULT-VALUE}).")
    private Duration warmup;

    @Option(names = "--rate", paramLabel = "MSGS_PER_S", defaultValue = "0",
            description = "Total publish rate, paced on a fixed schedule; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    private long rate;

    @Option(names = "--window", paramLabel = "BYTES", defaultValue = "8388608",
            description = "With --rate 0, how far a publisher may run ahead of the slowest subscriber (default: ${DEFAULT-VALUE}).")
    private long window;

    @Option(names = "--durability", paramLabel = "os|interval|commit",
            description = "Durability of the embedded server (default: os).")
    private Durability durability;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    private boolean json;

    @Option(names = "--engine", description = {"Run the engine (vsync-core) benchmark instead; every argument after "
            + "--engine goes to it (e.g. --engine --members 3 --size 1024 --seconds 20 --warmup 5)."})
    private boolean engine;

    private String[] engineArgs = new String[0];

    @Mixin
    private LogLevelOption logLevel;

    @Override
    public Integer call() throws IOException, InterruptedException {
        logLevel.apply("warn");
        if (engine) {
            return runEngineBench(engineArgs);
        }
        BenchSettings settings;
        try {
            settings = new BenchSettings(size, publishers, subscribers, duration, warmup, rate, window);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        java.util.function.Consumer<String> progress = line -> {
            err.println(line);
            err.flush();
        };
        BenchResult result;
        if (servers != null) {
            result = new Bench(settings, servers, progress).run(servers + " (running server)");
        } else {
            try (EmbeddedServer embedded = EmbeddedServer.start("bus-bench-", b -> {
                if (durability != null) {
                    b.durability(durability);
                }
            })) {
                String where = embedded.address() + " (embedded in this JVM, history on, durability "
                        + embedded.server().config().durability().name().toLowerCase(java.util.Locale.ROOT) + ")";
                result = new Bench(settings, embedded.address(), progress).run(where);
            }
        }
        out.print(json ? result.json() + System.lineSeparator() : result.text());
        out.flush();
        if (!result.ok()) {
            err.println("bus: benchmark check FAILED: " + String.join("; ", result.problems()));
            return Failures.ERROR;
        }
        return 0;
    }

    /**
     * Where {@code --engine} stands in a {@code bus bench} command line, or -1: the arguments
     * after it are the engine benchmark's, not bench's ({@link Bus#execute} splits them off).
     */
    static int engineFlagIndex(String[] args) {
        if (args.length == 0 || !args[0].equals("bench")) {
            return -1;
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--engine")) {
                return i;
            }
        }
        return -1;
    }

    /** The arguments that follow {@code --engine}; called before the command line is parsed. */
    void passToEngine(String[] args) {
        this.engineArgs = args.clone();
    }

    /** Runs the engine benchmark's main with {@code args} in this JVM. */
    private static int runEngineBench(String[] args) {
        Method main;
        try {
            main = Class.forName(ENGINE_BENCH).getMethod("main", String[].class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new CliException("the engine benchmark (" + ENGINE_BENCH + ") is not part of this build yet");
        }
        try {
            main.invoke(null, (Object) args);
            return 0;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new CliException("the engine benchmark failed: " + Failures.sentence(cause), cause);
        } catch (IllegalAccessException e) {
            throw new CliException("cannot run " + ENGINE_BENCH + ": " + e.getMessage(), e);
        }
    }
}
