package org.backplane.history;

import java.util.HashMap;
import java.util.Map;

/**
 * Dedup memory for exactly-once publish (B3; README "Dedup"): per producer id, the highest
 * producerSeq appended and the last {@code window} (producerSeq -> topic id, seq) pairs in
 * append order. Arrays grow on demand up to the window, so a producer that posted a few times
 * costs a few dozen bytes. Rebuilt from the checkpoint plus the log tail when the store opens
 * and fed by imports. Writer thread only.
 */
final class ProducerTable {
  /** One producer's memory: a ring of the most recent appends. */
  static final class Window {
    long highest = Long.MIN_VALUE;
    long[] producerSeqs = new long[4];
    long[] seqs = new long[4];
    int[] topicIds = new int[4];
    int start;
    int count;

    void record(long producerSeq, int topicId, long seq, int window) {
      if (producerSeq > highest) {
        highest = producerSeq;
      }
      if (count == producerSeqs.length && count < window) {
        int n = Math.min(window, count * 2);
        producerSeqs = unroll(producerSeqs, n);
        seqs = unroll(seqs, n);
        topicIds = unroll(topicIds, n);
        start = 0;
      }
      int cap = producerSeqs.length;
      int slot;
      if (count < cap) {
        slot = start + count;
        slot = slot >= cap ? slot - cap : slot;
        count++;
      } else {
        slot = start;
        start = start + 1 == cap ? 0 : start + 1;
      }
      producerSeqs[slot] = producerSeq;
      seqs[slot] = seq;
      topicIds[slot] = topicId;
    }

    private long[] unroll(long[] a, int n) {
      long[] out = new long[n];
      for (int i = 0; i < count; i++) {
        out[i] = a[(start + i) % a.length];
      }
      return out;
    }

    private int[] unroll(int[] a, int n) {
      int[] out = new int[n];
      for (int i = 0; i < count; i++) {
        out[i] = a[(start + i) % a.length];
      }
      return out;
    }

    /** Slot of {@code producerSeq}, newest first, or -1. */
    int find(long producerSeq) {
      int cap = producerSeqs.length;
      for (int i = count - 1; i >= 0; i--) {
        int slot = (start + i) % cap;
        if (producerSeqs[slot] == producerSeq) {
          return slot;
        }
      }
      return -1;
    }

    long oldest() {
      long min = Long.MAX_VALUE;
      int cap = producerSeqs.length;
      for (int i = 0; i < count; i++) {
        min = Math.min(min, producerSeqs[(start + i) % cap]);
      }
      return min;
    }

    /** The entries in append order, as (producerSeq, topicId, seq) triples. */
    long[][] entries() {
      long[][] out = new long[count][];
      int cap = producerSeqs.length;
      for (int i = 0; i < count; i++) {
        int slot = (start + i) % cap;
        out[i] = new long[] {producerSeqs[slot], topicIds[slot], seqs[slot]};
      }
      return out;
    }
  }

  private final int window;
  // open addressing on the producer id (never 0), so a lookup does not box the id
  private long[] ids = new long[64];
  private Window[] windowsBySlot = new Window[64];
  private int size;
  private long lastProducerId;
  private Window last;

  private Window lookup(long producerId) {
    int mask = ids.length - 1;
    for (int i = mix(producerId) & mask; ; i = (i + 1) & mask) {
      if (ids[i] == producerId) {
        return windowsBySlot[i];
      }
      if (ids[i] == 0) {
        return null;
      }
    }
  }

  private Window getOrCreate(long producerId) {
    Window w = lookup(producerId);
    if (w != null) {
      return w;
    }
    if ((size + 1) * 2 > ids.length) {
      long[] oldIds = ids;
      Window[] oldWindows = windowsBySlot;
      ids = new long[oldIds.length * 2];
      windowsBySlot = new Window[oldIds.length * 2];
      for (int i = 0; i < oldIds.length; i++) {
        if (oldIds[i] != 0) {
          insert(oldIds[i], oldWindows[i]);
        }
      }
    }
    w = new Window();
    insert(producerId, w);
    size++;
    return w;
  }

  private void insert(long producerId, Window w) {
    int mask = ids.length - 1;
    int i = mix(producerId) & mask;
    while (ids[i] != 0) {
      i = (i + 1) & mask;
    }
    ids[i] = producerId;
    windowsBySlot[i] = w;
  }

  private static int mix(long id) {
    long h = id * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  ProducerTable(int window) {
    this.window = window;
  }

  void record(long producerId, long producerSeq, int topicId, long seq) {
    if (producerId == 0) {
      return;
    }
    Window w;
    if (last != null && lastProducerId == producerId) {
      w = last;
    } else {
      w = getOrCreate(producerId);
      last = w;
      lastProducerId = producerId;
    }
    w.record(producerSeq, topicId, seq, window);
  }

  /** Restores a producer's highest seq (checkpoint load). */
  void restoreHighest(long producerId, long highest) {
    Window w = getOrCreate(producerId);
    w.highest = Math.max(w.highest, highest);
  }

  PriorAppend find(long producerId, long producerSeq, TopicTable topics) {
    if (producerId == 0) {
      return PriorAppend.NOT_SEEN;
    }
    Window w = lookup(producerId);
    if (w == null || producerSeq > w.highest) {
      return PriorAppend.NOT_SEEN;
    }
    int slot = w.find(producerSeq);
    if (slot >= 0) {
      return new PriorAppend.Appended(topics.get(w.topicIds[slot]).name, w.seqs[slot]);
    }
    if (w.count > 0 && producerSeq >= w.oldest()) {
      return PriorAppend.NOT_SEEN; // a gap inside the remembered window: never appended
    }
    return new PriorAppend.SeenButForgotten(w.highest);
  }

  void clear() {
    ids = new long[64];
    windowsBySlot = new Window[64];
    size = 0;
    last = null;
  }

  /** A new map of every producer's window (checkpoints). */
  Map<Long, Window> windows() {
    Map<Long, Window> out = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] != 0) {
        out.put(ids[i], windowsBySlot[i]);
      }
    }
    return out;
  }

  int size() {
    return size;
  }
}
