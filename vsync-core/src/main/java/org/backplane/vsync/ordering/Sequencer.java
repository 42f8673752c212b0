package org.backplane.vsync.ordering;

import java.util.Arrays;

/**
 * The ABCAST sequencer of one view, run by its oldest member (PROTOCOL-NOTES §2.4, the
 * "BB"-style fixed sequencer): it gives the next position to each ABCAST message as the message
 * becomes causally ready here, which makes the total order extend causal order, and hands the
 * new records out in batches. It stops ordering once the view is wedged for a flush.
 */
public final class Sequencer {

    private final String group;
    private final long viewId;
    private int[] ranks = new int[64];
    private long[] seqs = new long[64];
    private int size;
    private long firstPosition;
    private long batchStartNs;

    /** @param group the group; @param viewId the view this sequencer orders */
    public Sequencer(String group, long viewId) {
        this.group = group;
        this.viewId = viewId;
    }

    /** Orders (rank, seq) at {@code position} (already appended to the local log). */
    public void ordered(long position, int rank, long seq, long nowNs) {
        if (size == 0) {
            firstPosition = position;
            batchStartNs = nowNs;
        }
        if (size == ranks.length) {
            ranks = Arrays.copyOf(ranks, size * 2);
            seqs = Arrays.copyOf(seqs, size * 2);
        }
        ranks[size] = rank;
        seqs[size] = seq;
        size++;
    }

    /**
     * Returns the pending batch as an {@link Order} if it is due (the delay has passed since its
     * first record, or it reached {@code maxBatch}), else null.
     */
    public Order takeBatch(long nowNs, long delayNs, int maxBatch) {
        if (size == 0 || (size < maxBatch && nowNs - batchStartNs < delayNs)) {
            return null;
        }
        Order o = new Order(group, viewId, firstPosition, Arrays.copyOf(ranks, size), Arrays.copyOf(seqs, size));
        size = 0;
        return o;
    }
}
