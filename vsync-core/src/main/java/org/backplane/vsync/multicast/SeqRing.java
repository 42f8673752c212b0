package org.backplane.vsync.multicast;

/**
 * The messages held from one sender in one view, indexed by sequence number: a growable ring
 * over the window {@code (floor, floor + capacity]}. Receipt is nearly always in order, so puts
 * append and frees trim the front, both O(1).
 */
final class SeqRing {

    private Data[] slots = new Data[16];
    private long floor;

    /** The message with {@code seq}, or null if not held (or already freed). */
    Data get(long seq) {
        if (seq <= floor || seq > floor + slots.length) {
            return null;
        }
        return slots[(int) (seq % slots.length)];
    }

    /** Holds {@code d} under {@code seq} (ignored if at or below the freed floor). */
    void put(long seq, Data d) {
        if (seq <= floor) {
            return;
        }
        while (seq > floor + slots.length) {
            grow();
        }
        slots[(int) (seq % slots.length)] = d;
    }

    /** Frees every message with a sequence number up to {@code seq}. */
    void freeTo(long seq) {
        while (floor < seq) {
            floor++;
            slots[(int) (floor % slots.length)] = null;
        }
    }

    /** Frees everything above {@code seq}. */
    void dropAbove(long seq, long maxSeq) {
        for (long s = Math.max(seq, floor) + 1; s <= maxSeq; s++) {
            if (s <= floor + slots.length) {
                slots[(int) (s % slots.length)] = null;
            }
        }
    }

    /** The highest sequence number freed so far. */
    long floor() {
        return floor;
    }

    private void grow() {
        Data[] bigger = new Data[slots.length * 2];
        for (long s = floor + 1; s <= floor + slots.length; s++) {
            bigger[(int) (s % bigger.length)] = slots[(int) (s % slots.length)];
        }
        slots = bigger;
    }
}
