package org.backplane.vsync.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.backplane.vsync.membership.GroupMember;
import org.backplane.vsync.membership.GroupSink;

/**
 * A {@link Group} of a {@link VsyncNode}: application calls become engine-thread tasks; the
 * machine's effects are queued for this group's delivery thread, which calls the listener in
 * history order, handing consecutive deliveries over as one batch. The send window is a
 * semaphore: a multicast takes a permit (blocking when none is left) and the engine gives
 * permits back as the member's own messages become stable. State transfer streams through
 * bounded chunk queues in both directions, so neither side holds the whole state.
 */
final class RuntimeGroup implements Group, GroupSink, Delivery.ReplyChannel {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeGroup.class);
    private static final Object STOP = new Object();

    private record Done(CompletableFuture<Replies> future, Replies replies, String failure) {
    }

    private record GetState(MemberId joiner, long viewId, StateOut out) {
    }

    private record SetState(long viewId, StateIn in) {
    }

    private record Quorum(boolean lost) {
    }

    private record Stopped(boolean left, String why) {
    }

    private final VsyncNode node;
    private final String name;
    private final GroupListener listener;
    private final Semaphore window;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Thread deliveryThread;
    private final CompletableFuture<View> joined = new CompletableFuture<>();
    private final CompletableFuture<Void> left = new CompletableFuture<>();
    private final Map<MemberId, StateOut> donating = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile GroupMember member;
    private volatile View view;
    private volatile StateIn receiving;
    private volatile boolean leftForGood;
    private volatile boolean shutdown;

    RuntimeGroup(VsyncNode node, String name, GroupListener listener) {
        this.node = node;
        this.name = name;
        this.listener = listener;
        this.window = new Semaphore(node.config().sendWindow());
        this.deliveryThread = new Thread(this::runDeliveries, "vsync-deliver-" + name);
        deliveryThread.setDaemon(true);
        deliveryThread.start();
    }

    /** Engine thread: the machine this group now talks to. */
    void bind(GroupMember m) {
        if (this.member != null) {
            window.drainPermits(); // a new incarnation starts with an empty window
            window.release(node.config().sendWindow());
        }
        this.member = m;
    }

    GroupMember member() {
        return member;
    }

    boolean leftForGood() {
        return leftForGood;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public MemberId self() {
        return node.self();
    }

    @Override
    public View view() {
        return view;
    }

    @Override
    public CompletableFuture<View> joined() {
        return joined;
    }

    @Override
    public CompletableFuture<Replies> multicast(Ordering ordering, byte[] payload, ReplyMode replies, boolean safe) {
        CompletableFuture<Replies> f = new CompletableFuture<>();
        acquire(1);
        node.post(() -> member.multicast(ordering, payload, replies, safe, f, System.nanoTime()));
        return f;
    }

    @Override
    public CompletableFuture<Replies> multicastAll(Ordering ordering, List<byte[]> payloads, boolean safe) {
        CompletableFuture<Replies> last = new CompletableFuture<>();
        if (payloads.isEmpty()) {
            last.complete(new Replies(null, Map.of(), List.of()));
            return last;
        }
        int from = 0;
        int max = Math.max(1, node.config().sendWindow() / 2);
        while (from < payloads.size()) {
            int to = Math.min(payloads.size(), from + max);
            List<byte[]> slice = payloads.subList(from, to);
            boolean lastSlice = to == payloads.size();
            acquire(slice.size());
            node.post(() -> {
                long now = System.nanoTime();
                for (int i = 0; i < slice.size(); i++) {
                    member.multicast(ordering, slice.get(i), ReplyMode.NONE, safe,
                            lastSlice && i == slice.size() - 1 ? last : null, now);
                }
            });
            from = to;
        }
        return last;
    }

    private void acquire(int permits) {
        try {
            window.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the send window", e);
        }
    }

    @Override
    public CompletableFuture<Void> leave() {
        leftForGood = true;
        node.post(() -> member.leave(System.nanoTime()));
        return left;
    }

    // ---- GroupSink, on the engine thread

    @Override
    public void onView(ViewChange change) {
        events.add(change);
    }

    @Override
    public void onDeliver(Delivery delivery) {
        events.add(delivery);
    }

    @Override
    public void onGetState(MemberId joiner, long viewId) {
        StateOut out = new StateOut(joiner, viewId, node.config().stateChunkBytes(), node.config().stateWindowChunks());
        donating.put(joiner, out);
        events.add(new GetState(joiner, viewId, out));
    }

    @Override
    public void onSetStateBegin(long viewId) {
        StateIn old = receiving;
        if (old != null) {
            old.abort();
        }
        StateIn in = new StateIn(viewId);
        receiving = in;
        events.add(new SetState(viewId, in));
    }

    @Override
    public void onStateChunk(long viewId, long seq, byte[] bytes, boolean last) {
        StateIn in = receiving;
        if (in != null && in.viewId == viewId) {
            in.chunks.add(new Chunk(seq, bytes, last));
        }
    }

    @Override
    public void onStateAcked(MemberId joiner) {
        StateOut out = donating.get(joiner);
        if (out != null) {
            out.credits.release();
        }
    }

    @Override
    public void onStateAborted(MemberId joiner) {
        StateOut out = donating.remove(joiner);
        if (out != null) {
            out.aborted = true;
            out.credits.release(1 << 20);
        }
    }

    @Override
    public void onQuorum(boolean lost) {
        events.add(new Quorum(lost));
    }

    @Override
    public void onStopped(boolean wasLeave, String why) {
        window.release(1 << 24);
        events.add(new Stopped(wasLeave, why));
        if (!wasLeave) {
            node.excluded(this);
        }
    }

    @Override
    public long backlog() {
        return events.size();
    }

    @Override
    public void onWindowFreed(long count) {
        window.release((int) Math.min(count, Integer.MAX_VALUE));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMulticastDone(Object handle, Replies replies) {
        events.add(new Done((CompletableFuture<Replies>) handle, replies, null));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMulticastFailed(Object handle, String why) {
        events.add(new Done((CompletableFuture<Replies>) handle, null, why));
    }

    /** Engine thread: this group's membership is gone because the process took a new incarnation. */
    void abandon(String why) {
        events.add(new Stopped(false, why));
    }

    // ---- replies, from the delivery thread

    @Override
    public void reply(MessageId id, byte[] payload) {
        GroupMember m = member;
        node.post(() -> {
            if (m == member) {
                m.reply(id, payload);
            }
        });
    }

    // ---- the delivery thread

    private void runDeliveries() {
        List<Object> batch = new ArrayList<>();
        List<Delivery> deliveries = new ArrayList<>();
        while (true) {
            try {
                batch.add(events.take());
            } catch (InterruptedException e) {
                return;
            }
            events.drainTo(batch, 8191);
            for (Object o : batch) {
                if (o == STOP) {
                    return;
                }
                if (o instanceof Delivery d) {
                    deliveries.add(d);
                    continue;
                }
                flush(deliveries);
                handle(o);
            }
            flush(deliveries);
            batch.clear();
        }
    }

    private void flush(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        try {
            listener.onDeliverBatch(deliveries);
        } catch (RuntimeException e) {
            LOG.error("{} listener failed on a delivery batch (continuing)", name, e);
        }
        for (Delivery d : deliveries) {
            d.replyIfUnanswered();
        }
        deliveries.clear();
    }

    private void handle(Object o) {
        try {
            if (o instanceof ViewChange vc) {
                view = vc.view();
                try {
                    listener.onView(vc);
                } finally {
                    // after the listener has seen the view: whoever waits on joined() finds it there
                    joined.complete(vc.view());
                }
            } else if (o instanceof Done d) {
                if (d.failure() == null) {
                    d.future().complete(d.replies());
                } else {
                    d.future().completeExceptionally(new IllegalStateException(d.failure()));
                }
            } else if (o instanceof GetState g) {
                giveState(g);
            } else if (o instanceof SetState s) {
                takeState(s);
            } else if (o instanceof Quorum q) {
                if (q.lost()) {
                    listener.onQuorumLost();
                } else {
                    listener.onQuorumRegained();
                }
            } else if (o instanceof Stopped s) {
                if (s.left()) {
                    left.complete(null);
                    listener.onLeft();
                } else {
                    listener.onExcluded();
                }
            }
        } catch (RuntimeException e) {
            LOG.error("{} listener failed (continuing)", name, e);
        }
    }

    private void giveState(GetState g) {
        try (StateOut out = g.out()) {
            listener.getState(out);
        } catch (IOException e) {
            LOG.warn("{} state transfer to {} for view {} abandoned: {}", name, g.joiner(), g.viewId(), e.getMessage());
        } finally {
            donating.remove(g.joiner(), g.out());
        }
    }

    private void takeState(SetState s) {
        try {
            listener.setState(s.in());
            s.in().drainToEnd();
            long viewId = s.viewId();
            node.post(() -> member.stateInstalled(viewId));
        } catch (IOException e) {
            LOG.warn("{} state transfer for view {} not completed: {}", name, s.viewId(), e.getMessage());
        }
    }

    void shutdown() {
        shutdown = true;
        events.add(STOP);
        StateIn in = receiving;
        if (in != null) {
            in.abort();
        }
        for (StateOut out : donating.values()) {
            out.aborted = true;
            out.credits.release(1 << 20);
        }
    }

    private record Chunk(long seq, byte[] bytes, boolean last) {
    }

    /** The donor's stream: cuts the application's bytes into chunks, each waiting for a credit. */
    private final class StateOut extends OutputStream {
        final MemberId joiner;
        final long viewId;
        final Semaphore credits;
        final byte[] buf;
        int len;
        volatile boolean aborted;
        boolean closed;

        StateOut(MemberId joiner, long viewId, int chunkBytes, int windowChunks) {
            this.joiner = joiner;
            this.viewId = viewId;
            this.credits = new Semaphore(windowChunks);
            this.buf = new byte[chunkBytes];
        }

        @Override
        public void write(int b) throws IOException {
            if (len == buf.length) {
                emit(false);
            }
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            while (n > 0) {
                if (len == buf.length) {
                    emit(false);
                }
                int k = Math.min(n, buf.length - len);
                System.arraycopy(b, off, buf, len, k);
                len += k;
                off += k;
                n -= k;
            }
        }

        private void emit(boolean last) throws IOException {
            try {
                while (!credits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (aborted || shutdown) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (aborted || shutdown) {
                throw new IOException("joiner " + joiner + " is gone");
            }
            byte[] chunk = java.util.Arrays.copyOf(buf, len);
            len = 0;
            GroupMember m = member;
            node.post(() -> {
                if (!m.stateChunk(joiner, chunk, last)) {
                    onStateAborted(joiner);
                }
            });
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                emit(true);
            }
        }
    }

    /** The joiner's stream: reads chunks as they arrive, acknowledging each once consumed. */
    private final class StateIn extends InputStream {
        final long viewId;
        final BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
        Chunk current;
        int pos;
        boolean ended;
        volatile boolean aborted;

        StateIn(long viewId) {
            this.viewId = viewId;
        }

        void abort() {
            aborted = true;
        }

        private boolean fill() throws IOException {
            while (current == null || pos == current.bytes().length) {
                if (current != null) {
                    long seq = current.seq();
                    GroupMember m = member;
                    node.post(() -> m.stateChunkConsumed(viewId, seq));
                    if (current.last()) {
                        ended = true;
                        current = null;
                        return false;
                    }
                    current = null;
                }
                if (ended) {
                    return false;
                }
                try {
                    Chunk c = null;
                    while (c == null) {
                        if (aborted || shutdown) {
                            throw new IOException("state transfer for view " + viewId + " was abandoned");
                        }
                        c = chunks.poll(100, TimeUnit.MILLISECONDS);
                    }
                    current = c;
                    pos = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            return current.bytes()[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
            if (n == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int k = Math.min(n, current.bytes().length - pos);
            System.arraycopy(current.bytes(), pos, b, off, k);
            pos += k;
            return k;
        }

        void drainToEnd() throws IOException {
            byte[] skip = new byte[8192];
            while (read(skip, 0, skip.length) >= 0) {
                // the application did not read all of it; consume the rest so the donor finishes
            }
        }
    }
}
