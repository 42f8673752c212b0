package org.backplane.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.collection.IntObjectHashMap;
import org.backplane.client.protocol.DecodeFailure;
import org.backplane.client.protocol.ErrorCode;
import org.backplane.client.protocol.Frame;
import org.backplane.client.protocol.FrameCodec;
import org.backplane.client.protocol.FrameDecoder;
import org.backplane.client.protocol.FrameEncoder;
import org.backplane.client.protocol.HeadersCodec;
import org.backplane.client.protocol.NettyTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection to a Backplane server, shaped like the NATS Java client:
 * <pre>{@code
 * try (BusClient c = BusClient.connect("127.0.0.1:7420")) {
 *     c.publish("/DEMO/QUOTES/IBM", bytes);                        // async, CompletableFuture<PublishAck>
 *     PublishAck a = c.publishSync("/DEMO/QUOTES/IBM", bytes);     // blocking
 *     Subscription s = c.subscribe("/DEMO/QUOTES/*", StartPosition.fromStart(), m -> ...);
 *     List<TopicInfo> t = c.topics("/DEMO/**");
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> All public methods are thread-safe. Each client has one I/O thread (a Netty
 * event loop) that reads and writes the socket, completes publish futures, and calls the
 * {@link ConnectionListener}; each subscription has its own dispatch thread that runs its handler
 * (or, subscribed with {@link Dispatch#IO_THREAD}, runs it on the I/O thread).
 * Code running on the I/O thread (listener methods, and dependent stages of a publish future
 * that are not {@code *Async}) must not block: the blocking methods ({@link #publishSync},
 * {@link #subscribe}, {@link #topics}, {@link #status}, {@link #flush}) throw
 * {@link IllegalStateException} there instead of deadlocking.
 *
 * <p><b>Publishing.</b> Every posting carries this client's producer id and a producer sequence
 * number. At most {@link ClientOptions#maxInFlight()} postings are unacked at once; a publish
 * beyond that blocks the caller up to {@link ClientOptions#publishTimeout()} for room, then fails
 * with {@link PublishException} (back-pressure, never an unbounded queue). Postings from one
 * thread are stored in the order published.
 *
 * <p><b>Failures.</b> On a lost connection the client reconnects (next server in the list,
 * backoff from {@link ClientOptions#reconnectWaitMin()} to {@link ClientOptions#reconnectWaitMax()}),
 * resumes every subscription at the last seq + 1 of each topic it received, and re-sends unacked
 * postings under their original producer sequence, which the server stores at most once (B3):
 * the application sees no gap and no duplicate.
 */
public final class BusClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BusClient.class);
    private static final int HANDSHAKE_FRAME_BYTES = 64 * 1024;
    private static final int MAX_RECEIVE_FRAME_BYTES = 64 << 20;
    private static final long TIMER_PERIOD_MS = 200;

    private final ClientOptions options;
    private final ConnectionListener listener;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final long producerId;

    // ---- publish path, any thread
    private final Object publishLock = new Object();
    private long lastProducerSeq;
    private final ConcurrentLinkedQueue<Pending> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile Semaphore window;
    private final Object idLock = new Object();
    private int lastSubscriptionId;
    private int lastRequestId;
    private volatile boolean closed;
    private volatile boolean closing;
    private final CompletableFuture<Frame.Welcome> firstWelcome = new CompletableFuture<>();

    // ---- I/O thread state
    private Channel channel;
    private FrameDecoder decoder;
    private boolean ready;
    private boolean everConnected;
    private volatile Frame.Welcome welcome;
    private int serverIndex;
    private int failedAttempts;
    private int pingsOutstanding;
    private final InFlightTable<Pending> inflight = new InFlightTable<>();
    private final IntObjectHashMap<Subscription> subscriptions = new IntObjectHashMap<>();
    private final IntObjectHashMap<String> aliases = new IntObjectHashMap<>();
    private final IntObjectHashMap<Request> requests = new IntObjectHashMap<>();
    private final List<Subscription> touched = new ArrayList<>();
    private final Runnable drainTask = this::drainOutbox;

    private BusClient(ClientOptions options) {
        this.options = options;
        this.listener = options.listener();
        this.group = NettyTransport.newGroup(1, "bus-client-io");
        this.loop = group.next();
        long id;
        SecureRandom random = new SecureRandom();
        do {
            id = random.nextLong() & Long.MAX_VALUE;
        } while (id == 0);
        this.producerId = id;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NettyTransport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(options.connectTimeout().toMillis(), 5000))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        FrameDecoder d = new FrameDecoder(HANDSHAKE_FRAME_BYTES);
                        ch.pipeline().addLast(
                                new IdleStateHandler(options.pingInterval().toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                                d, FrameEncoder.INSTANCE, new Handler(d));
                    }
                });
    }

    /**
     * Connects to {@code servers} ({@code host:port,...}) with default options. Blocks until the
     * handshake with one of them completes. Any thread but a client I/O thread.
     *
     * @throws BusException if no server could be reached within the connect timeout (10 s)
     */
    public static BusClient connect(String servers) {
        return connect(ClientOptions.builder().servers(servers).build());
    }

    /**
     * Connects with {@code options}, trying the servers in order with backoff until one completes
     * the handshake or {@link ClientOptions#connectTimeout()} passes. Any thread but a client I/O
     * thread.
     *
     * @throws BusException if no server could be reached in time; the message says why
     */
    public static BusClient connect(ClientOptions options) {
        BusClient client = new BusClient(options);
        client.loop.execute(client::attemptConnect);
        try {
            Frame.Welcome w = client.firstWelcome.get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            client.window = new Semaphore(Math.min(options.maxInFlight(), Math.max(1, w.maxInFlight())));
            client.loop.scheduleAtFixedRate(client::onTimer, TIMER_PERIOD_MS, TIMER_PERIOD_MS, TimeUnit.MILLISECONDS);
            return client;
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            String last = client.lastConnectError;
            client.shutdown("connect failed");
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof BusException be) {
                throw be;
            }
            throw new BusException("could not connect to " + describe(options.servers()) + " within "
                    + options.connectTimeout().toMillis() + " ms" + (last != null ? ": " + last : ""), cause);
        }
    }

    private volatile String lastConnectError;

    // ------------------------------------------------------------------ publish

    /**
     * Publishes {@code payload} to {@code topic}. Returns when the posting is queued for sending
     * (blocking up to the publish timeout while the in-flight window is full); the future
     * completes on the I/O thread with the ack, or exceptionally with {@link PublishException}
     * (refused by the server, timed out, or the client closed). Any thread.
     *
     * @throws InvalidTopicException if the topic name is invalid
     */
    public CompletableFuture<PublishAck> publish(String topic, byte[] payload) {
        return enqueue(validTopic(topic), null, null, payload);
    }

    /**
     * Validates a topic name through a small cache of names already seen valid, so a stream of
     * postings to a few topics does not re-check every character every time.
     */
    private String validTopic(String topic) {
        if (validTopics.containsKey(topic)) {
            return topic;
        }
        TopicName.of(topic);
        if (validTopics.size() > 10_000) {
            validTopics.clear();
        }
        validTopics.put(topic, Boolean.TRUE);
        return topic;
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Boolean> validTopics =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Publishes a posting with key and headers; otherwise as {@link #publish(String, byte[])}. */
    public CompletableFuture<PublishAck> publish(Posting posting) {
        return enqueue(posting.topic(), posting.key(), HeadersCodec.encode(posting.headers()), posting.payload());
    }

    private CompletableFuture<PublishAck> enqueue(String topic, byte[] key, byte[] headers, byte[] payload) {
        CompletableFuture<PublishAck> future = new CompletableFuture<>();
        if (closed || closing) {
            future.completeExceptionally(new PublishException(ErrorCode.INTERNAL, "client is closed"));
            return future;
        }
        Frame.Welcome w = welcome;
        int size = payload.length + (key == null ? 0 : key.length) + (headers == null ? 0 : headers.length);
        if (w != null && size > w.maxMessageBytes()) {
            future.completeExceptionally(new PublishException(ErrorCode.MESSAGE_TOO_LARGE, "posting to "
                    + topic + " is " + size + " bytes (payload, key and headers); the server accepts at most "
                    + w.maxMessageBytes()));
            return future;
        }
        long timeoutNs = options.publishTimeout().toNanos();
        long startNs = System.nanoTime();
        try {
            if (!window.tryAcquire()) {
                if (loop.inEventLoop()) {
                    future.completeExceptionally(new PublishException(ErrorCode.INTERNAL,
                            "publish window full and called on the client's I/O thread, which cannot wait for acks"));
                    return future;
                }
                if (!window.tryAcquire(timeoutNs, TimeUnit.NANOSECONDS)) {
                    future.completeExceptionally(new PublishException(ErrorCode.INTERNAL, "publish window of "
                            + options.maxInFlight() + " unacked postings stayed full for "
                            + options.publishTimeout().toMillis() + " ms (server slow or unreachable)"));
                    return future;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.completeExceptionally(new PublishException(ErrorCode.INTERNAL, "interrupted while waiting for publish window"));
            return future;
        }
        Pending p = new Pending(topic, key, headers, payload, future, startNs + timeoutNs);
        synchronized (publishLock) {
            // seq order = queue order, so the server sees one producer's postings in seq order
            p.producerSeq = ++lastProducerSeq;
            outbox.add(p);
        }
        if (!drainScheduled.getAndSet(true)) {
            runOnLoop(drainTask);
        }
        if (closed) {
            failPending(p, "client is closed");
        }
        return future;
    }

    /**
     * Publishes and waits for the ack. Any thread but the I/O thread.
     *
     * @throws PublishException if the server refused it or it timed out
     * @throws InvalidTopicException if the topic name is invalid
     */
    public PublishAck publishSync(String topic, byte[] payload) {
        return publishSyncRaw(topic, payload);
    }

    /** Publishes a posting and waits for the ack; as {@link #publishSync(String, byte[])}. */
    public PublishAck publishSync(Posting posting) {
        requireNotIoThread("publishSync");
        return await(publish(posting), options.publishTimeout().plusSeconds(1), "publish to " + posting.topic());
    }

    private PublishAck publishSyncRaw(String topic, byte[] payload) {
        requireNotIoThread("publishSync");
        return await(publish(topic, payload), options.publishTimeout().plusSeconds(1), "publish to " + topic);
    }

    /**
     * Waits until every posting published before this call is acked or has failed, up to
     * {@code timeout}. Any thread but the I/O thread.
     *
     * @return true if all were settled in time
     */
    public boolean flush(Duration timeout) {
        requireNotIoThread("flush");
        if (closed) {
            return true; // everything was settled (acked or failed) when the client closed
        }
        long target;
        synchronized (publishLock) {
            target = lastProducerSeq;
        }
        CompletableFuture<Void> settled = new CompletableFuture<>();
        runOnLoop(() -> {
            flushWaiters.add(new FlushWaiter(target, settled));
            checkFlushWaiters();
        });
        try {
            settled.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } finally {
            runOnLoop(() -> flushWaiters.removeIf(w -> w.done == settled));
        }
    }

    /** A {@link #flush} waiting until every posting up to {@code seq} is settled. */
    private record FlushWaiter(long seq, CompletableFuture<Void> done) {}

    private final List<FlushWaiter> flushWaiters = new ArrayList<>();

    /** Completes the flushes whose postings are all settled (I/O thread; cheap when none wait). */
    private void checkFlushWaiters() {
        if (flushWaiters.isEmpty()) {
            return;
        }
        long oldest = oldestUnsettled();
        flushWaiters.removeIf(w -> {
            if (w.seq < oldest) {
                w.done.complete(null);
                return true;
            }
            return false;
        });
    }

    /** Lowest producer seq not yet acked or failed, or Long.MAX_VALUE (I/O thread). */
    private long oldestUnsettled() {
        long oldest = inflight.oldestSeq();
        Pending queued = outbox.peek();
        if (queued != null) {
            oldest = Math.min(oldest, queued.producerSeq);
        }
        return oldest;
    }

    /** Moves queued postings into the in-flight table and writes them in one buffer, one flush (I/O thread). */
    private void drainOutbox() {
        drainScheduled.set(false);
        ByteBuf buf = null;
        Pending p;
        while ((p = outbox.poll()) != null) {
            if (p.future.isDone()) {
                continue;
            }
            inflight.add(p.producerSeq, p);
            if (ready) {
                int frameBytes = FrameCodec.PUBLISH_OVERHEAD_BYTES + p.topic.length() * 3 + p.payload.length
                        + (p.key == null ? 0 : p.key.length) + (p.headers == null ? 0 : p.headers.length);
                if (buf != null && buf.writableBytes() < frameBytes) {
                    channel.write(buf, channel.voidPromise()); // full: send it, start the next (no regrowth copies)
                    buf = null;
                }
                if (buf == null) {
                    buf = channel.alloc().directBuffer(Math.max(frameBytes, outbox.isEmpty() ? 256 : 32 * 1024));
                }
                writePublish(buf, p);
            }
        }
        if (buf != null) {
            channel.write(buf, channel.voidPromise());
        }
        if (ready) {
            channel.flush(); // one flush for everything drained
        }
    }

    private void writePublish(ByteBuf buf, Pending p) {
        FrameCodec.writePublish(buf, producerId, p.producerSeq, p.topic, p.key, p.headers, p.payload);
    }

    private void onAck(Frame.Ack ack) {
        Pending p = inflight.remove(ack.producerSeq());
        if (p == null) {
            return; // already timed out, or the ack of a copy re-sent after a reconnect
        }
        if (p.future.complete(new PublishAck(ack.topic(), ack.seq(), Instant.ofEpochMilli(ack.timestampMillis()),
                ack.producerSeq()))) {
            window.release(); // once per posting, whoever settles it
        }
        checkFlushWaiters();
    }

    private void onAckRange(Frame.AckRange r) {
        Instant timestamp = Instant.ofEpochMilli(r.timestampMillis()); // one for the whole run
        for (int i = 0; i < r.count(); i++) {
            Pending p = inflight.remove(r.firstProducerSeq() + i);
            if (p == null) {
                continue;
            }
            if (p.future.complete(new PublishAck(r.topic(), r.firstSeq() + i, timestamp, r.firstProducerSeq() + i))) {
                window.release();
            }
        }
        checkFlushWaiters();
    }

    private void onNack(Frame.Nack nack) {
        Pending p = inflight.remove(nack.producerSeq());
        if (p == null) {
            return;
        }
        if (p.future.completeExceptionally(new PublishException(nack.code(), nack.message()))) {
            window.release();
        }
        checkFlushWaiters();
    }

    private void failPending(Pending p, String reason) {
        if (p.future.completeExceptionally(new PublishException(ErrorCode.INTERNAL, reason))) {
            window.release();
        }
    }

    // ------------------------------------------------------------------ subscribe

    /**
     * Subscribes to the topics matching {@code pattern} from {@code start}; {@code handler} gets
     * each message on the subscription's own dispatch thread. Blocks until the server confirms
     * (or while disconnected, until the request timeout). Any thread but the I/O thread.
     *
     * <p><b>Order.</b> Within one topic, messages come in seq order with no gap and no duplicate
     * from the start on, also across reconnects (B2). Across topics, one subscription delivers in
     * the server's append order, which carries causal order (GUARANTEES.md B5): if any client
     * received m1 (topic X) before it published m2 (topic Y), and this subscription's pattern
     * matches both X and Y, the handler gets m1 before m2 (unless m1 is before the subscription's
     * start in X or no longer retained). This holds for every start position, across the switch
     * from replay to live and across resumes. It does <em>not</em> hold between two
     * subscriptions, even of one client: each has its own cursor on the server, its own credits
     * and its own dispatch thread, so one that is behind (replaying, out of credits, a slow
     * handler) can deliver m1 after the other delivered m2. For causal order over topics that no
     * single pattern names, subscribe once to a pattern covering them all (their common parent
     * with {@code /**}) and filter in the handler.
     *
     * @throws InvalidTopicException if the pattern is invalid
     * @throws BusException if the server refused the subscription or did not answer in time
     */
    public Subscription subscribe(String pattern, StartPosition start, MessageHandler handler) {
        return subscribe(pattern, start, Dispatch.OWN_THREAD, handler);
    }

    /**
     * As {@link #subscribe(String, StartPosition, MessageHandler)}, with the handler run on the
     * thread {@code dispatch} says: {@link Dispatch#OWN_THREAD} (the default) or, for handlers
     * that never block, the client's I/O thread ({@link Dispatch#IO_THREAD}: lower latency and
     * less CPU per message). Any thread but the I/O thread.
     *
     * @throws InvalidTopicException if the pattern is invalid
     * @throws BusException if the server refused the subscription or did not answer in time
     */
    public Subscription subscribe(String pattern, StartPosition start, Dispatch dispatch, MessageHandler handler) {
        TopicPattern p = TopicPattern.of(pattern);
        java.util.Objects.requireNonNull(dispatch, "dispatch");
        requireNotIoThread("subscribe");
        requireOpen();
        int id;
        synchronized (idLock) {
            id = ++lastSubscriptionId;
        }
        Subscription s = new Subscription(this, id, p, start, dispatch, handler, options.subscriptionWindow());
        s.startDispatcher();
        loop.execute(() -> {
            subscriptions.put(id, s);
            if (ready) {
                sendSubscribe(s);
                channel.flush();
            }
        });
        try {
            s.opened.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return s;
        } catch (ExecutionException e) {
            s.markClosed();
            loop.execute(() -> subscriptions.remove(id));
            throw new BusException("subscription to " + pattern + " refused: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            s.close();
            throw new BusException("server did not confirm the subscription to " + pattern + " within "
                    + options.requestTimeout().toMillis() + " ms");
        }
    }

    private void sendSubscribe(Subscription s) {
        int credits = Math.max(0, s.window() - s.unreturned);
        Frame.WireStart start = s.wireStart();
        long frameBytes = 64 + 3L * s.pattern().value().length();
        for (String topic : start.resume().keySet()) {
            frameBytes += FrameCodec.topicSeqBytes(topic.length());
        }
        if (frameBytes > welcome.maxFrameBytes()) {
            // the server would drop the connection for it, and the next resume would do the same
            String reason = "resume map of " + start.resume().size() + " topics needs a SUBSCRIBE of about "
                    + frameBytes + " bytes, more than the server's frame limit of " + welcome.maxFrameBytes();
            log.warn("subscription {} ended: {}", s.pattern(), reason);
            subscriptions.remove(s.id());
            s.opened.completeExceptionally(new BusException(reason));
            s.flushIoBatch();
            s.ended(reason);
            listener.error("subscription " + s.pattern() + " ended: " + reason, null);
            return;
        }
        s.subscribedOn = channel;
        s.pendingStartSeqs = s.startSeqs == null && s.needsStartSeqs() ? new HashMap<>() : null;
        channel.write(new Frame.Subscribe(s.id(), s.pattern().value(), start, credits), channel.voidPromise());
    }

    /** Called by a subscription's dispatch thread as its handler consumes messages. */
    void returnCredits(Subscription s, int credits) {
        runOnLoop(() -> {
            s.unreturned -= credits;
            if (ready && s.subscribedOn == channel && subscriptions.get(s.id()) == s) {
                channel.writeAndFlush(new Frame.Credit(s.id(), credits), channel.voidPromise());
            }
        });
    }

    /**
     * Returns once the I/O thread has finished what it was doing (a handler call running there
     * has returned). Immediately on the I/O thread itself, or once the client is shut down.
     */
    void awaitIoThread() {
        if (loop.inEventLoop()) {
            return;
        }
        try {
            loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // shut down (nothing runs there any more) or stuck in a handler: nothing more to wait for
        }
    }

    /** Called by {@link Subscription#close()}. */
    void unsubscribe(Subscription s) {
        if (closed) {
            return;
        }
        runOnLoop(() -> {
            if (subscriptions.remove(s.id()) != null && ready && s.subscribedOn == channel) {
                channel.writeAndFlush(new Frame.Unsubscribe(s.id()), channel.voidPromise());
            }
        });
    }

    void handlerFailed(Subscription s, BusMessage m, Throwable t) {
        log.warn("handler of subscription {} threw on {} #{}: {}", s.pattern(), m.topic(), m.seq(), t.toString());
        try {
            listener.error("handler of subscription " + s.pattern() + " threw on " + m.topic() + " #" + m.seq(), t);
        } catch (RuntimeException ignored) {
            // a listener bug must not stop the dispatcher
        }
    }

    private void onMessage(Frame.Message m) {
        Subscription s = subscriptions.get(m.subscriptionId());
        if (s == null) {
            return; // closed locally; the server will see the UNSUBSCRIBE
        }
        s.unreturned++;
        String topic = aliases.get(m.alias());
        if (topic == null) {
            protocolError("MESSAGE uses topic alias " + m.alias() + " that was never announced");
            return;
        }
        Long last = s.received.get(topic);
        if (last != null && m.seq() <= last) {
            // a resume raced with a delivery: never hand the application a duplicate
            s.duplicatesDropped++;
            returnCreditsNow(s, 1);
            return;
        }
        s.received.put(topic, m.seq());
        if (last == null && s.startSeqs != null) {
            s.startSeqs.remove(topic); // received from now on: the resume map has it
        }
        if (!s.touchedThisRead) {
            s.touchedThisRead = true;
            touched.add(s);
        }
        BusMessage message = new BusMessage(topic, m.seq(), m.timestampMillis(), m.key(), m.headers(), m.payload());
        if (s.dispatch() == Dispatch.IO_THREAD) {
            s.handleOnIoThread(message);
        } else {
            s.ioBatch.add(message);
        }
    }

    private void returnCreditsNow(Subscription s, int credits) {
        s.unreturned -= credits;
        channel.write(new Frame.Credit(s.id(), credits), channel.voidPromise());
    }

    // ------------------------------------------------------------------ requests

    /**
     * Lists the topics matching {@code pattern}, sorted by name, with what each retains. Any thread
     * but the I/O thread.
     *
     * @throws InvalidTopicException if the pattern is invalid
     * @throws BusException if the server did not answer in time
     */
    public List<TopicInfo> topics(String pattern) {
        TopicPattern.of(pattern);
        Frame.TopicsReply reply = (Frame.TopicsReply) request(id -> new Frame.TopicsRequest(id, pattern), "topics");
        List<TopicInfo> result = new ArrayList<>(reply.topics().size());
        for (Frame.TopicEntry e : reply.topics()) {
            result.add(new TopicInfo(e.name(), e.retainedCount(), e.firstSeq(), e.lastSeq(), e.retainedBytes(),
                    Instant.ofEpochMilli(e.lastTimestampMillis())));
        }
        return result;
    }

    /**
     * The server's status. Any thread but the I/O thread.
     *
     * @throws BusException if the server did not answer in time
     */
    public ServerStatus status() {
        Frame.StatusReply r = (Frame.StatusReply) request(Frame.StatusRequest::new, "status");
        return new ServerStatus(r.serverId(), r.serverVersion(), Instant.ofEpochMilli(r.startedAtMillis()),
                Duration.ofMillis(r.uptimeMillis()), r.connections(), r.subscriptions(), r.topics(), r.published(),
                r.delivered(), r.rejected());
    }

    private Frame request(java.util.function.IntFunction<Frame> build, String what) {
        requireNotIoThread(what);
        requireOpen();
        int id;
        synchronized (idLock) {
            id = ++lastRequestId;
        }
        Request r = new Request(build.apply(id));
        loop.execute(() -> {
            requests.put(id, r);
            if (ready) {
                channel.writeAndFlush(r.frame, channel.voidPromise());
            }
        });
        try {
            return r.future.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new BusException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new BusException("server did not answer " + what + " within " + options.requestTimeout().toMillis() + " ms");
        } finally {
            loop.execute(() -> requests.remove(id));
        }
    }

    // ------------------------------------------------------------------ connection

    /** This client's producer id (random, fixed for the client's life, kept across reconnects). */
    public long producerId() {
        return producerId;
    }

    /** True while a connection is up and past the handshake. Any thread. */
    public boolean isConnected() {
        return connectedServer != null;
    }

    private volatile String connectedServer;
    private volatile String connectedServerId;

    /** The {@code host:port} of the server connected now, or null while disconnected. Any thread. */
    public String connectedServer() {
        return connectedServer;
    }

    /** The id of the server connected now (from its WELCOME), or null while disconnected. Any thread. */
    public String serverId() {
        return connectedServerId;
    }

    /** The options this client was built with. */
    public ClientOptions options() {
        return options;
    }

    private void attemptConnect() {
        if (closed) {
            return;
        }
        List<InetSocketAddress> servers = options.servers();
        InetSocketAddress unresolved = servers.get(Math.floorMod(serverIndex, servers.size()));
        InetSocketAddress address = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
        bootstrap.connect(address).addListener(f -> {
            if (!f.isSuccess()) {
                onConnectFailed(unresolved, f.cause());
            }
        });
    }

    private void onConnectFailed(InetSocketAddress address, Throwable cause) {
        String what = describe(address) + ": " + (cause == null ? "closed" : cause.getMessage());
        if (!(cause instanceof BusException) || lastConnectError == null || !lastConnectError.startsWith("server refused")) {
            lastConnectError = what;
        }
        failedAttempts++;
        serverIndex++;
        if (closed) {
            return;
        }
        if (everConnected) {
            log.info("reconnect to {} failed (attempt {})", what, failedAttempts);
            listener.error("reconnect failed: " + what, cause);
            if (options.maxReconnects() >= 0 && failedAttempts > options.maxReconnects()) {
                giveUp("gave up after " + options.maxReconnects() + " reconnect attempts; last: " + what);
                return;
            }
        }
        long waitMs = backoffMillis();
        loop.schedule(this::attemptConnect, waitMs, TimeUnit.MILLISECONDS);
    }

    private long backoffMillis() {
        long min = options.reconnectWaitMin().toMillis();
        long max = options.reconnectWaitMax().toMillis();
        int shift = Math.min(20, Math.max(0, failedAttempts - 1));
        return Math.min(max, min << shift);
    }

    private void onWelcome(Channel ch, Frame.Welcome w) {
        if (w.protocolVersion() != FrameCodec.PROTOCOL_VERSION) {
            giveUp("server speaks protocol version " + w.protocolVersion() + ", this client "
                    + FrameCodec.PROTOCOL_VERSION);
            return;
        }
        welcome = w;
        // what the server sends can exceed what it accepts (a TOPICS_REPLY listing many topics)
        decoder.maxFrameBytes(Math.max(MAX_RECEIVE_FRAME_BYTES, w.maxFrameBytes() + 1024));
        ready = true;
        failedAttempts = 0;
        aliases.clear();
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        String server = describe(remote);
        connectedServer = server;
        connectedServerId = w.serverId();
        // resume subscriptions first, then re-send unacked postings in seq order, then new ones
        for (Subscription s : new ArrayList<>(subscriptions.values())) {
            sendSubscribe(s);
        }
        int n = inflight.size();
        if (n > 0) {
            ByteBuf buf = ch.alloc().directBuffer(64 * 1024);
            inflight.forEach(p -> writePublish(buf, p));
            ch.write(buf, ch.voidPromise());
        }
        for (Request r : requests.values()) {
            ch.write(r.frame, ch.voidPromise());
        }
        drainOutbox();
        ch.flush();
        if (!everConnected) {
            everConnected = true;
            log.info("connected to {} (server {}, {})", server, w.serverId(), NettyTransport.name());
            firstWelcome.complete(w);
            listener.connected(server, w.serverId());
        } else {
            log.info("reconnected to {} (server {}): resumed {} subscriptions, re-sent {} unacked postings", server,
                    w.serverId(), subscriptions.size(), n);
            listener.reconnected(server, w.serverId());
        }
    }

    private void onDisconnected(Channel ch, Throwable cause) {
        if (ch != channel) {
            return;
        }
        boolean wasReady = ready;
        ready = false;
        channel = null;
        connectedServer = null;
        connectedServerId = null;
        for (Subscription s : subscriptions.values()) {
            s.subscribedOn = null;
            s.flushIoBatch();
        }
        touched.clear();
        if (closed) {
            return;
        }
        String server = ch.remoteAddress() instanceof InetSocketAddress a ? describe(a) : String.valueOf(ch.remoteAddress());
        if (wasReady) {
            log.info("connection to {} lost{}; reconnecting", server, cause == null ? "" : ": " + cause.getMessage());
            listener.disconnected(server, cause);
            serverIndex++;
            loop.schedule(this::attemptConnect, options.reconnectWaitMin().toMillis(), TimeUnit.MILLISECONDS);
        } else {
            onConnectFailed(ch.remoteAddress() instanceof InetSocketAddress a ? a
                    : options.servers().get(0), cause == null ? new BusException("closed during handshake") : cause);
        }
    }

    private void protocolError(String message) {
        log.warn("protocol error from server: {}", message);
        listener.error("protocol error from server: " + message, null);
        if (channel != null) {
            channel.close();
        }
    }

    private void giveUp(String reason) {
        log.warn("client giving up: {}", reason);
        BusException e = new BusException(reason);
        firstWelcome.completeExceptionally(e);
        listener.error(reason, e);
        closed = true;
        failEverything(reason);
        if (channel != null) {
            channel.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Periodic: publish timeouts (I/O thread). */
    private void onTimer() {
        checkFlushWaiters();
        if (inflight.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<Pending> expired = new ArrayList<>();
        inflight.forEach(p -> {
            if (now - p.deadlineNs >= 0) {
                expired.add(p);
            }
        });
        for (Pending p : expired) {
            inflight.remove(p.producerSeq);
            failPending(p, "no ack for posting to " + p.topic + " within "
                    + options.publishTimeout().toMillis() + " ms" + (ready ? "" : " (disconnected)")
                    + "; it may or may not have been stored");
        }
        checkFlushWaiters();
    }

    private void failEverything(String reason) {
        inflight.forEach(p -> failPending(p, reason));
        inflight.clear();
        Pending p;
        while ((p = outbox.poll()) != null) {
            failPending(p, reason);
        }
        for (Request r : requests.values()) {
            r.future.completeExceptionally(new BusException(reason));
        }
        for (Subscription s : subscriptions.values()) {
            s.opened.completeExceptionally(new BusException(reason));
            s.ended(reason);
        }
        checkFlushWaiters();
    }

    /**
     * Closes the client: waits up to 5 s (at most the publish timeout) for unacked postings,
     * fails what is left with {@link PublishException}, closes every subscription (no handler
     * call starts afterwards) and the connection. Idempotent. Any thread but the I/O thread
     * (from there it does not wait).
     */
    @Override
    public void close() {
        if (closed || closing) {
            return;
        }
        closing = true;
        if (!loop.inEventLoop() && window != null) {
            Duration wait = options.publishTimeout().compareTo(Duration.ofSeconds(5)) < 0
                    ? options.publishTimeout() : Duration.ofSeconds(5);
            flush(wait);
        }
        List<Subscription> subs = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                subs.addAll(subscriptions.values());
                closed = true;
                failEverything("client closed");
                subscriptions.clear();
                if (channel != null) {
                    channel.close();
                }
                done.complete(null);
            });
            if (!loop.inEventLoop()) {
                done.get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.debug("close: {}", e.toString());
        }
        for (Subscription s : subs) {
            s.close();
        }
        shutdown("closed");
    }

    private void shutdown(String why) {
        closed = true;
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        log.debug("client {}", why);
    }

    /** Runs {@code task} on the I/O thread; once the client has shut down, drops it. */
    private void runOnLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing left to do on the I/O thread
        }
    }

    private void requireNotIoThread(String what) {
        if (loop.inEventLoop()) {
            throw new IllegalStateException(what + " blocks and cannot be called on the client's I/O thread "
                    + "(a ConnectionListener method or a non-async publish future stage); use another thread");
        }
    }

    private void requireOpen() {
        if (closed || closing) {
            throw new BusException("client is closed");
        }
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new BusException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException(ErrorCode.INTERNAL, what + " not acked within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusException(what + " interrupted");
        }
    }

    static String describe(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String describe(List<InetSocketAddress> servers) {
        StringBuilder b = new StringBuilder();
        for (InetSocketAddress a : servers) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(describe(a));
        }
        return b.toString();
    }

    /** A posting queued or in flight. */
    private static final class Pending {
        final String topic;
        final byte[] key;
        final byte[] headers;
        final byte[] payload;
        final CompletableFuture<PublishAck> future;
        final long deadlineNs;
        long producerSeq;

        Pending(String topic, byte[] key, byte[] headers, byte[] payload, CompletableFuture<PublishAck> future,
                long deadlineNs) {
            this.topic = topic;
            this.key = key;
            this.headers = headers;
            this.payload = payload;
            this.future = future;
            this.deadlineNs = deadlineNs;
        }
    }

    /** A TOPICS or STATUS request waiting for its reply; re-sent after a reconnect. */
    private static final class Request {
        final Frame frame;
        final CompletableFuture<Frame> future = new CompletableFuture<>();

        Request(Frame frame) {
            this.frame = frame;
        }
    }

    /** Netty edge of the client: routes decoded frames to the client's I/O-thread state. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final FrameDecoder frameDecoder;

        Handler(FrameDecoder frameDecoder) {
            this.frameDecoder = frameDecoder;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (closed) {
                ctx.close();
                return;
            }
            channel = ctx.channel();
            decoder = frameDecoder;
            pingsOutstanding = 0;
            ctx.writeAndFlush(new Frame.Hello(FrameCodec.PROTOCOL_VERSION, producerId, options.name()));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            pingsOutstanding = 0;
            if (msg instanceof Frame.Message m) {
                onMessage(m);
            } else if (msg instanceof Frame.AckRange r) {
                onAckRange(r);
            } else if (msg instanceof Frame.Ack a) {
                onAck(a);
            } else if (msg instanceof Frame.Nack n) {
                onNack(n);
            } else if (msg instanceof Frame.TopicAlias a) {
                aliases.put(a.alias(), a.topic());
            } else if (msg instanceof Frame.Welcome w) {
                onWelcome(ctx.channel(), w);
            } else if (msg instanceof Frame.StartSeqs st) {
                Subscription sub = subscriptions.get(st.subscriptionId());
                if (sub != null && sub.pendingStartSeqs != null) {
                    sub.pendingStartSeqs.putAll(st.startSeqs());
                }
            } else if (msg instanceof Frame.Subscribed s) {
                Subscription sub = subscriptions.get(s.subscriptionId());
                if (sub != null) {
                    if (sub.pendingStartSeqs != null) {
                        sub.startSeqs = sub.pendingStartSeqs; // the subscription's start, kept for resumes
                        sub.pendingStartSeqs = null;
                    }
                    sub.opened.complete(null);
                }
            } else if (msg instanceof Frame.SubscriptionEnd e) {
                Subscription sub = subscriptions.remove(e.subscriptionId());
                if (sub != null && e.code() != ErrorCode.NONE) {
                    String reason = e.code() + ": " + e.message();
                    sub.opened.completeExceptionally(new BusException(reason));
                    sub.flushIoBatch();
                    sub.ended(reason);
                    listener.error("server ended subscription " + sub.pattern() + ": " + reason, null);
                }
            } else if (msg instanceof Frame.TopicsReply r) {
                Request req = requests.remove(r.requestId());
                if (req != null) {
                    req.future.complete(r);
                }
            } else if (msg instanceof Frame.StatusReply r) {
                Request req = requests.remove(r.requestId());
                if (req != null) {
                    req.future.complete(r);
                }
            } else if (msg instanceof Frame.Ping p) {
                ctx.writeAndFlush(new Frame.Pong(p.nonce()), ctx.voidPromise());
            } else if (msg instanceof Frame.Pong) {
                // liveness only
            } else if (msg instanceof Frame.ErrorFrame e) {
                log.warn("server error {}: {}", e.code(), e.message());
                listener.error("server error " + e.code() + ": " + e.message(), null);
                if (!ready && e.closing()) {
                    lastConnectError = "server refused the connection: " + e.code() + ": " + e.message();
                    if (e.code() == ErrorCode.UNSUPPORTED_VERSION) {
                        giveUp("server refused the handshake: " + e.message());
                    }
                }
            } else if (msg instanceof DecodeFailure f) {
                protocolError(f.code() + ": " + f.message());
            } else {
                protocolError("unexpected frame " + msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            for (int i = 0; i < touched.size(); i++) {
                touched.get(i).flushIoBatch();
            }
            touched.clear();
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                if (++pingsOutstanding >= 3) {
                    log.info("server {} silent for {} ms; dropping the connection", ctx.channel().remoteAddress(),
                            3 * options.pingInterval().toMillis());
                    ctx.close();
                } else {
                    ctx.writeAndFlush(new Frame.Ping(System.nanoTime()), ctx.voidPromise());
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onDisconnected(ctx.channel(), null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("connection error: {}", cause.toString());
            ctx.close();
        }
    }
}
