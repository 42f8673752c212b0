package org.backplane.vsync.link;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.transport.GroupMessage;
import org.backplane.vsync.transport.LinkFrame;
import org.backplane.vsync.transport.Transport;

/**
 * Reliable FIFO links over the transport port (ARCHITECTURE "transport"; PROTOCOL-NOTES §0
 * "Links"). Each direction of each peer pair numbers its frames; the receiver accepts only the
 * next number, drops duplicates and gaps, and acknowledges cumulatively (piggybacked on every
 * frame, or in a bare frame when it has nothing to send). The sender keeps frames until they are
 * acknowledged and resends all of them when the transport reports the link up again, so a break
 * or a reconnect loses nothing and duplicates nothing. One instance per process; no threads, no
 * clock reads: callers pass {@code nowNs}.
 */
public final class ReliableLinks {

    /** Per-peer link state. */
    private static final class Link {
        long nextSendSeq = 1;
        long expectedSeq = 1;
        long lastAckSent;
        long lastSentNs;
        final ArrayDeque<LinkFrame> unacked = new ArrayDeque<>();
        final List<GroupMessage> pending = new ArrayList<>();
        int pendingBytes;
    }

    private final Transport transport;
    private final int maxFrameMessages;
    private final int maxFrameBytes;
    private final Map<MemberId, Link> links = new LinkedHashMap<>();
    private long duplicatesDropped;
    private long gapsDropped;

    /**
     * @param transport        where frames go
     * @param maxFrameMessages messages per frame at most
     * @param maxFrameBytes    approximate bytes per frame at most (a single larger message still goes alone)
     */
    public ReliableLinks(Transport transport, int maxFrameMessages, int maxFrameBytes) {
        this.transport = transport;
        this.maxFrameMessages = maxFrameMessages;
        this.maxFrameBytes = maxFrameBytes;
    }

    private Link link(MemberId peer) {
        return links.computeIfAbsent(peer, p -> new Link());
    }

    /** Queues a message for the peer; it leaves at the next {@link #flush(long)}. */
    public void enqueue(MemberId to, GroupMessage message) {
        Link l = link(to);
        l.pending.add(message);
        l.pendingBytes += message.approxBytes();
    }

    /**
     * Takes a frame from the peer: applies its acknowledgement and returns its messages if it is
     * the next in order, or an empty list for a heartbeat, a duplicate or a frame after a gap.
     */
    public List<GroupMessage> onFrame(MemberId from, LinkFrame frame) {
        Link l = link(from);
        while (!l.unacked.isEmpty() && l.unacked.peekFirst().seq() <= frame.ack()) {
            l.unacked.pollFirst();
        }
        if (frame.seq() == 0) {
            return Collections.emptyList();
        }
        if (frame.seq() < l.expectedSeq) {
            duplicatesDropped++;
            return Collections.emptyList();
        }
        if (frame.seq() > l.expectedSeq) {
            gapsDropped++;
            return Collections.emptyList();
        }
        l.expectedSeq++;
        return frame.messages();
    }

    /** The transport reports the link to {@code peer} (re)established: resend what is unacknowledged. */
    public void onLinkUp(MemberId peer, long nowNs) {
        Link l = links.get(peer);
        if (l == null) {
            return;
        }
        for (LinkFrame f : l.unacked) {
            transport.send(peer, new LinkFrame(f.seq(), l.expectedSeq - 1, f.messages()));
        }
        l.lastAckSent = l.expectedSeq - 1;
        l.lastSentNs = nowNs;
    }

    /**
     * Sends every queued message (cut into frames), and a bare acknowledgement to each peer that
     * is owed one and got nothing else.
     */
    public void flush(long nowNs) {
        for (Map.Entry<MemberId, Link> e : links.entrySet()) {
            Link l = e.getValue();
            if (!l.pending.isEmpty()) {
                int from = 0;
                int bytes = 0;
                for (int i = 0; i < l.pending.size(); i++) {
                    int b = l.pending.get(i).approxBytes();
                    if (i > from && (i - from >= maxFrameMessages || bytes + b > maxFrameBytes)) {
                        sendFrame(e.getKey(), l, l.pending.subList(from, i), nowNs);
                        from = i;
                        bytes = 0;
                    }
                    bytes += b;
                }
                sendFrame(e.getKey(), l, l.pending.subList(from, l.pending.size()), nowNs);
                l.pending.clear();
                l.pendingBytes = 0;
            } else if (l.lastAckSent < l.expectedSeq - 1) {
                sendBare(e.getKey(), l, nowNs);
            }
        }
    }

    private void sendFrame(MemberId to, Link l, List<GroupMessage> messages, long nowNs) {
        LinkFrame f = new LinkFrame(l.nextSendSeq++, l.expectedSeq - 1, messages);
        l.unacked.addLast(f);
        l.lastAckSent = l.expectedSeq - 1;
        l.lastSentNs = nowNs;
        transport.send(to, f);
    }

    private void sendBare(MemberId to, Link l, long nowNs) {
        l.lastAckSent = l.expectedSeq - 1;
        l.lastSentNs = nowNs;
        transport.send(to, new LinkFrame(0, l.expectedSeq - 1, List.of()));
    }

    /** Sends a heartbeat (a bare frame) if nothing went to {@code peer} for {@code intervalNs}. */
    public void heartbeat(MemberId peer, long nowNs, long intervalNs) {
        Link l = link(peer);
        if (nowNs - l.lastSentNs >= intervalNs) {
            sendBare(peer, l, nowNs);
        }
    }

    /** Drops all state for a peer that is gone for good (excluded everywhere). */
    public void forget(MemberId peer) {
        links.remove(peer);
    }

    /** The peers this process has link state for. */
    public java.util.Set<MemberId> peers() {
        return Collections.unmodifiableSet(links.keySet());
    }

    /** Frames not yet acknowledged by {@code peer} (for tests and metrics). */
    public int unackedFrames(MemberId peer) {
        Link l = links.get(peer);
        return l == null ? 0 : l.unacked.size();
    }

    /** Duplicate frames dropped so far. */
    public long duplicatesDropped() {
        return duplicatesDropped;
    }

    /** Frames dropped because an earlier one was missing. */
    public long gapsDropped() {
        return gapsDropped;
    }
}
