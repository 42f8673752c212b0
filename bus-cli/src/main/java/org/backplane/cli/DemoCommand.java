package org.backplane.cli;

import org.backplane.samples.salary.SalaryDemo;
import org.backplane.samples.trading.TradingSample;
import org.backplane.samples.trading.TradingSample.Settings;
import org.backplane.samples.trading.TradingSample.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code bus demo [trading|salary]}: by default the trading sample ({@link TradingSample}) against a server embedded in this
 * process, on a free port with a temporary data directory that is deleted at the end (also on
 * Ctrl-C), or against a running server with {@code --servers}. Ends by itself: the feed runs
 * {@code --duration} (default 8 s, at most 20 s) and the whole demo well within 30 s; exit 0
 * when the summary is OK. {@code bus demo salary} runs the replicated salary database of the
 * paper's Figures 10 and 11 on the engine instead ({@link SalaryDemo}: three replicas on loopback,
 * ABCAST updates, a crash, a new replica caught up by state transfer).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the trading demo: a quote feed, an index computed from several topics, and a "
                + "subscriber that joins late, replays, then follows live. Ends by itself with a summary.",
                "Without --servers it starts its own server on a free port with a temporary data directory "
                        + "and removes both at the end.",
                "'bus demo salary' runs the replicated salary database of CACM 1993 Figures 10 and 11 on the "
                        + "virtual-synchrony engine instead: three replicas, ABCAST updates, a crash, and a new "
                        + "replica that receives the table by state transfer."})
final class DemoCommand implements Callable<Integer> {
    /** Longest feed: keeps the whole demo within 30 s. */
    static final Duration MAX_FEED = Duration.ofSeconds(20);

    @Spec
    private CommandSpec spec;

    /** The two samples {@code bus demo} can run. */
    enum Sample { trading, salary }

    @Parameters(index = "0", arity = "0..1", paramLabel = "SAMPLE", defaultValue = "trading",
            description = "trading (default) or salary.")
    private Sample sample;

    @Option(names = {"-s", "--servers"}, paramLabel = "HOST:PORT[,...]", converter = ServersConverter.class,
            description = "Run against these servers instead of an embedded one.")
    private String servers;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.class, defaultValue = "8s",
            description = "How long the feed runs, at most 20s (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "200", description = "Quotes per second (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1993", description = "Seed of the prices (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Mixin
    private LogLevelOption logLevel;

    @Override
    public Integer call() throws Exception {
        logLevel.apply("warn");
        if (sample == Sample.salary) {
            PrintWriter out = new PrintWriter(spec.commandLine().getOut(), true);
            out.println("Backplane salary database demo (CACM 1993, Figures 10 and 11)");
            return SalaryDemo.run(out) ? 0 : Failures.ERROR;
        }
        if (duration.compareTo(MAX_FEED) > 0 || duration.toMillis() < 1000) {
            throw new ParameterException(spec.commandLine(), "--duration must be 1s..20s, got " + duration.toSeconds() + "s");
        }
        Settings defaults = Settings.defaults();
        Settings settings;
        try {
            settings = new Settings(defaults.symbols(), rate, duration,
                    Duration.ofMillis(Math.min(defaults.lateJoinAfter().toMillis(), duration.toMillis() * 3 / 8)), seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = new PrintWriter(spec.commandLine().getOut(), true);
        out.println("Backplane trading demo");
        if (servers != null) {
            out.printf("server %s (running server)%n", servers);
            return run(servers, settings, out);
        }
        try (EmbeddedServer embedded = EmbeddedServer.start("bus-demo-", b -> { })) {
            out.printf("server embedded on %s, history in %s (deleted at the end)%n", embedded.address(),
                    embedded.dataDir());
            return run(embedded.address(), settings, out);
        }
    }

    private static int run(String servers, Settings settings, PrintWriter out) throws InterruptedException {
        Summary summary = TradingSample.run(servers, settings, out);
        out.println();
        out.println("Next: README.md walks through the same with ./bus server, post, tail, topics and status.");
        return summary.ok() ? 0 : Failures.ERROR;
    }
}
