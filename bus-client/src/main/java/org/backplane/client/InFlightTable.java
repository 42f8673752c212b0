package org.backplane.client;

import java.util.function.Consumer;

/**
 * The client's postings sent and not yet settled (acked, nacked or timed out), in producer-seq
 * order: a growable ring where settling marks a slot and the head skips settled slots. Acks come
 * almost always in seq order, so settling is O(1) at the head and O(log n) otherwise (binary
 * search); re-sending after a reconnect walks the live entries in seq order. Confined to the
 * client's I/O thread.
 */
final class InFlightTable<T> {
    private long[] seqs = new long[1024];
    private Object[] values = new Object[1024];
    private int head;
    private int size; // slots from head, settled ones included
    private int live;

    /** Adds {@code value} under {@code seq}, which must be above every seq added before. */
    void add(long seq, T value) {
        if (size == seqs.length) {
            grow();
        }
        int i = (head + size) & (seqs.length - 1);
        seqs[i] = seq;
        values[i] = value;
        size++;
        live++;
    }

    /** Removes and returns the live entry for {@code seq}, or null if there is none. */
    @SuppressWarnings("unchecked")
    T remove(long seq) {
        int at = find(seq);
        if (at < 0) {
            return null;
        }
        int i = (head + at) & (seqs.length - 1);
        Object v = values[i];
        if (v == null) {
            return null;
        }
        values[i] = null;
        live--;
        while (size > 0 && values[head] == null) {
            head = (head + 1) & (seqs.length - 1);
            size--;
        }
        return (T) v;
    }

    /** Live entries. */
    int size() {
        return live;
    }

    boolean isEmpty() {
        return live == 0;
    }

    /** Lowest live seq, or Long.MAX_VALUE if empty. */
    long oldestSeq() {
        return size == 0 ? Long.MAX_VALUE : seqs[head];
    }

    /** Calls {@code action} for each live entry in seq order. */
    @SuppressWarnings("unchecked")
    void forEach(Consumer<T> action) {
        for (int k = 0; k < size; k++) {
            Object v = values[(head + k) & (seqs.length - 1)];
            if (v != null) {
                action.accept((T) v);
            }
        }
    }

    /** Removes every entry. */
    void clear() {
        java.util.Arrays.fill(values, null);
        head = 0;
        size = 0;
        live = 0;
    }

    /** Offset from head of the slot holding {@code seq}, or -1. */
    private int find(long seq) {
        int mask = seqs.length - 1;
        if (size == 0) {
            return -1;
        }
        if (seqs[head] == seq) {
            return 0;
        }
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = seqs[(head + mid) & mask];
            if (s < seq) {
                lo = mid + 1;
            } else if (s > seq) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private void grow() {
        int n = seqs.length;
        long[] s = new long[n * 2];
        Object[] v = new Object[n * 2];
        for (int k = 0; k < size; k++) {
            s[k] = seqs[(head + k) & (n - 1)];
            v[k] = values[(head + k) & (n - 1)];
        }
        seqs = s;
        values = v;
        head = 0;
    }
}
