package org.backplane.cli;

import org.backplane.server.BusServer;
import org.backplane.server.ServerConfig;
import org.backplane.server.ServerConfig.Durability;
import org.backplane.server.ServerConfig.RetentionRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bus server}: runs one Backplane node in this process until SIGTERM or Ctrl-C, then shuts
 * it down cleanly (every accepted posting stored and acked, the history closed) and exits 0. A
 * second signal during the shutdown exits at once.
 *
 * <p>Each option sets the {@link ServerConfig} key of the same name (docs/configuration.md);
 * {@code --config FILE} reads the keys from JSON first and options given on the command line
 * replace the file's values ({@code --retention} replaces the file's whole rule list).
 */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a Backplane server (one node) until SIGTERM or Ctrl-C.",
                "With no options: listens on 127.0.0.1:7420, history in ./bus-data."})
final class ServerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Read the configuration from this JSON file (keys as in docs/configuration.md); "
                    + "options below override its keys.")
    private Path configFile;

    @Option(names = {"-l", "--listen"}, paramLabel = "HOST:PORT",
            description = "Address to listen on; port 0 picks a free one (default: 127.0.0.1:7420).")
    private String listen;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR", description = "History directory (default: ./bus-data).")
    private Path dataDir;

    @Option(names = "--server-id", paramLabel = "ID",
            description = "Server id in status and logs (default: bus-HOST-PORT).")
    private String serverId;

    @Option(names = "--durability", paramLabel = "os|interval|commit",
            description = "When an acked posting reaches the disk: os (page cache, survives a process crash; "
                    + "the default), interval (forced at least every --durability-interval), commit "
                    + "(forced before the ack).")
    private Durability durability;

    @Option(names = "--durability-interval", paramLabel = "DURATION", converter = Durations.class,
            description = "Longest time between forced writes with --durability interval (default: 1s).")
    private Duration durabilityInterval;

    @Option(names = "--retention", paramLabel = "RULE", converter = RetentionRules.class,
            description = {"A retention rule (repeatable; the first matching rule wins; topics no rule "
                    + "matches keep everything):",
                    "  pattern=/DEMO/QUOTES/*,maxCount=N,maxAge=DURATION,maxBytes=N,compact",
                    "compact keeps only the latest posting per key."})
    private List<RetentionRule> retention;

    @Option(names = "--max-message-bytes", paramLabel = "N",
            description = "Largest posting (key + headers + payload) in bytes (default: 1048576).")
    private Integer maxMessageBytes;

    @Option(names = "--max-frame-bytes", paramLabel = "N",
            description = "Largest frame in bytes (default: max message bytes + 65536).")
    private Integer maxFrameBytes;

    @Option(names = "--max-connections", paramLabel = "N", description = "Most client connections (default: 10000).")
    private Integer maxConnections;

    @Option(names = "--max-subscriptions-per-connection", paramLabel = "N",
            description = "Most subscriptions per connection (default: 1024).")
    private Integer maxSubscriptionsPerConnection;

    @Option(names = "--max-in-flight-per-connection", paramLabel = "N",
            description = "Most unacked postings per connection before the server stops reading it (default: 4096).")
    private Integer maxInFlightPerConnection;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Close a connection silent this long (default: 30s).")
    private Duration idleTimeout;

    @Option(names = "--io-threads", paramLabel = "N", description = "Network I/O threads; 0 = automatic: one per core above two cores, else one (default: 0).")
    private Integer ioThreads;

    @Option(names = "--print-config", description = "Print the effective configuration as JSON and exit.")
    private boolean printConfig;

    @Mixin
    private LogLevelOption logLevel;

    @Override
    public Integer call() {
        logLevel.apply("info");
        ServerConfig config = config();
        if (printConfig) {
            spec.commandLine().getOut().println(config.toJson());
            return 0;
        }
        BusServer server = start(config);
        for (RetentionRule r : config.retention()) {
            log.info("retention {}", RetentionRules.format(r));
        }
        runUntilSignalled(server);
        return 0;
    }

    /** The file's keys (if any), then the command line's. */
    ServerConfig config() {
        ServerConfig.Builder b;
        if (configFile != null) {
            try {
                b = ServerConfig.fromFile(configFile).toBuilder();
            } catch (NoSuchFileException e) {
                throw new CliException("config file " + configFile + " does not exist");
            } catch (IOException e) {
                throw new CliException("cannot read config file " + configFile + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CliException("config file " + configFile + ": " + e.getMessage());
            }
        } else {
            b = ServerConfig.builder();
        }
        try {
            if (listen != null) b.listen(listen);
            if (dataDir != null) b.dataDir(dataDir);
            if (serverId != null) b.serverId(serverId);
            if (durability != null) b.durability(durability);
            if (durabilityInterval != null) b.durabilityInterval(durabilityInterval);
            if (retention != null) b.retention(retention);
            if (maxMessageBytes != null) b.maxMessageBytes(maxMessageBytes);
            if (maxFrameBytes != null) b.maxFrameBytes(maxFrameBytes);
            if (maxConnections != null) b.maxConnections(maxConnections);
            if (maxSubscriptionsPerConnection != null) b.maxSubscriptionsPerConnection(maxSubscriptionsPerConnection);
            if (maxInFlightPerConnection != null) b.maxInFlightPerConnection(maxInFlightPerConnection);
            if (idleTimeout != null) b.idleTimeout(idleTimeout);
            if (ioThreads != null) b.ioThreads(ioThreads);
            return b.build();
        } catch (IllegalArgumentException e) {
            if (configFile != null) {
                throw new CliException("invalid configuration (" + configFile + " and options): " + e.getMessage());
            }
            throw new ParameterException(spec.commandLine(), "Invalid value: " + e.getMessage());
        }
    }

    private static BusServer start(ServerConfig config) {
        try {
            return BusServer.start(config);
        } catch (RuntimeException e) {
            Throwable bind = bindFailure(e);
            if (bind != null) {
                throw new CliException("cannot listen on " + config.listen().getHostString() + ":"
                        + config.listen().getPort() + ": " + bind.getMessage()
                        + " (another server running? pick another --listen)", e);
            }
            if (e instanceof UncheckedIOException) {
                throw new CliException(e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * The exception saying the address could not be bound, or null. BusServer reports a bind
     * failure as a failure to open the history (an IOException from Netty's native transport
     * ends up in the same catch), so the chain is searched.
     */
    private static Throwable bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return t;
            }
            if (t.getMessage() != null && t.getMessage().contains("bind(") && (t.getCause() == null
                    || t.getCause().getMessage() == null || !t.getCause().getMessage().contains("bind("))) {
                return t;
            }
        }
        return null;
    }

    /**
     * Blocks until SIGTERM or SIGINT (or JVM shutdown), then closes {@code server}. The signal
     * handlers only wake this thread; a second signal halts the process (the history is
     * crash-safe, so a forced exit loses no acked posting with durability os or stronger).
     */
    private static void runUntilSignalled(BusServer server) {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger signals = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signals.handle(name, () -> {
                if (signals.incrementAndGet() == 1) {
                    log.info("SIG{} received: shutting down (signal again to exit at once)", name);
                    stop.countDown();
                } else {
                    log.warn("SIG{} received again: exiting without waiting for the shutdown", name);
                    Runtime.getRuntime().halt(name.equals("INT") ? 130 : 143);
                }
            });
        }
        // any other way the JVM ends (SIGHUP, System.exit) still closes the server
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bus-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.close();
        } finally {
            stopped.countDown();
        }
    }
}
