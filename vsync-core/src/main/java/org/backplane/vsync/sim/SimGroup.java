package org.backplane.vsync.sim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.GroupListener;
import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.MessageId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.Replies;
import org.backplane.vsync.api.ReplyMode;
import org.backplane.vsync.api.View;
import org.backplane.vsync.api.ViewChange;
import org.backplane.vsync.membership.GroupMember;
import org.backplane.vsync.membership.GroupSink;

/**
 * A {@link Group} on the simulator: application calls become simulation events at the current
 * virtual time (as the runtime posts them to its engine thread), and listener callbacks run on
 * the simulation thread as the machine produces them. State is streamed through an in-memory
 * chunker of the configured chunk size.
 */
final class SimGroup implements Group, GroupSink, Delivery.ReplyChannel {

    private final SimNetwork net;
    private final SimProcess process;
    private final String name;
    private final GroupListener listener;
    private final CompletableFuture<View> joined = new CompletableFuture<>();
    private final CompletableFuture<Void> left = new CompletableFuture<>();
    private GroupMember member;
    private ByteArrayOutputStream incoming;

    SimGroup(SimNetwork net, SimProcess process, String name, GroupListener listener) {
        this.net = net;
        this.process = process;
        this.name = name;
        this.listener = listener;
    }

    void start() {
        net.schedule(process, 0, () -> member = process.node().join(name, this, this, net.nowNs()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public MemberId self() {
        return process.id();
    }

    @Override
    public View view() {
        return member == null ? null : member.view();
    }

    @Override
    public CompletableFuture<View> joined() {
        return joined;
    }

    /** The machine (for tests). */
    GroupMember member() {
        return member;
    }

    @Override
    public CompletableFuture<Replies> multicast(Ordering ordering, byte[] payload, ReplyMode replies, boolean safe) {
        CompletableFuture<Replies> f = new CompletableFuture<>();
        net.schedule(process, 0, () -> {
            if (member == null) {
                f.completeExceptionally(new IllegalStateException("not started"));
            } else {
                member.multicast(ordering, payload, replies, safe, f, net.nowNs());
            }
        });
        return f;
    }

    @Override
    public CompletableFuture<Replies> multicastAll(Ordering ordering, List<byte[]> payloads, boolean safe) {
        CompletableFuture<Replies> last = new CompletableFuture<>();
        net.schedule(process, 0, () -> {
            for (int i = 0; i < payloads.size(); i++) {
                member.multicast(ordering, payloads.get(i), ReplyMode.NONE, safe,
                        i == payloads.size() - 1 ? last : null, net.nowNs());
            }
        });
        return last;
    }

    @Override
    public CompletableFuture<Void> leave() {
        net.schedule(process, 0, () -> member.leave(net.nowNs()));
        return left;
    }

    // ---- GroupSink: machine to application, on the simulation thread

    @Override
    public void onView(ViewChange change) {
        joined.complete(change.view());
        listener.onView(change);
    }

    @Override
    public void onDeliver(Delivery delivery) {
        listener.onDeliver(delivery);
        delivery.replyIfUnanswered();
    }

    @Override
    public void onGetState(MemberId joiner, long viewId) {
        int chunk = net.config.stateChunkBytes();
        OutputStream out = new OutputStream() {
            private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                buf.write(b);
                if (buf.size() >= chunk) {
                    emit(false);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }

            @Override
            public void close() {
                emit(true);
            }

            private void emit(boolean last) {
                member.stateChunk(joiner, buf.toByteArray(), last);
                buf.reset();
            }
        };
        try {
            listener.getState(out);
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onSetStateBegin(long viewId) {
        incoming = new ByteArrayOutputStream();
    }

    @Override
    public void onStateChunk(long viewId, long seq, byte[] bytes, boolean last) {
        incoming.writeBytes(bytes);
        net.schedule(process, 0, () -> member.stateChunkConsumed(viewId, seq));
        if (last) {
            byte[] state = incoming.toByteArray();
            net.schedule(process, 0, () -> {
                try {
                    listener.setState(new ByteArrayInputStream(state));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                member.stateInstalled(viewId);
            });
        }
    }

    @Override
    public void onQuorum(boolean lost) {
        if (lost) {
            listener.onQuorumLost();
        } else {
            listener.onQuorumRegained();
        }
    }

    @Override
    public void onStopped(boolean wasLeave, String why) {
        joined.completeExceptionally(new IllegalStateException(why));
        if (wasLeave) {
            left.complete(null);
            listener.onLeft();
        } else {
            left.completeExceptionally(new IllegalStateException(why));
            listener.onExcluded();
        }
    }

    @Override
    public void onWindowFreed(long count) {
        // The simulator never blocks senders; the machine queues beyond its window.
    }

    @Override
    public long backlog() {
        return 0; // listeners run inline in simulation
    }

    @Override
    public void onStateAcked(MemberId joiner) {
        // State is produced all at once in simulation.
    }

    @Override
    public void onStateAborted(MemberId joiner) {
        // Nothing is waiting in simulation.
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMulticastDone(Object handle, Replies replies) {
        ((CompletableFuture<Replies>) handle).complete(replies);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMulticastFailed(Object handle, String why) {
        ((CompletableFuture<Replies>) handle).completeExceptionally(new IllegalStateException(why));
    }

    // ---- replies from the application

    @Override
    public void reply(MessageId id, byte[] payload) {
        net.schedule(process, 0, () -> member.reply(id, payload));
    }
}
