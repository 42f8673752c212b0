package org.backplane.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.backplane.client.protocol.FrameDecoder;
import org.backplane.client.protocol.FrameEncoder;
import org.backplane.client.protocol.NettyTransport;
import org.backplane.history.Durability;
import org.backplane.history.HistoryConfig;
import org.backplane.history.HistoryStore;
import org.backplane.history.RetentionPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A running single-node Backplane server: the history store, the delivery path
 * ({@link Orderer} then {@link Delivery}) and the client listener. Start one with
 * {@link #start(ServerConfig)}, embedded in any JVM (the CLI's {@code bus server} and
 * {@code bus demo}, and every test, do exactly that); stop it with {@link #close()}.
 * <pre>{@code
 * try (BusServer server = BusServer.start(ServerConfig.builder().listen("127.0.0.1:0").dataDir(dir).build())) {
 *     BusClient client = BusClient.connect(server.addressString());
 * }
 * }</pre>
 * All public methods are thread-safe.
 */
public final class BusServer implements AutoCloseable {
    /** The server software version, sent in WELCOME and STATUS. */
    public static final String VERSION = "0.1.0";

    private static final Logger log = LoggerFactory.getLogger(BusServer.class);
    /** Frame limit before HELLO (raised to maxFrameBytes after it): a stranger cannot make us buffer much. */
    static final int HANDSHAKE_FRAME_BYTES = 64 * 1024;

    private final ServerConfig config;
    private final HistoryStore store;
    private final LocalOrderer orderer;
    private final ServerContext context;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    /** The delivery loop's own group when it serves no connection (durability commit), else null. */
    private final EventLoopGroup deliveryGroup;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;
    private final InetSocketAddress address;
    private final Object closeLock = new Object();
    private boolean closed;
    private final String serverId;

    private BusServer(ServerConfig config, Clock clock) throws IOException {
        this.config = config;
        long startedAt = clock.millis();
        this.store = HistoryStore.open(historyConfig(config));
        ServerMetrics metrics = new ServerMetrics();
        SubscriptionRegistry registry = new SubscriptionRegistry();
        this.bossGroup = NettyTransport.newGroup(1, "bus-accept");
        this.ioGroup = NettyTransport.newGroup(ioLoops(config, Runtime.getRuntime().availableProcessors()), "bus-io");
        // Deliveries run on the first I/O loop, so a connection served by it goes from socket read
        // to append, ack and subscriber wake-up without a thread handoff. With durability commit
        // every batch waits for the disk, which would stall that loop's connections: there, the
        // delivery loop serves no connection.
        this.deliveryGroup = config.durability() == ServerConfig.Durability.COMMIT
                ? NettyTransport.newGroup(1, "bus-delivery") : null;
        EventLoop deliveryLoop = (EventLoop) (deliveryGroup != null ? deliveryGroup : ioGroup).iterator().next();
        this.orderer = new LocalOrderer(new Delivery(store, registry, metrics, clock), clock, deliveryLoop);
        this.context = new ServerContext(config, store, orderer, registry, metrics, clock, startedAt);
        Channel bound = null;
        try {
            orderer.start();
            ServerBootstrap b = new ServerBootstrap()
                    .group(bossGroup, ioGroup)
                    .channel(NettyTransport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            ch.pipeline().addLast(
                                    new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                                    new FrameDecoder(Math.min(HANDSHAKE_FRAME_BYTES, config.maxFrameBytes()), true),
                                    FrameEncoder.INSTANCE,
                                    new SessionHandler(context));
                        }
                    });
            InetSocketAddress listen = new InetSocketAddress(config.listen().getHostString(), config.listen().getPort());
            if (listen.isUnresolved()) {
                throw new IllegalArgumentException("cannot listen on " + ServerConfig.describe(config.listen())
                        + ": unknown host");
            }
            io.netty.channel.ChannelFuture f = b.bind(listen).awaitUninterruptibly();
            if (!f.isSuccess()) {
                throw new IllegalStateException("cannot listen on " + ServerConfig.describe(config.listen()) + ": "
                        + f.cause().getMessage(), f.cause());
            }
            bound = f.channel();
        } catch (RuntimeException e) {
            orderer.close();
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            if (deliveryGroup != null) {
                deliveryGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            store.close();
            throw e;
        }
        this.serverChannel = bound;
        this.address = (InetSocketAddress) bound.localAddress();
        this.serverId = config.serverId() != null ? config.serverId()
                : "bus-" + address.getHostString() + "-" + address.getPort();
        context.serverId = serverId;
    }

    /**
     * The event loops serving connections: the configured count, or by default one per core on a
     * machine of more than two cores and a single loop on one of two cores. A second loop on two
     * cores buys little parallelism (the clients and the history store's own threads want the
     * other core) and costs a cross-thread hand-off per batch in each direction: a publisher's
     * batch to the delivery loop, its acks back, the subscribers' wake-ups, each an eventfd write
     * and a thread wake-up of several microseconds on a small VM. On one loop a posting goes from
     * socket read to append, subscriber write and ack in one turn (docs/benchmarks.md, "Where the
     * time goes").
     */
    static int ioLoops(ServerConfig config, int cores) {
        if (config.ioThreads() > 0) {
            return config.ioThreads();
        }
        return cores <= 2 ? 1 : cores;
    }

    /**
     * Opens the history store in {@code config.dataDir()} (recovering after a crash), starts the
     * delivery loop and listens on {@code config.listen()}. Returns once it accepts
     * connections. Any thread.
     *
     * @throws UncheckedIOException if the data directory cannot be opened
     * @throws IllegalStateException if the address cannot be bound ("cannot listen on
     *     127.0.0.1:7420: Address already in use")
     * @throws IllegalArgumentException if the listen host does not resolve
     */
    public static BusServer start(ServerConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * As {@link #start(ServerConfig)} with another wall clock for timestamps (tests: a server
     * whose clock differs from its peers', or stands still).
     */
    static BusServer start(ServerConfig config, Clock clock) {
        BusServer server;
        try {
            server = new BusServer(config, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the history in " + config.dataDir() + ": " + e.getMessage(), e);
        }
        log.info("Backplane server {} {} listening on {} ({}), data in {}, durability {}", server.serverId, VERSION,
                server.addressString(), NettyTransport.name(), config.dataDir().toAbsolutePath().normalize(),
                config.durability().name().toLowerCase());
        return server;
    }

    private static HistoryConfig historyConfig(ServerConfig config) {
        Durability durability = switch (config.durability()) {
            case OS -> Durability.os();
            case INTERVAL -> Durability.interval(config.durabilityInterval());
            case COMMIT -> Durability.everyCommit();
        };
        List<ServerConfig.RetentionRule> rules = config.retention();
        Function<String, RetentionPolicy> retention = topic -> {
            for (ServerConfig.RetentionRule r : rules) {
                if (r.pattern().matches(topic)) {
                    return new RetentionPolicy(r.maxCount(), r.maxAge(), r.maxBytes(), r.compact());
                }
            }
            return RetentionPolicy.KEEP_ALL;
        };
        return HistoryConfig.builder(config.dataDir())
                .durability(durability)
                .retention(retention)
                .maxEntryBytes(config.maxMessageBytes())
                .producerWindow(Math.max(4096, config.maxInFlightPerConnection()))
                .build();
    }

    /** The address the server listens on (with the real port when the config said port 0). */
    public InetSocketAddress address() {
        return address;
    }

    /** {@link #address()} as {@code host:port}, ready for {@code BusClient.connect}. */
    public String addressString() {
        return ServerConfig.describe(address);
    }

    /** The server's id: the configured one, or {@code bus-<host>-<port>} with the bound port. */
    public String serverId() {
        return serverId;
    }

    /** The configuration the server runs with. */
    public ServerConfig config() {
        return config;
    }

    /** True until {@link #close()} starts. */
    public boolean isRunning() {
        synchronized (closeLock) {
            return !closed;
        }
    }

    /** Postings appended since start (not counting acked duplicates). */
    public long publishedCount() {
        return context.metrics.published.sum();
    }

    /** Retried postings recognised as already stored and acked with their original seq. */
    public long duplicateCount() {
        return context.metrics.duplicates.sum();
    }

    /** Postings refused with a NACK since start. */
    public long rejectedCount() {
        return context.metrics.rejected.sum();
    }

    /** Messages sent to subscribers since start. */
    public long deliveredCount() {
        return context.metrics.delivered.sum();
    }

    /** Client connections open now. */
    public int connectionCount() {
        return context.metrics.connections.get();
    }

    /** One connection as seen by the server: its unacked postings, bytes waiting in its socket buffer, subscriptions. */
    public record SessionStats(String peer, String clientName, int postingsInFlight, long outboundPendingBytes,
                               List<SubscriptionStats> subscriptions) {}

    /** One subscription: credits the server still holds for it and messages sent so far. */
    public record SubscriptionStats(int id, String pattern, long credits, long sent) {}

    /**
     * A snapshot of every open connection, taken on each connection's event loop (so it may wait
     * briefly for busy loops). Any thread but a server I/O thread.
     */
    public List<SessionStats> sessions() {
        List<CompletableFuture<SessionStats>> futures = new ArrayList<>();
        for (Channel ch : channels) {
            SessionHandler s = ch.pipeline().get(SessionHandler.class);
            if (s != null && ch.isActive()) {
                CompletableFuture<SessionStats> f = new CompletableFuture<>();
                ch.eventLoop().execute(() -> f.complete(s.stats()));
                futures.add(f);
            }
        }
        List<SessionStats> result = new ArrayList<>();
        for (CompletableFuture<SessionStats> f : futures) {
            try {
                result.add(f.get(5, TimeUnit.SECONDS));
            } catch (Exception e) {
                // connection busy or closing: left out of the snapshot
            }
        }
        return result;
    }

    /**
     * Shuts down cleanly: stops accepting connections and reading requests, stores and acks every
     * posting already accepted, closes every connection and the history store. Idempotent; blocks
     * until done. Any thread but a server I/O thread.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        log.info("server {} shutting down", serverId);
        context.shuttingDown = true;
        serverChannel.close().syncUninterruptibly();
        List<CompletableFuture<Void>> paused = new ArrayList<>();
        for (Channel ch : channels) {
            SessionHandler s = ch.pipeline().get(SessionHandler.class);
            if (s != null) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                ch.eventLoop().execute(() -> {
                    // postings read so far but not yet submitted go in before the orderer closes
                    s.stopReading();
                    f.complete(null);
                });
                paused.add(f);
            }
        }
        for (CompletableFuture<Void> f : paused) {
            try {
                f.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a loop that does not answer is closed below anyway
            }
        }
        orderer.close(); // delivers what was submitted; acks are queued on each loop before the close below
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (deliveryGroup != null) {
            deliveryGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        store.close();
        log.info("server {} stopped: {} postings stored, {} messages delivered since start", serverId,
                publishedCount(), deliveredCount());
    }
}
