package org.backplane.vsync.state;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

import org.backplane.vsync.api.MemberId;

/**
 * State transfer bookkeeping of one member (ARCHITECTURE "state transfer"; PROTOCOL-NOTES §5):
 * as donor, the chunks the application has written for each joiner and how far the joiner has
 * consumed them (a window of chunks in flight); as joiner, the transfer it waits for. The state
 * is taken at the donor right after it installs the joining view and before it delivers anything
 * in it, so it reflects exactly the deliveries of earlier views (V11).
 */
public final class StateTransfer {

    /** Where chunks go; implemented by the group machine. */
    public interface ChunkOut {
        /** Sends a chunk to the joiner. */
        void send(MemberId joiner, StateChunk chunk);
    }

    private static final class Outgoing {
        final long viewId;
        final ArrayDeque<StateChunk> unsent = new ArrayDeque<>();
        long produced;
        long sent;
        long acked;
        boolean requested;
        boolean finished;

        Outgoing(long viewId) {
            this.viewId = viewId;
        }
    }

    private final String group;
    private final int windowChunks;
    private final Map<MemberId, Outgoing> outgoing = new LinkedHashMap<>();
    private MemberId donor;
    private long awaitedViewId;
    private long expectedChunk;

    /** @param windowChunks chunks in flight per joiner at most */
    public StateTransfer(String group, int windowChunks) {
        this.group = group;
        this.windowChunks = windowChunks;
    }

    // ---- donor side ----

    /** Starts a transfer to {@code joiner} of the state as of view {@code viewId}. */
    public void startDonating(MemberId joiner, long viewId) {
        outgoing.put(joiner, new Outgoing(viewId));
    }

    /** The application wrote a chunk for {@code joiner}; returns false if that transfer is gone. */
    public boolean produce(MemberId joiner, byte[] bytes, boolean last, ChunkOut out) {
        Outgoing o = outgoing.get(joiner);
        if (o == null || o.finished) {
            return false;
        }
        o.produced++;
        o.unsent.addLast(new StateChunk(group, o.viewId, o.produced, bytes, last));
        o.finished = last;
        pump(joiner, o, out);
        return true;
    }

    /** Chunks produced but not yet acknowledged by the joiner (for producer flow control). */
    public long unacked(MemberId joiner) {
        Outgoing o = outgoing.get(joiner);
        return o == null ? 0 : o.produced - o.acked;
    }

    /** Whether a transfer to {@code joiner} is under way. */
    public boolean donating(MemberId joiner) {
        return outgoing.containsKey(joiner);
    }

    /** The joiner asked for the transfer of view {@code viewId}. */
    public void onRequest(MemberId joiner, long viewId, ChunkOut out) {
        Outgoing o = outgoing.get(joiner);
        if (o != null && o.viewId == viewId) {
            o.requested = true;
            pump(joiner, o, out);
        }
    }

    /** The joiner consumed chunks up to {@code seq}. */
    public void onAck(MemberId joiner, long viewId, long seq, ChunkOut out, java.util.function.Consumer<MemberId> acked) {
        Outgoing o = outgoing.get(joiner);
        if (o == null || o.viewId != viewId) {
            return;
        }
        if (seq <= o.acked) {
            return;
        }
        o.acked = seq;
        acked.accept(joiner);
        if (o.finished && o.acked == o.produced) {
            outgoing.remove(joiner);
            return;
        }
        pump(joiner, o, out);
    }

    private void pump(MemberId joiner, Outgoing o, ChunkOut out) {
        while (o.requested && !o.unsent.isEmpty() && o.sent - o.acked < windowChunks) {
            StateChunk c = o.unsent.pollFirst();
            o.sent = c.seq();
            out.send(joiner, c);
        }
    }

    /** Abandons transfers to joiners that are no longer members; returns those joiners. */
    public java.util.List<MemberId> retainJoiners(java.util.Collection<MemberId> members) {
        java.util.List<MemberId> gone = new java.util.ArrayList<>();
        for (MemberId j : outgoing.keySet()) {
            if (!members.contains(j)) {
                gone.add(j);
            }
        }
        outgoing.keySet().removeAll(gone);
        return gone;
    }

    // ---- joiner side ----

    /** This member waits for state as of {@code viewId} from {@code donor}. */
    public void await(MemberId donor, long viewId) {
        this.donor = donor;
        this.awaitedViewId = viewId;
        this.expectedChunk = 1;
    }

    /** Whether this member still waits for its state. */
    public boolean awaiting() {
        return donor != null;
    }

    /** The donor awaited, or null. */
    public MemberId donor() {
        return donor;
    }

    /** The view the awaited state is taken at. */
    public long awaitedViewId() {
        return awaitedViewId;
    }

    /** Whether {@code c} from {@code from} is the next chunk awaited; advances if so. */
    public boolean accept(MemberId from, StateChunk c) {
        if (donor == null || !donor.equals(from) || c.viewId() != awaitedViewId || c.seq() != expectedChunk) {
            return false;
        }
        expectedChunk++;
        return true;
    }

    /** The state is in place. */
    public void done() {
        donor = null;
    }
}
