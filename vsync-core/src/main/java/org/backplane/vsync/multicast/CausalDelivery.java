package org.backplane.vsync.multicast;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.backplane.vsync.ordering.OrderLog;

/**
 * The per-view multicast state of one member (PROTOCOL-NOTES §1.1, §2.4): what it holds from
 * each sender, how far it has received contiguously, delivered, and (at the sequencer) found
 * causally ready, plus the causal delivery rule. A message {@code m} from rank {@code k} is
 * deliverable when {@code m.seq == delivered[k] + 1} and {@code m.vt[j] <= delivered[j]} for
 * every other rank {@code j}; an ABCAST must also be next in the order log, and a safe message
 * must be stable. Messages are freed once delivered here and stable.
 */
public final class CausalDelivery {

    /** Decides whether a causally deliverable message may go now (order, stability, flush cap). */
    public interface Gate {
        /** Whether {@code d} from {@code rank} may be delivered now. */
        boolean admits(int rank, Data d);
    }

    private final int n;
    private final SeqRing[] held;
    private final long[] received;
    private final long[] delivered;
    private final long[] ready;
    private final long[] maxHeld;
    private long sentSeq;

    /** @param n the view size */
    public CausalDelivery(int n) {
        this.n = n;
        held = new SeqRing[n];
        for (int i = 0; i < n; i++) {
            held[i] = new SeqRing();
        }
        received = new long[n];
        delivered = new long[n];
        ready = new long[n];
        maxHeld = new long[n];
    }

    /** The view size. */
    public int size() {
        return n;
    }

    /** Takes the next own sequence number and builds the vector timestamp for it. */
    public long[] stampNext(int selfRank) {
        long[] vt = delivered.clone();
        vt[selfRank] = ++sentSeq;
        return vt;
    }

    /** The number of messages this member has sent in the view. */
    public long sent() {
        return sentSeq;
    }

    /**
     * Holds a received (or own) message. Returns false for a duplicate, for one already freed,
     * or for a malformed one (wrong vector length); those are dropped.
     */
    public boolean receive(Data d) {
        int k = d.senderRank();
        if (k < 0 || k >= n || d.vt().length != n || d.seq() < 1 || d.vt()[k] != d.seq()) {
            return false;
        }
        if (d.seq() <= delivered[k] || d.seq() <= held[k].floor() || held[k].get(d.seq()) != null) {
            return false;
        }
        held[k].put(d.seq(), d);
        maxHeld[k] = Math.max(maxHeld[k], d.seq());
        while (held[k].get(received[k] + 1) != null) {
            received[k]++;
        }
        return true;
    }

    /** The message from {@code rank} with {@code seq}, if held. */
    public Data held(int rank, long seq) {
        return held[rank].get(seq);
    }

    /** Per rank: contiguous count held (or delivered), as a copy. */
    public long[] receivedVector() {
        return received.clone();
    }

    /** Per rank: count delivered, as a copy. */
    public long[] deliveredVector() {
        return delivered.clone();
    }

    /** Contiguous count held from {@code rank}. */
    public long received(int rank) {
        return received[rank];
    }

    /** Count delivered from {@code rank}. */
    public long delivered(int rank) {
        return delivered[rank];
    }

    private boolean causallyReady(Data d, int k, long[] frontier) {
        if (d.seq() != frontier[k] + 1) {
            return false;
        }
        long[] vt = d.vt();
        for (int j = 0; j < n; j++) {
            if (j != k && vt[j] > frontier[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * At the sequencer: advances the causally-ready frontier and reports each ABCAST as it
     * becomes ready, in an order that respects causality.
     */
    public void advanceReady(Consumer<Data> readyAbcast) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int k = 0; k < n; k++) {
                Data d;
                while ((d = held[k].get(ready[k] + 1)) != null && causallyReady(d, k, ready)) {
                    ready[k]++;
                    progress = true;
                    if (d.abcast()) {
                        readyAbcast.accept(d);
                    }
                }
            }
        }
    }

    /**
     * Delivers everything deliverable, in causal order, ABCASTs in the order of {@code order}
     * ({@code null} only for the test-only ordering breakage: ABCASTs then go in causal order).
     *
     * @param gate  admits or holds back each causally deliverable message
     * @param sink  receives each delivered message with its ABCAST position (0 for CBCAST)
     * @return how many were delivered
     */
    public int deliver(OrderLog order, Gate gate, DeliveryConsumer sink) {
        int count = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int k = 0; k < n; k++) {
                Data d;
                while ((d = held[k].get(delivered[k] + 1)) != null && causallyReady(d, k, delivered)) {
                    if (order != null && d.abcast() && !order.isNext(k, d.seq())) {
                        break;
                    }
                    if (!gate.admits(k, d)) {
                        break;
                    }
                    delivered[k]++;
                    long position = 0;
                    if (order != null && d.abcast()) {
                        order.markDelivered();
                        position = order.deliveredPos();
                    }
                    count++;
                    progress = true;
                    sink.delivered(k, d, position);
                }
            }
        }
        return count;
    }

    /** Receives each delivered message. */
    public interface DeliveryConsumer {
        /** {@code d} from {@code rank} was delivered, at ABCAST {@code position} (0 for CBCAST). */
        void delivered(int rank, Data d, long position);
    }

    /** Frees messages that are both delivered here and stable ({@code stable[rank]}). */
    public void free(long[] stable) {
        for (int k = 0; k < n; k++) {
            long upTo = Math.min(stable[k], delivered[k]);
            if (upTo > held[k].floor()) {
                held[k].freeTo(upTo);
            }
        }
    }

    /** Every message still held from {@code rank}, in seq order. */
    public List<Data> heldFrom(int rank) {
        List<Data> out = new ArrayList<>();
        for (long s = held[rank].floor() + 1; s <= maxHeld[rank]; s++) {
            Data d = held[rank].get(s);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    /** Whether every message up to {@code cut[k]} that is not yet delivered is held, for every rank. */
    public boolean holdsAllUpTo(long[] cut) {
        for (int k = 0; k < n; k++) {
            if (received[k] < cut[k]) {
                return false;
            }
        }
        return true;
    }

    /** Drops held messages above the cut (they will never be delivered in this view). */
    public void dropAbove(long[] cut) {
        for (int k = 0; k < n; k++) {
            held[k].dropAbove(cut[k], maxHeld[k]);
            maxHeld[k] = Math.min(maxHeld[k], Math.max(cut[k], held[k].floor()));
            received[k] = Math.min(received[k], cut[k]);
        }
    }
}
