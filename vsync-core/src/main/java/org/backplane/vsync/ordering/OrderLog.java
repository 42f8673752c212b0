package org.backplane.vsync.ordering;

import java.util.Arrays;

/**
 * The ABCAST total order of one view as this member knows it (PROTOCOL-NOTES §2.4): a contiguous
 * run of positions {@code (base, known]}, each naming a message by (sender rank, seq), and how far
 * this member has delivered. Positions at or below {@code base} are forgotten once delivered here
 * and held by every member.
 */
public final class OrderLog {

    private int[] ranks = new int[64];
    private long[] seqs = new long[64];
    private int start;
    private int size;
    private long base;
    private long deliveredPos;

    /** Appends the next position; returns it. */
    public long append(int rank, long seq) {
        if (start + size == ranks.length) {
            compactOrGrow();
        }
        ranks[start + size] = rank;
        seqs[start + size] = seq;
        size++;
        return base + size;
    }

    /**
     * Applies a batch that starts at {@code firstPosition}; records already known are skipped,
     * and a batch that would leave a gap is refused (returns false).
     */
    public boolean appendBatch(long firstPosition, int[] batchRanks, long[] batchSeqs) {
        long known = known();
        if (firstPosition > known + 1) {
            return false;
        }
        for (int i = 0; i < batchRanks.length; i++) {
            if (firstPosition + i > known) {
                append(batchRanks[i], batchSeqs[i]);
            }
        }
        return true;
    }

    /** The highest position known. */
    public long known() {
        return base + size;
    }

    /** The lowest position still held minus one. */
    public long base() {
        return base;
    }

    /** The highest position delivered here. */
    public long deliveredPos() {
        return deliveredPos;
    }

    /** Records that the next position was delivered. */
    public void markDelivered() {
        if (deliveredPos >= known()) {
            throw new IllegalStateException("delivered past the known order");
        }
        deliveredPos++;
    }

    /** Whether the next position to deliver is known and names (rank, seq). */
    public boolean isNext(int rank, long seq) {
        long p = deliveredPos + 1;
        if (p > known() || p <= base) {
            return false;
        }
        int i = start + (int) (p - base - 1);
        return ranks[i] == rank && seqs[i] == seq;
    }

    /** The sender rank at a held position. */
    public int rankAt(long position) {
        return ranks[index(position)];
    }

    /** The sender seq at a held position. */
    public long seqAt(long position) {
        return seqs[index(position)];
    }

    private int index(long position) {
        if (position <= base || position > known()) {
            throw new IndexOutOfBoundsException("position " + position + " not in (" + base + ", " + known() + "]");
        }
        return start + (int) (position - base - 1);
    }

    /** Forgets positions up to {@code position} (never past what was delivered here). */
    public void forgetTo(long position) {
        long upTo = Math.min(position, deliveredPos);
        while (base < upTo && size > 0) {
            start++;
            size--;
            base++;
        }
    }

    /**
     * Replaces everything after the delivered position with the given order (the flush's
     * agreed order for the rest of the view). Positions given at or below what was delivered
     * here are skipped.
     */
    public void replaceUndelivered(long firstPosition, int[] newRanks, long[] newSeqs) {
        size = (int) (deliveredPos - base);
        for (int i = 0; i < newRanks.length; i++) {
            if (firstPosition + i > deliveredPos) {
                append(newRanks[i], newSeqs[i]);
            }
        }
    }

    /** The held ranks from {@code base + 1}, as a copy. */
    public int[] heldRanks() {
        return Arrays.copyOfRange(ranks, start, start + size);
    }

    /** The held seqs from {@code base + 1}, as a copy. */
    public long[] heldSeqs() {
        return Arrays.copyOfRange(seqs, start, start + size);
    }

    private void compactOrGrow() {
        if (start > ranks.length / 2) {
            System.arraycopy(ranks, start, ranks, 0, size);
            System.arraycopy(seqs, start, seqs, 0, size);
            start = 0;
        } else {
            ranks = Arrays.copyOf(ranks, ranks.length * 2);
            seqs = Arrays.copyOf(seqs, seqs.length * 2);
        }
    }
}
