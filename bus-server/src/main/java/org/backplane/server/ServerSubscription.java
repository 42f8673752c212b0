package org.backplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.backplane.client.TopicPattern;
import org.backplane.client.protocol.FrameCodec;
import org.backplane.history.Entry;
import org.backplane.history.EntryHandler;
import org.backplane.history.HistoryCursor;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client subscription on the server: a cursor on the history store, driven on its
 * connection's event loop, that sends MESSAGE frames while the client has credits and the
 * socket is writable. Replay and live are the same cursor, so the switch has no gap and no
 * duplicate (B2). A subscriber without credits (a stalled handler) or with a full socket is
 * simply not polled: it falls behind in the log and costs no server memory beyond one drain's
 * buffer. Woken by the delivery loop after appends ({@link #wake()}, the only cross-thread
 * entry point), by CREDIT frames, and by the socket becoming writable again.
 */
final class ServerSubscription implements EntryHandler {
    /** Most messages sent in one drain task before yielding to the event loop's other work. */
    private static final int DRAIN_BUDGET = 2048;
    /** Most bytes encoded in one poll; the poll limit adapts to the largest frame seen. */
    private static final int POLL_BYTES = 256 * 1024;
    private static final int MAX_POLL = 256;

    final int id;
    final TopicPattern pattern;
    final String startDescription;
    private final SessionHandler session;
    private final HistoryCursor cursor;
    private final EventLoop loop;
    private final ServerMetrics metrics;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;

    // event-loop state
    private long credits;
    private long sent;
    private boolean closed;
    private boolean draining;
    private ByteBuf out;
    private int largestFrameBytes = 16 * 1024;
    private int averageFrameBytes = 256;

    ServerSubscription(SessionHandler session, int id, TopicPattern pattern, String startDescription,
                       HistoryCursor cursor, long credits, EventLoop loop, ServerMetrics metrics) {
        this.session = session;
        this.id = id;
        this.pattern = pattern;
        this.startDescription = startDescription;
        this.cursor = cursor;
        this.credits = credits;
        this.loop = loop;
        this.metrics = metrics;
    }

    /** Schedules a drain on the event loop unless one is pending. Any thread. */
    void wake() {
        if (!scheduled.getAndSet(true)) {
            try {
                loop.execute(drainTask);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the server is stopping: the connection goes with it
            }
        }
    }

    /**
     * The delivery loop appended postings for this subscription: drains it at once when it is
     * served by the delivery loop itself (its messages then leave in the same turn as the append,
     * before the publisher's ack), else schedules a drain on its own loop. Delivery loop.
     */
    void wakeAfterAppend() {
        if (loop.inEventLoop() && !draining) {
            drain();
        } else {
            wake();
        }
    }

    /** The client granted {@code n} more messages (event loop). */
    void addCredits(int n) {
        credits += n;
        wake();
    }

    /** Messages the server may still send before it needs more credit (event loop). */
    long credits() {
        return credits;
    }

    /** Messages sent so far (event loop). */
    long sent() {
        return sent;
    }

    /** Closes the cursor; no more messages (event loop). */
    void close() {
        if (!closed) {
            closed = true;
            cursor.close();
        }
    }

    private void drain() {
        scheduled.set(false);
        if (closed) {
            return;
        }
        if (draining) {
            wake(); // re-entered from a write inside this drain: continue in a task
            return;
        }
        Channel ch = session.channel();
        if (!ch.isActive()) {
            return;
        }
        int budget = DRAIN_BUDGET;
        boolean more = false;
        draining = true;
        try {
            while (credits > 0 && budget > 0 && ch.isWritable()) {
                int limit = (int) Math.min(Math.min(credits, budget),
                        Math.max(1, Math.min(MAX_POLL, POLL_BYTES / largestFrameBytes)));
                if (out == null) {
                    // sized for what this poll will likely bring (one message when live at a low rate)
                    long expected = (long) limit * averageFrameBytes + averageFrameBytes / 4 + 64;
                    out = ch.alloc().directBuffer((int) Math.min(expected, POLL_BYTES + largestFrameBytes));
                }
                int n = cursor.poll(this, limit);
                credits -= n;
                budget -= n;
                sent += n;
                metrics.delivered.add(n);
                if (out.readableBytes() >= POLL_BYTES) {
                    ch.write(out, ch.voidPromise());
                    out = null;
                }
                if (n < limit) {
                    break; // caught up with the log; the delivery loop wakes us for more
                }
                more = budget == 0;
            }
        } catch (RuntimeException e) {
            session.subscriptionFailed(this, e);
            return;
        } finally {
            if (out != null) {
                if (out.isReadable()) {
                    ch.write(out, ch.voidPromise());
                } else {
                    out.release();
                }
                out = null;
            }
            ch.flush();
            draining = false;
        }
        if (more && credits > 0) {
            wake(); // yield to other channels on this loop, then continue
        }
    }

    /** Encodes one entry as a MESSAGE frame (and a TOPIC_ALIAS first for a new topic). */
    @Override
    public void onEntry(Entry e) {
        ByteBuf b = out;
        int alias = session.alias(e.topic(), b);
        int keyLength = e.keyLength();
        int headersLength = e.headersLength();
        int payloadLength = e.payloadLength();
        int frameBytes = FrameCodec.MESSAGE_OVERHEAD_BYTES + Math.max(0, keyLength) + Math.max(0, headersLength)
                + payloadLength;
        if (frameBytes > largestFrameBytes) {
            largestFrameBytes = frameBytes;
        }
        averageFrameBytes += (frameBytes - averageFrameBytes) / 8;
        b.ensureWritable(frameBytes);
        int start = FrameCodec.beginMessage(b, id, alias, e.seq(), e.timestampMillis());
        b.writeInt(keyLength);
        if (keyLength > 0) {
            e.copyKey(target(b, keyLength));
            b.writerIndex(b.writerIndex() + keyLength);
        }
        b.writeInt(headersLength);
        if (headersLength > 0) {
            e.copyHeaders(target(b, headersLength));
            b.writerIndex(b.writerIndex() + headersLength);
        }
        b.writeInt(payloadLength);
        if (payloadLength > 0) {
            e.copyPayload(target(b, payloadLength));
            b.writerIndex(b.writerIndex() + payloadLength);
        }
        FrameCodec.endFrame(b, start);
    }

    private static ByteBuffer target(ByteBuf b, int length) {
        return b.internalNioBuffer(b.writerIndex(), length);
    }

    @Override
    public String toString() {
        return "subscription " + id + " '" + pattern + "' from " + startDescription;
    }
}
