package org.backplane.vsync.flush;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

import org.backplane.vsync.multicast.Data;

/**
 * The cut rule of the flush (PROTOCOL-NOTES §3.5 phase 2), as pure functions.
 *
 * <p>Fresh cut: for every sender, the highest contiguous seq any participant holds (Isis: keep
 * what anyone has). A participating sender holds all it sent, so only messages of absent senders
 * can be missing a causal predecessor; such a message, and everything after it from its sender,
 * is cut (no participant can have delivered it, since delivery needs its predecessors). The
 * order is the longest known run of order records, stopped at the first record whose message
 * is not in the cut.
 *
 * <p>Leftovers: the cut's ABCASTs that no order record covers are ordered the same way by every
 * member at commit: by the sum of their vector timestamps, then rank, then seq. If {@code a}
 * causally precedes {@code b}, {@code a.vt <= b.vt} component-wise with one strict, so the sum
 * order extends causal order.
 */
public final class CutCalculator {

    private CutCalculator() {
    }

    /**
     * Computes a fresh cut from the participants' reports.
     *
     * @param n           the view size
     * @param reports     one report per participant
     * @param participant per rank, whether that member is a participant of this ballot
     */
    public static Cut compute(int n, Collection<PrepareOk> reports, boolean[] participant) {
        long[] cut = new long[n];
        long[] lowDelivered = new long[n];
        long[] highDelivered = new long[n];
        Arrays.fill(lowDelivered, Long.MAX_VALUE);
        long base = Long.MAX_VALUE;
        List<TreeMap<Long, Data>> pool = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            pool.add(new TreeMap<>());
        }
        for (PrepareOk r : reports) {
            for (int k = 0; k < n; k++) {
                cut[k] = Math.max(cut[k], r.received()[k]);
                lowDelivered[k] = Math.min(lowDelivered[k], r.delivered()[k]);
                highDelivered[k] = Math.max(highDelivered[k], r.delivered()[k]);
            }
            base = Math.min(base, r.deliveredPos());
            for (Data d : r.absentData()) {
                pool.get(d.senderRank()).putIfAbsent(d.seq(), d);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int s = 0; s < n; s++) {
                if (participant[s]) {
                    continue;
                }
                for (long seq = lowDelivered[s] + 1; seq <= cut[s]; seq++) {
                    Data d = pool.get(s).get(seq);
                    boolean keep = d != null;
                    for (int j = 0; keep && j < n; j++) {
                        if (j != s && d.vt()[j] > cut[j]) {
                            keep = false;
                        }
                    }
                    if (!keep) {
                        if (seq <= highDelivered[s]) {
                            throw new IllegalStateException("flush would cut message r" + s + "#" + seq
                                    + " that a participant delivered (data " + (d == null ? "missing" : "orphaned") + ")");
                        }
                        cut[s] = seq - 1;
                        changed = true;
                        break;
                    }
                }
            }
        }
        // The order: every position after the lowest delivered one that some report knows.
        List<int[]> ranks = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (long pos = base + 1; ; pos++) {
            Integer rank = null;
            long seq = 0;
            for (PrepareOk r : reports) {
                long i = pos - r.orderBase() - 1;
                if (i >= 0 && i < r.orderRanks().length) {
                    int rr = r.orderRanks()[(int) i];
                    long ss = r.orderSeqs()[(int) i];
                    if (rank != null && (rank != rr || seq != ss)) {
                        throw new IllegalStateException("two order records for position " + pos);
                    }
                    rank = rr;
                    seq = ss;
                }
            }
            if (rank == null || seq > cut[rank]) {
                break;
            }
            ranks.add(new int[] {rank});
            seqs.add(seq);
        }
        int[] orderRanks = new int[ranks.size()];
        long[] orderSeqs = new long[ranks.size()];
        for (int i = 0; i < orderRanks.length; i++) {
            orderRanks[i] = ranks.get(i)[0];
            orderSeqs[i] = seqs.get(i);
        }
        return new Cut(cut, base == Long.MAX_VALUE ? 0 : base, orderRanks, orderSeqs);
    }

    /** Orders the cut's unordered ABCASTs deterministically and consistently with causality. */
    public static List<Data> orderLeftovers(Collection<Data> leftovers) {
        List<Data> sorted = new ArrayList<>(leftovers);
        sorted.sort(Comparator.comparingLong(CutCalculator::vtSum)
                .thenComparingInt(Data::senderRank)
                .thenComparingLong(Data::seq));
        return sorted;
    }

    private static long vtSum(Data d) {
        long s = 0;
        for (long v : d.vt()) {
            s += v;
        }
        return s;
    }
}
