package org.backplane.history;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The in-memory index of one topic: for every retained seq, the position (Chronicle index) of
 * its record in the shared log and its stored size (README "Index memory").
 *
 * <p>Entries live in segments of up to 4096 slots. A slot holds two ints: the position as an
 * offset from the segment's base position and the stored size, so a retained entry costs 8
 * bytes. Segments created by ordinary appends are dense (slot i holds seq baseSeq + i);
 * segments holding seq holes (imports, relocated compacted topics) add a third int per slot,
 * the seq offset. A dropped or compacted-away entry has position offset {@link #DEAD}.
 *
 * <p>Threads: one writer mutates (the store's writer thread); any number of readers look up
 * concurrently without locks. Slots are written before the segment's count is published with
 * a release store, segment arrays are replaced copy-on-write, and a reader that races with a
 * drop at worst sees an entry that was retained an instant ago, never garbage.
 */
final class TopicIndex {
  static final int DEAD = -1;
  private static final int MIN_SEGMENT_SLOTS = 8;
  static final int MAX_SEGMENT_SLOTS = 4096;
  private static final Segment[] NO_SEGMENTS = new Segment[0];
  private static final VarHandle COUNT;
  private static final VarHandle LONGS;
  private static final VarHandle FIRST;
  private static final VarHandle RETAINED;
  private static final VarHandle BYTES;
  private static final VarHandle LAST_TS;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(Segment.class, "count", int.class);
      MethodHandles.Lookup l = MethodHandles.lookup();
      LONGS = l.findVarHandle(TopicIndex.class, "lastSeq", long.class);
      FIRST = l.findVarHandle(TopicIndex.class, "firstSeq", long.class);
      RETAINED = l.findVarHandle(TopicIndex.class, "retainedCount", long.class);
      BYTES = l.findVarHandle(TopicIndex.class, "retainedBytes", long.class);
      LAST_TS = l.findVarHandle(TopicIndex.class, "lastTimestampMillis", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A run of slots; immutable except for appends at the end and DEAD marks. */
  static final class Segment {
    final long baseSeq;
    final long basePos;
    final int[] seqOffsets; // null: dense
    final int[] posOffsets;
    final int[] sizes;
    int count;
    // checkpoint bookkeeping (Checkpointer): where the segment's block is saved, written by the
    // checkpoint thread (generation last); dirty: the writer marked a slot dead since
    volatile long savedGeneration = -1;
    long savedOffset;
    int savedBytes;
    boolean dirty;

    Segment(long baseSeq, long basePos, int capacity, boolean sparse) {
      this.baseSeq = baseSeq;
      this.basePos = basePos;
      this.seqOffsets = sparse ? new int[capacity] : null;
      this.posOffsets = new int[capacity];
      this.sizes = new int[capacity];
    }

    int published() {
      return (int) COUNT.getAcquire(this);
    }

    /** Checkpoint thread: the segment's slots are saved as a block at {@code offset}. */
    void saved(long generation, long offset, int bytes) {
      savedOffset = offset;
      savedBytes = bytes;
      savedGeneration = generation;
    }

    long seqAt(int slot) {
      return seqOffsets == null ? baseSeq + slot : baseSeq + seqOffsets[slot];
    }

    /** Slot holding {@code seq} among the first {@code n}, or the first slot with a higher seq. */
    int slotAtOrAfter(long seq, int n) {
      if (seq <= baseSeq) {
        return 0;
      }
      if (seqOffsets == null) {
        long slot = seq - baseSeq;
        return slot >= n ? n : (int) slot;
      }
      long off = seq - baseSeq;
      if (off > Integer.MAX_VALUE) {
        return n;
      }
      int i = Arrays.binarySearch(seqOffsets, 0, n, (int) off);
      return i >= 0 ? i : -i - 1;
    }

    long positionAt(int slot) {
      int off = posOffsets[slot];
      return off == DEAD ? -1 : basePos + off;
    }

    boolean fits(long seq, long pos, boolean dense) {
      int n = count;
      if (n == posOffsets.length) {
        return false;
      }
      long posOff = pos - basePos;
      if (posOff < 0 || posOff >= Integer.MAX_VALUE) {
        return false;
      }
      if (seqOffsets == null) {
        return dense && seq == baseSeq + n;
      }
      long seqOff = seq - baseSeq;
      return seqOff < Integer.MAX_VALUE;
    }
  }

  private volatile Segment[] segments = NO_SEGMENTS;
  // published with release stores (see LONGS/COUNT); read with plain volatile semantics via accessors
  @SuppressWarnings("unused")
  private long lastSeq;
  // written by the writer with release stores, read with acquire loads (no fences on x86)
  private long firstSeq = 1;
  private long retainedCount;
  private long retainedBytes;
  private long lastTimestampMillis;

  // writer-only: where the retained entries start (first slot not dropped)
  private int frontSegment;
  private int frontSlot;

  /** The highest seq ever added (0 for none). */
  long lastSeq() {
    return (long) LONGS.getAcquire(this);
  }

  /** The lowest seq that may still be retained (every lower seq is gone). */
  long firstSeqBound() {
    return (long) FIRST.getAcquire(this);
  }

  long retainedCount() {
    return (long) RETAINED.getAcquire(this);
  }

  long retainedBytes() {
    return (long) BYTES.getAcquire(this);
  }

  long lastTimestampMillis() {
    return (long) LAST_TS.getAcquire(this);
  }

  private void firstSeq(long v) {
    FIRST.setRelease(this, v);
  }

  private void counts(long count, long bytes) {
    RETAINED.setRelease(this, count);
    BYTES.setRelease(this, bytes);
  }

  /** Writer: adds {@code seq} (greater than {@link #lastSeq()}) stored at {@code pos}. */
  void add(long seq, long pos, int storedBytes, long timestampMillis) {
    Segment[] segs = segments;
    Segment tail = segs.length == 0 ? null : segs[segs.length - 1];
    long last = lastSeq();
    boolean dense = seq == last + 1;
    if (tail == null || !tail.fits(seq, pos, dense)) {
      int capacity = tail == null ? MIN_SEGMENT_SLOTS
          : Math.min(MAX_SEGMENT_SLOTS, Math.max(MIN_SEGMENT_SLOTS, tail.posOffsets.length * 2));
      boolean sparse = tail != null && !dense;
      tail = new Segment(seq, pos, capacity, sparse);
      Segment[] grown = Arrays.copyOf(segs, segs.length + 1);
      grown[segs.length] = tail;
      segments = grown;
    }
    int n = tail.count;
    if (tail.seqOffsets != null) {
      tail.seqOffsets[n] = (int) (seq - tail.baseSeq);
    }
    tail.posOffsets[n] = (int) (pos - tail.basePos);
    tail.sizes[n] = storedBytes;
    COUNT.setRelease(tail, n + 1);
    if (retainedCount == 0) {
      firstSeq(seq); // nothing retained before: this entry starts the retained range
    }
    counts(retainedCount + 1, retainedBytes + storedBytes);
    LAST_TS.setRelease(this, timestampMillis);
    LONGS.setRelease(this, seq);
  }

  /** Position of {@code seq} if it is retained, else -1. Any thread. */
  long positionOf(long seq) {
    if (seq < firstSeqBound()) {
      return -1;
    }
    Segment[] segs = segments;
    int si = segmentFor(segs, seq);
    if (si < 0) {
      return -1;
    }
    Segment s = segs[si];
    int n = s.published();
    int slot = s.slotAtOrAfter(seq, n);
    if (slot >= n || s.seqAt(slot) != seq) {
      return -1;
    }
    return s.positionAt(slot);
  }

  /**
   * The lowest retained seq {@code >= seq}, or -1 if none is (yet) retained. Any thread.
   */
  long nextRetained(long seq) {
    long from = Math.max(seq, firstSeqBound());
    Segment[] segs = segments;
    int si = Math.max(segmentFor(segs, from), 0);
    for (; si < segs.length; si++) {
      Segment s = segs[si];
      int n = s.published();
      for (int slot = s.slotAtOrAfter(from, n); slot < n; slot++) {
        if (s.posOffsets[slot] != DEAD) {
          return s.seqAt(slot);
        }
      }
    }
    return -1;
  }

  /** The highest retained seq below {@code seq}, or -1. Any thread. */
  long prevRetained(long seq) {
    long first = firstSeqBound();
    Segment[] segs = segments;
    for (int si = segmentFor(segs, seq - 1); si >= 0; si--) {
      Segment s = segs[si];
      int n = s.published();
      for (int slot = Math.min(s.slotAtOrAfter(seq, n), n) - 1; slot >= 0; slot--) {
        long at = s.seqAt(slot);
        if (at < first) {
          return -1;
        }
        if (at < seq && s.posOffsets[slot] != DEAD) {
          return at;
        }
      }
    }
    return -1;
  }

  /** The retained seq {@code n} entries before the end (the start of "last n"), or -1. */
  long startOfLast(long n) {
    if (n <= 0) {
      return -1;
    }
    Segment[] segs = segments;
    long seen = 0;
    long first = firstSeqBound();
    long found = -1;
    for (int si = segs.length - 1; si >= 0; si--) {
      Segment s = segs[si];
      for (int slot = s.published() - 1; slot >= 0; slot--) {
        long seq = s.seqAt(slot);
        if (seq < first) {
          return found;
        }
        if (s.posOffsets[slot] != DEAD) {
          found = seq;
          if (++seen == n) {
            return found;
          }
        }
      }
    }
    return found;
  }

  private static int segmentFor(Segment[] segs, long seq) {
    int lo = 0;
    int hi = segs.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (segs[mid].baseSeq <= seq) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Receives dropped entries (writer thread). */
  interface DropSink {
    void dropped(long seq, long pos, int storedBytes);
  }

  /** Writer: the oldest retained entry's seq, or -1. */
  long oldestRetained() {
    advanceFront();
    Segment[] segs = segments;
    if (frontSegment >= segs.length) {
      return -1;
    }
    Segment s = segs[frontSegment];
    return frontSlot < s.count ? s.seqAt(frontSlot) : -1;
  }

  /** Writer: the position of the oldest retained entry, or -1. */
  long oldestRetainedPosition() {
    advanceFront();
    Segment[] segs = segments;
    if (frontSegment >= segs.length) {
      return -1;
    }
    Segment s = segs[frontSegment];
    return frontSlot < s.count ? s.positionAt(frontSlot) : -1;
  }

  /** Writer: drops the oldest retained entry, reporting it to {@code sink}. */
  void dropOldest(DropSink sink) {
    advanceFront();
    Segment[] segs = segments;
    if (frontSegment >= segs.length) {
      return;
    }
    Segment s = segs[frontSegment];
    if (frontSlot >= s.count) {
      return;
    }
    long seq = s.seqAt(frontSlot);
    long pos = s.positionAt(frontSlot);
    int size = s.sizes[frontSlot];
    firstSeq(seq + 1);
    s.posOffsets[frontSlot] = DEAD;
    counts(retainedCount - 1, retainedBytes - size);
    frontSlot++;
    advanceFront();
    sink.dropped(seq, pos, size);
  }

  /** Writer: drops {@code seq} wherever it is (compaction); returns false if not retained. */
  boolean drop(long seq, DropSink sink) {
    Segment[] segs = segments;
    int si = segmentFor(segs, seq);
    if (si < 0) {
      return false;
    }
    Segment s = segs[si];
    int n = s.count;
    int slot = s.slotAtOrAfter(seq, n);
    if (slot >= n || s.seqAt(slot) != seq || s.posOffsets[slot] == DEAD || seq < firstSeq) {
      return false;
    }
    long pos = s.positionAt(slot);
    int size = s.sizes[slot];
    s.posOffsets[slot] = DEAD;
    s.dirty = true; // a saved checkpoint block of this segment is stale now
    counts(retainedCount - 1, retainedBytes - size);
    advanceFront();
    sink.dropped(seq, pos, size);
    return true;
  }

  /** Stored size of retained {@code seq}, or -1. Writer thread. */
  int sizeOf(long seq) {
    Segment[] segs = segments;
    int si = segmentFor(segs, seq);
    if (si < 0) {
      return -1;
    }
    Segment s = segs[si];
    int n = s.count;
    int slot = s.slotAtOrAfter(seq, n);
    if (slot >= n || s.seqAt(slot) != seq || s.posOffsets[slot] == DEAD) {
      return -1;
    }
    return s.sizes[slot];
  }

  /** Moves the front past dead slots, advances firstSeq, and forgets dropped whole segments. */
  private void advanceFront() {
    Segment[] segs = segments;
    while (frontSegment < segs.length) {
      Segment s = segs[frontSegment];
      int n = s.count;
      while (frontSlot < n && s.posOffsets[frontSlot] == DEAD) {
        frontSlot++;
      }
      if (frontSlot < n) {
        long seq = s.seqAt(frontSlot);
        if (seq > firstSeq) {
          firstSeq(seq);
        }
        break;
      }
      if (frontSegment == segs.length - 1) {
        // everything dropped: keep the tail segment for appends
        long next = lastSeq() + 1;
        if (firstSeq < next) {
          firstSeq(next);
        }
        break;
      }
      frontSegment++;
      frontSlot = 0;
    }
    if (frontSegment >= 64 || (frontSegment > 0 && frontSegment * 2 >= segs.length)) {
      segments = Arrays.copyOfRange(segs, frontSegment, segs.length);
      frontSegment = 0;
    }
  }

  /** Visits every retained entry in seq order (writer thread, or a quiescent index). */
  interface EntryVisitor {
    void visit(long seq, long pos, int storedBytes);
  }

  void forEachRetained(EntryVisitor visitor) {
    Segment[] segs = segments;
    long first = firstSeqBound();
    for (Segment s : segs) {
      int n = s.published();
      for (int slot = 0; slot < n; slot++) {
        if (s.posOffsets[slot] != DEAD && s.seqAt(slot) >= first) {
          visitor.visit(s.seqAt(slot), s.positionAt(slot), s.sizes[slot]);
        }
      }
    }
  }

  /**
   * Writer: replaces the whole retained set with the given entries (sorted by seq), keeping
   * lastSeq. Used after relocating a compacted topic and by recovery.
   */
  void replaceRetained(long[] seqs, long[] positions, int[] sizes, int n) {
    Segment[] built = NO_SEGMENTS;
    Segment tail = null;
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      if (tail == null || !tail.fits(seqs[i], positions[i], false)) {
        tail = new Segment(seqs[i], positions[i], MAX_SEGMENT_SLOTS, true);
        built = Arrays.copyOf(built, built.length + 1);
        built[built.length - 1] = tail;
      }
      int c = tail.count;
      tail.seqOffsets[c] = (int) (seqs[i] - tail.baseSeq);
      tail.posOffsets[c] = (int) (positions[i] - tail.basePos);
      tail.sizes[c] = sizes[i];
      tail.count = c + 1;
      bytes += sizes[i];
    }
    long last = lastSeq();
    VarHandle.releaseFence();
    firstSeq(n == 0 ? last + 1 : Math.min(seqs[0], last + 1));
    segments = built;
    counts(n, bytes);
    frontSegment = 0;
    frontSlot = 0;
  }

  /** Recovery: forgets everything (before a full replay). */
  void clear() {
    segments = NO_SEGMENTS;
    firstSeq(1);
    counts(0, 0);
    LAST_TS.setRelease(this, 0L);
    LONGS.setRelease(this, 0L);
    frontSegment = 0;
    frontSlot = 0;
  }

  /** Recovery/import: sets lastSeq and the timestamp of the last entry without adding one. */
  void restoreCounters(long last, long lastTs) {
    if (last < lastSeq()) {
      return;
    }
    LAST_TS.setRelease(this, lastTs);
    LONGS.setRelease(this, last);
    if (retainedCount == 0) {
      firstSeq(last + 1);
    }
  }

  /**
   * Recovery: installs segments read from a checkpoint (slots of entries whose file is gone
   * already marked DEAD) and recomputes the counters.
   */
  void restore(Segment[] segs, long first, long last, long lastTs) {
    long count = 0;
    long bytes = 0;
    for (Segment s : segs) {
      for (int slot = 0; slot < s.count; slot++) {
        if (s.posOffsets[slot] != DEAD && s.seqAt(slot) >= first) {
          count++;
          bytes += s.sizes[slot];
        }
      }
    }
    segments = segs;
    frontSegment = 0;
    frontSlot = 0;
    firstSeq(count == 0 ? last + 1 : first);
    counts(count, bytes);
    LAST_TS.setRelease(this, lastTs);
    LONGS.setRelease(this, last);
    advanceFront();
  }

  /** The current segments and their published counts, for a checkpoint taken by another thread. */
  Segment[] segmentsSnapshot() {
    return segments;
  }

  /** Bytes of heap the index holds (approximate), for the README figure. */
  long heapBytes() {
    long b = 64;
    for (Segment s : segments) {
      b += 48 + 8L * s.posOffsets.length + (s.seqOffsets == null ? 0 : 4L * s.seqOffsets.length) + 32;
    }
    return b;
  }
}
