package org.backplane.vsync.flush;

import java.util.Arrays;

/**
 * What every survivor delivers in the old view before installing the next (PROTOCOL-NOTES §3.5):
 * all messages from sender rank {@code k} up to {@code seqs[k]}, and the ABCAST order from
 * position {@code orderBase + 1} on as known to any survivor. ABCASTs in the cut beyond that
 * order are ordered by every member alike, deterministically, at commit ({@link CutCalculator}).
 *
 * @param seqs       per sender rank, the last seq delivered in the view
 * @param orderBase  the position before the first order record given
 * @param orderRanks order records' sender ranks
 * @param orderSeqs  order records' seqs
 */
public record Cut(long[] seqs, long orderBase, int[] orderRanks, long[] orderSeqs) {

    @Override
    public String toString() {
        return "Cut(" + Arrays.toString(seqs) + ", order from " + (orderBase + 1) + ": " + orderRanks.length + " records)";
    }
}
