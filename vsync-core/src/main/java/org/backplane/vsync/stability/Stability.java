package org.backplane.vsync.stability;

import java.util.Arrays;

/**
 * Stability tracking for one view, Derecho style (PROTOCOL-NOTES §6): each member's latest
 * receipt report is a row; a message from sender {@code s} with seq {@code q} is stable when every
 * row holds at least {@code q} for {@code s}; an order position is stable when every row knows it.
 * Stable messages are held by every member, so they need no retransmission in a flush and can be
 * freed once delivered; safe (uniform) delivery waits for stability.
 */
public final class Stability {

    private final long[][] rows;
    private final long[] orderRows;
    private final long[] stable;
    private long orderStable;

    /** @param n the view size */
    public Stability(int n) {
        rows = new long[n][n];
        orderRows = new long[n];
        stable = new long[n];
    }

    /** Records member {@code rank}'s report; returns whether anything became stable. */
    public boolean update(int rank, long[] received, long orderKnown) {
        long[] row = rows[rank];
        boolean grew = false;
        for (int s = 0; s < row.length && s < received.length; s++) {
            if (received[s] > row[s]) {
                row[s] = received[s];
                grew = true;
            }
        }
        if (orderKnown > orderRows[rank]) {
            orderRows[rank] = orderKnown;
            grew = true;
        }
        return grew && recompute();
    }

    private boolean recompute() {
        boolean changed = false;
        for (int s = 0; s < stable.length; s++) {
            long min = Long.MAX_VALUE;
            for (long[] row : rows) {
                min = Math.min(min, row[s]);
            }
            if (min > stable[s]) {
                stable[s] = min;
                changed = true;
            }
        }
        long min = Arrays.stream(orderRows).min().orElse(0);
        if (min > orderStable) {
            orderStable = min;
            changed = true;
        }
        return changed;
    }

    /** Messages from {@code senderRank} up to this seq are held by every member. */
    public long stable(int senderRank) {
        return stable[senderRank];
    }

    /** Order positions up to this are known by every member. */
    public long orderStable() {
        return orderStable;
    }
}
