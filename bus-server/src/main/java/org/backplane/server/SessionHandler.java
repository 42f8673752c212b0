package org.backplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.collection.IntObjectHashMap;
import org.backplane.client.TopicName;
import org.backplane.client.TopicPattern;
import org.backplane.client.protocol.DecodeFailure;
import org.backplane.client.protocol.ErrorCode;
import org.backplane.client.protocol.Frame;
import org.backplane.client.protocol.FrameCodec;
import org.backplane.client.protocol.FrameDecoder;
import org.backplane.client.protocol.FrameType;
import org.backplane.client.protocol.HeadersCodec;
import org.backplane.client.protocol.PublishView;
import org.backplane.history.HistoryCursor;
import org.backplane.history.StartPosition;
import org.backplane.history.TopicInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Netty edge of one client connection (the session): handshake, validation of every request,
 * submission of postings to the {@link Orderer} in one batch per socket read, acks and nacks in
 * one buffer per delivered batch, subscriptions ({@link ServerSubscription}), TOPICS, STATUS and
 * keepalive. All state is confined to the connection's event loop; the delivery loop reaches
 * it only through {@link #onOutcomes}. Bad input from the client gets an ERROR, NACK or
 * SUBSCRIPTION_END that says why; only an unparseable frame closes the connection (B8).
 *
 * <p>Back-pressure: when {@code maxInFlightPerConnection} postings are waiting for their acks,
 * the session stops reading the socket until half of them are answered, so a fast publisher is
 * held by TCP instead of growing the server's queues.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter implements PublishOrigin {
    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);
    /** Largest body of one START_SEQS frame (a pattern over many topics takes several). */
    static final int START_SEQS_FRAME_BYTES = 32 * 1024;

    private final ServerContext server;
    private Channel channel;
    private String peer = "?";
    private String clientName;
    private boolean helloDone;
    private boolean closing;
    private int inFlight;
    private boolean readPaused;
    private List<Submission> batch = new ArrayList<>();
    private final IntObjectHashMap<ServerSubscription> subscriptions = new IntObjectHashMap<>();
    private final Map<String, Integer> aliases = new HashMap<>();
    private long published;
    private String lastValidTopic;

    SessionHandler(ServerContext server) {
        this.server = server;
    }

    Channel channel() {
        return channel;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        peer = channel.remoteAddress() instanceof InetSocketAddress a ? ServerConfig.describe(a)
                : String.valueOf(channel.remoteAddress());
        int open = server.metrics.connections.incrementAndGet();
        if (open > server.config.maxConnections()) {
            log.warn("connection from {} refused: {} connections open, the limit is {}", peer, open - 1,
                    server.config.maxConnections());
            fatal(ErrorCode.TOO_MANY_CONNECTIONS, "server has its maximum of " + server.config.maxConnections()
                    + " connections; try again later or another server");
            return;
        }
        log.info("connection from {} opened", peer);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.metrics.connections.decrementAndGet();
        for (ServerSubscription s : subscriptions.values()) {
            closeSubscription(s, "connection closed");
        }
        subscriptions.clear();
        if (!batch.isEmpty()) {
            // postings read before the close still go in: their publisher will retry them anyway
            server.orderer.submit(batch);
            batch = new ArrayList<>();
        }
        log.info("connection from {}{} closed ({} postings)", peer, clientName == null ? "" : " (" + clientName + ")",
                published);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("connection from {} failed: {}", peer, cause.toString());
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.info("connection from {} silent for {}; closing it", peer,
                    ServerConfig.formatDuration(server.config.idleTimeout()));
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            for (ServerSubscription s : subscriptions.values()) {
                s.wake();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Server shutdown: stop reading new requests (event loop). */
    void stopReading() {
        closing = true;
        channel.config().setAutoRead(false);
    }

    // ------------------------------------------------------------------ frames

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            if (msg instanceof PublishView v) {
                v.release();
            }
            return;
        }
        if (msg instanceof PublishView v) {
            if (closing || !helloDone) {
                v.release();
                if (!closing) {
                    fatal(ErrorCode.HANDSHAKE_REQUIRED, "PUBLISH before HELLO; the first frame must be HELLO");
                }
                return;
            }
            onPublish(v.producerId(), v.producerSeq(), v.topic(), v.key(), v.headers(), v.payload(), v.size(), v);
        } else if (msg instanceof Frame.Publish p) {
            if (requireHello(p)) {
                onPublish(p.producerId(), p.producerSeq(), p.topic(), wrap(p.key()), wrap(p.headers()),
                        ByteBuffer.wrap(p.payload()), (long) p.payload().length + length(p.key()) + length(p.headers()),
                        null);
            }
        } else if (msg instanceof Frame.Credit c) {
            if (requireHello(c)) {
                onCredit(c);
            }
        } else if (msg instanceof DecodeFailure f) {
            onDecodeFailure(f);
        } else if (msg instanceof Frame.Hello h) {
            onHello(h);
        } else if (msg instanceof Frame.Subscribe s) {
            if (requireHello(s)) {
                onSubscribe(s);
            }
        } else if (msg instanceof Frame.Unsubscribe u) {
            if (requireHello(u)) {
                onUnsubscribe(u);
            }
        } else if (msg instanceof Frame.TopicsRequest t) {
            if (requireHello(t)) {
                onTopics(t);
            }
        } else if (msg instanceof Frame.StatusRequest s) {
            if (requireHello(s)) {
                onStatus(s);
            }
        } else if (msg instanceof Frame.Ping p) {
            if (requireHello(p)) {
                channel.write(new Frame.Pong(p.nonce()), channel.voidPromise());
            }
        } else if (msg instanceof Frame.Pong) {
            // liveness only
        } else if (msg instanceof Frame f) {
            channel.write(new Frame.ErrorFrame(ErrorCode.BAD_REQUEST, false, FrameType.name(f.type())
                    + " is a server-to-client frame; ignored"), channel.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!batch.isEmpty()) {
            server.orderer.submit(batch);
            batch = new ArrayList<>();
            if (inFlight >= server.config.maxInFlightPerConnection() && !readPaused) {
                readPaused = true;
                channel.config().setAutoRead(false);
            }
        }
        ctx.flush();
    }

    private boolean requireHello(Frame f) {
        if (helloDone) {
            return true;
        }
        fatal(ErrorCode.HANDSHAKE_REQUIRED, FrameType.name(f.type()) + " before HELLO; the first frame must be HELLO");
        return false;
    }

    private void onDecodeFailure(DecodeFailure f) {
        if (f.fatal()) {
            log.warn("connection from {}: {} ({}); closing it", peer, f.message(), f.code());
            fatal(f.code(), f.message());
        } else {
            log.info("connection from {}: {} ({})", peer, f.message(), f.code());
            channel.write(new Frame.ErrorFrame(f.code(), false, f.message()), channel.voidPromise());
        }
    }

    /** Sends an ERROR that closes the connection, then closes it. */
    private void fatal(ErrorCode code, String message) {
        closing = true;
        channel.writeAndFlush(new Frame.ErrorFrame(code, true, message)).addListener(ChannelFutureListener.CLOSE);
    }

    private void onHello(Frame.Hello h) {
        if (helloDone) {
            fatal(ErrorCode.HANDSHAKE_REQUIRED, "second HELLO on one connection");
            return;
        }
        if (h.protocolVersion() != FrameCodec.PROTOCOL_VERSION) {
            log.warn("connection from {} speaks protocol version {}; refused", peer, h.protocolVersion());
            fatal(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + h.protocolVersion()
                    + " is not supported; this server speaks version " + FrameCodec.PROTOCOL_VERSION);
            return;
        }
        helloDone = true;
        clientName = h.clientName();
        FrameDecoder decoder = channel.pipeline().get(FrameDecoder.class);
        if (decoder != null) {
            decoder.maxFrameBytes(server.config.maxFrameBytes());
        }
        ServerConfig c = server.config;
        channel.write(new Frame.Welcome(FrameCodec.PROTOCOL_VERSION, server.serverId, BusServer.VERSION, c.maxFrameBytes(),
                c.maxMessageBytes(), c.maxInFlightPerConnection(), c.maxSubscriptionsPerConnection()),
                channel.voidPromise());
        log.info("connection from {} is client '{}' (producer {})", peer, clientName, Long.toHexString(h.producerId()));
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    /** Validates one posting and adds it to this read's batch, or NACKs it (and releases its bytes). */
    private void onPublish(long producerId, long producerSeq, String topic, ByteBuffer key, ByteBuffer headers,
                           ByteBuffer payload, long size, PublishView owner) {
        String problem = null;
        ErrorCode code = null;
        // the decoder hands out one String instance per recently seen topic: check it once
        if (topic != lastValidTopic) {
            problem = TopicName.problem(topic);
            if (problem != null) {
                code = ErrorCode.BAD_TOPIC;
            } else {
                lastValidTopic = topic;
            }
        }
        if (problem == null && size > server.config.maxMessageBytes()) {
            code = ErrorCode.MESSAGE_TOO_LARGE;
            problem = "posting to " + topic + " is " + size + " bytes (payload, key and headers); the limit is "
                    + server.config.maxMessageBytes();
        }
        if (problem == null && headers != null && (problem = HeadersCodec.problem(headers)) != null) {
            code = ErrorCode.BAD_REQUEST;
        }
        if (problem == null && server.shuttingDown) {
            code = ErrorCode.SHUTTING_DOWN;
            problem = "server is shutting down; posting not stored";
        }
        if (problem != null) {
            if (owner != null) {
                owner.release();
            }
            nack(producerSeq, code, problem);
            return;
        }
        inFlight++;
        published++;
        batch.add(new Submission(this, producerId, producerSeq, topic, key, headers, payload, owner));
    }

    private void nack(long producerSeq, ErrorCode code, String message) {
        server.metrics.rejected.increment();
        log.debug("posting {} from {} refused: {}", producerSeq, peer, message);
        channel.write(new Frame.Nack(producerSeq, code, message), channel.voidPromise());
    }

    /**
     * Delivery loop: writes the batch's outcomes at once when this connection is served by the
     * delivery loop itself, else hands them to the connection's event loop.
     */
    @Override
    public void onOutcomes(List<Outcome> outcomes) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            writeOutcomes(outcomes);
            return;
        }
        try {
            loop.execute(() -> writeOutcomes(outcomes));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the server is stopping and this connection with it; the client retries elsewhere
        }
    }

    private void writeOutcomes(List<Outcome> outcomes) {
        inFlight -= outcomes.size();
        if (channel.isActive()) {
            ByteBuf buf = channel.alloc().directBuffer(Math.min(outcomes.size(), 64) * 48);
            int n = outcomes.size();
            for (int i = 0; i < n; ) {
                Outcome o = outcomes.get(i);
                if (!o.ok()) {
                    FrameCodec.writeNack(buf, o.producerSeq(), o.code(), o.message());
                    i++;
                    continue;
                }
                // a run of postings with consecutive producer seqs stored at consecutive seqs of one
                // topic in one batch (the common case for a stream) goes out as one ACK_RANGE
                int run = 1;
                while (i + run < n && continues(o, outcomes.get(i + run), run)) {
                    run++;
                }
                if (run == 1) {
                    FrameCodec.writeAck(buf, o.producerSeq(), o.topic(), o.seq(), o.timestampMillis());
                } else {
                    FrameCodec.writeAckRange(buf, o.producerSeq(), run, o.topic(), o.seq(), o.timestampMillis());
                }
                i += run;
            }
            channel.writeAndFlush(buf, channel.voidPromise());
        }
        if (readPaused && inFlight <= server.config.maxInFlightPerConnection() / 2) {
            readPaused = false;
            if (!closing) {
                channel.config().setAutoRead(true);
            }
        }
    }

    /** True if {@code next} is the {@code offset}-th ack after {@code first} in one ACK_RANGE. */
    private static boolean continues(Outcome first, Outcome next, int offset) {
        return next.ok() && next.producerSeq() == first.producerSeq() + offset && next.seq() == first.seq() + offset
                && next.timestampMillis() == first.timestampMillis() && next.topic().equals(first.topic());
    }

    private void onSubscribe(Frame.Subscribe s) {
        int id = s.subscriptionId();
        if (subscriptions.containsKey(id)) {
            endSubscription(id, ErrorCode.DUPLICATE_SUBSCRIPTION, "subscription id " + id + " is already open");
            return;
        }
        if (subscriptions.size() >= server.config.maxSubscriptionsPerConnection()) {
            endSubscription(id, ErrorCode.TOO_MANY_SUBSCRIPTIONS, "connection already has "
                    + subscriptions.size() + " subscriptions, the limit is " + server.config.maxSubscriptionsPerConnection());
            return;
        }
        String problem = TopicPattern.problem(s.pattern());
        if (problem != null) {
            endSubscription(id, ErrorCode.BAD_TOPIC, problem);
            return;
        }
        if (s.credits() < 0) {
            endSubscription(id, ErrorCode.BAD_REQUEST, "initial credits must be >= 0, got " + s.credits());
            return;
        }
        for (Map.Entry<String, Long> e : s.start().resume().entrySet()) {
            if ((problem = TopicName.problem(e.getKey())) != null || e.getValue() < 1) {
                endSubscription(id, ErrorCode.BAD_REQUEST, "resume entry " + e.getKey() + " -> " + e.getValue()
                        + " is invalid: " + (problem != null ? problem : "next seq must be >= 1"));
                return;
            }
        }
        if (server.shuttingDown) {
            endSubscription(id, ErrorCode.SHUTTING_DOWN, "server is shutting down");
            return;
        }
        TopicPattern pattern = TopicPattern.of(s.pattern());
        StartPosition start = startPosition(s.start());
        HistoryCursor cursor;
        try {
            cursor = pattern.isLiteral() ? server.store.openCursor(pattern.value(), start)
                    : server.store.openCursor(pattern, start);
        } catch (RuntimeException e) {
            log.error("opening a cursor for {} failed", pattern, e);
            endSubscription(id, ErrorCode.STORE_FAILURE, "could not open the history for " + pattern + ": " + e.getMessage());
            return;
        }
        long openedAt = server.clock.millis();
        ServerSubscription sub = new ServerSubscription(this, id, pattern, describe(s.start()), cursor, s.credits(),
                channel.eventLoop(), server.metrics);
        subscriptions.put(id, sub);
        server.registry.add(sub);
        server.metrics.subscriptions.incrementAndGet();
        int kind = s.start().kind();
        if (kind == Frame.WireStart.END || kind == Frame.WireStart.LAST_N) {
            writeStartSeqs(id, cursor.positions());
        }
        channel.write(new Frame.Subscribed(id, openedAt), channel.voidPromise());
        log.info("{} opened for {}", sub, peer);
        sub.wake();
    }

    /**
     * Sends where a "now" or "last N" cursor starts in each topic that matched when it opened
     * (its positions before the first poll, so exactly the cursor's start), in START_SEQS frames of
     * at most {@link #START_SEQS_FRAME_BYTES}; topics starting at seq 1 are left out (a resuming
     * client starts a topic it has neither seen nor been told about at seq 1 anyway). A client
     * resuming the subscription continues each unseen topic there, on this server or another.
     */
    private void writeStartSeqs(int id, Map<String, Long> positions) {
        TreeMap<String, Long> chunk = new TreeMap<>();
        int chunkBytes = 0;
        for (Map.Entry<String, Long> e : new TreeMap<>(positions).entrySet()) {
            if (e.getValue() <= 1) {
                continue;
            }
            int bytes = FrameCodec.topicSeqBytes(e.getKey().length());
            if (chunkBytes + bytes > START_SEQS_FRAME_BYTES && !chunk.isEmpty()) {
                channel.write(new Frame.StartSeqs(id, chunk), channel.voidPromise());
                chunk = new TreeMap<>();
                chunkBytes = 0;
            }
            chunk.put(e.getKey(), e.getValue());
            chunkBytes += bytes;
        }
        if (!chunk.isEmpty()) {
            channel.write(new Frame.StartSeqs(id, chunk), channel.voidPromise());
        }
    }

    private static StartPosition startPosition(Frame.WireStart w) {
        StartPosition base = switch (w.kind()) {
            case Frame.WireStart.AT_SEQ -> StartPosition.atSeq(Math.max(1, w.value()));
            case Frame.WireStart.AT_TIME -> StartPosition.atTime(Instant.ofEpochMilli(w.value()));
            case Frame.WireStart.LAST_N -> StartPosition.lastN(w.value());
            case Frame.WireStart.END -> StartPosition.END;
            default -> StartPosition.BEGINNING;
        };
        return w.resume().isEmpty() ? base : new StartPosition.Resume(w.resume(), base);
    }

    private static String describe(Frame.WireStart w) {
        String base = switch (w.kind()) {
            case Frame.WireStart.AT_SEQ -> "seq " + w.value();
            case Frame.WireStart.AT_TIME -> "time " + Instant.ofEpochMilli(w.value());
            case Frame.WireStart.LAST_N -> "last " + w.value();
            case Frame.WireStart.END -> "now";
            default -> "start";
        };
        return w.resume().isEmpty() ? base : "resume of " + w.resume().size() + " topics, else " + base;
    }

    private void onCredit(Frame.Credit c) {
        ServerSubscription s = subscriptions.get(c.subscriptionId());
        if (s == null) {
            return; // crossed with an UNSUBSCRIBE or a server-side end: harmless
        }
        if (c.credits() <= 0) {
            channel.write(new Frame.ErrorFrame(ErrorCode.BAD_REQUEST, false, "CREDIT for subscription "
                    + c.subscriptionId() + " must be positive, got " + c.credits()), channel.voidPromise());
            return;
        }
        s.addCredits(c.credits());
    }

    private void onUnsubscribe(Frame.Unsubscribe u) {
        ServerSubscription s = subscriptions.remove(u.subscriptionId());
        if (s == null) {
            endSubscription(u.subscriptionId(), ErrorCode.UNKNOWN_SUBSCRIPTION, "no open subscription "
                    + u.subscriptionId());
            return;
        }
        closeSubscription(s, "client asked");
        channel.write(new Frame.SubscriptionEnd(u.subscriptionId(), ErrorCode.NONE, "closed"), channel.voidPromise());
    }

    private void endSubscription(int id, ErrorCode code, String message) {
        log.info("subscription {} from {} refused: {}", id, peer, message);
        channel.write(new Frame.SubscriptionEnd(id, code, message), channel.voidPromise());
    }

    private void closeSubscription(ServerSubscription s, String why) {
        s.close();
        server.registry.remove(s);
        server.metrics.subscriptions.decrementAndGet();
        log.info("{} closed for {} ({}; {} messages sent)", s, peer, why, s.sent());
    }

    /** A subscription's cursor failed: end it with the reason, keep the connection (event loop). */
    void subscriptionFailed(ServerSubscription s, RuntimeException e) {
        log.error("{} for {} failed", s, peer, e);
        if (subscriptions.remove(s.id) != null) {
            closeSubscription(s, "failed: " + e);
            channel.writeAndFlush(new Frame.SubscriptionEnd(s.id, ErrorCode.STORE_FAILURE,
                    "reading the history failed: " + e.getMessage()), channel.voidPromise());
        }
    }

    /**
     * The alias of {@code topic} on this connection; announces a new one with TOPIC_ALIAS into
     * {@code out} first (event loop).
     */
    int alias(String topic, ByteBuf out) {
        Integer a = aliases.get(topic);
        if (a != null) {
            return a;
        }
        int alias = aliases.size() + 1;
        aliases.put(topic, alias);
        FrameCodec.encode(new Frame.TopicAlias(alias, topic), out);
        return alias;
    }

    private void onTopics(Frame.TopicsRequest t) {
        String problem = TopicPattern.problem(t.pattern());
        if (problem != null) {
            channel.write(new Frame.ErrorFrame(ErrorCode.BAD_TOPIC, false, problem), channel.voidPromise());
            channel.write(new Frame.TopicsReply(t.requestId(), List.of()), channel.voidPromise());
            return;
        }
        List<TopicInfo> infos = server.store.topics(TopicPattern.of(t.pattern()));
        List<Frame.TopicEntry> entries = new ArrayList<>(infos.size());
        for (TopicInfo i : infos) {
            entries.add(new Frame.TopicEntry(i.name(), i.retainedCount(), i.firstSeq(), i.lastSeq(), i.retainedBytes(),
                    i.lastTimestampMillis()));
        }
        channel.write(new Frame.TopicsReply(t.requestId(), entries), channel.voidPromise());
    }

    private void onStatus(Frame.StatusRequest s) {
        ServerMetrics m = server.metrics;
        long now = server.clock.millis();
        channel.write(new Frame.StatusReply(s.requestId(), server.serverId, BusServer.VERSION,
                server.startedAtMillis, now - server.startedAtMillis, m.connections.get(), m.subscriptions.get(),
                server.store.topics(t -> true).size(), m.published.sum(), m.delivered.sum(), m.rejected.sum()),
                channel.voidPromise());
    }

    /** A snapshot of this session for {@link BusServer#sessions()} (event loop). */
    BusServer.SessionStats stats() {
        List<BusServer.SubscriptionStats> subs = new ArrayList<>();
        for (ServerSubscription s : subscriptions.values()) {
            subs.add(new BusServer.SubscriptionStats(s.id, s.pattern.value(), s.credits(), s.sent()));
        }
        long pending = channel.unsafe().outboundBuffer() == null ? 0
                : channel.unsafe().outboundBuffer().totalPendingWriteBytes();
        return new BusServer.SessionStats(peer, clientName, inFlight, pending, subs);
    }
}
