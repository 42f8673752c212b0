package org.backplane.history;

import static org.backplane.history.RecordLayout.KIND;
import static org.backplane.history.RecordLayout.KIND_ENTRY;
import static org.backplane.history.RecordLayout.KIND_RELOCATED;
import static org.backplane.history.RecordLayout.SEQ;
import static org.backplane.history.RecordLayout.TIMESTAMP;
import static org.backplane.history.RecordLayout.TOPIC_ID;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A cursor over every topic matching a filter, including topics created later, delivering in
 * the store's global append order, which is what carries cross-topic causal order (B5) to
 * pattern subscribers (README "Reading"). It works in one of two modes with the same
 * per-topic state (next seq per topic id), so it can go from the first to the second at any
 * point without changing what it delivers:
 *
 * <ul>
 *   <li><b>Merging</b>, when the filter matches few topics that hold a small share of the
 *       log: it merges the matching topics' own indexes by log position (the next retained
 *       entry of each, lowest position first) and reads only their records. It never delivers
 *       past {@link HistoryStore#indexedUpTo()} read before the indexes, so an entry that a
 *       topic's index does not show yet cannot come before one already delivered. Compacted
 *       topics are not merged: relocation moves their entries (README "Reclaiming disk
 *       space"), and the scan's handling of old copies needs the log order. When a matching
 *       topic is compacted, or more topics match than merging pays for, the cursor scans
 *       from the last entry it delivered.
 *   <li><b>Scanning</b>: it reads the shared log in order and delivers a record when its topic
 *       matches, its seq is at or after the cursor's next seq for the topic, and the topic's
 *       index says the record is the retained copy of that seq (an entry dropped by
 *       retention, compacted away, or relocated elsewhere is skipped). A record the writer has
 *       written but not yet indexed stops the poll; the next poll picks it up.
 * </ul>
 */
final class FilterCursor extends LogCursor {
  /** Most topics a merging cursor follows (it looks at each one's next entry per delivery). */
  static final int MERGE_MAX_TOPICS = 32;
  /**
   * Merging pays when the matching topics hold at most this share of the retained entries.
   * Measured (README "Performance", 100 topics, CPU per delivered entry, scan / merge): 1% of
   * the log 7.8 / 0.8 us, 5% 1.3 / 0.4 us, 10% 0.65 / 0.24 us, 30% 0.26 / 0.18 us, 50%
   * 0.17 / 0.21 us. A scan costs about 0.1 us per record read, a merge up to 0.8 us per entry
   * when every entry needs a jump, so with randomly interleaved topics the crossover is nearer
   * 1/6 than the 2/5 measured with round-robin ones; 1/8 also leaves room for the live
   * traffic to differ from the history.
   */
  static final double MERGE_MAX_SHARE = 1.0 / 8;

  /** Which mode a new cursor may use (tests force one to compare them). */
  enum Mode { AUTO, SCAN, MERGE }

  private static final byte UNKNOWN = 0;
  private static final byte EXCLUDED = 1;
  private static final byte ACTIVE = 2;
  private static final byte GATED_STATE = 3;
  private static final long NONE = Long.MAX_VALUE;

  private final Predicate<String> filter;
  private final StartPosition start;
  private final long gateMillis;
  private byte[] states;
  private long[] nextSeqs;

  // merging mode (README "Reading"): the matching topics and each one's next entry
  private boolean merging;
  private final int mergeMaxTopics;
  private int knownTopics;
  private int[] members = new int[8];
  private long[] candidateSeqs = new long[8];
  private long[] candidatePositions = new long[8];
  private int memberCount;
  /** Where a scan takes over: the last entry delivered, or where the scan would have started. */
  private long scanFrom;

  FilterCursor(HistoryStore store, Predicate<String> filter, StartPosition start, Mode mode) {
    super(store);
    this.filter = filter;
    this.start = start;
    StartPosition inner = TopicCursor.innermost(start);
    this.gateMillis = inner instanceof StartPosition.AtTime at ? at.time().toEpochMilli() : 0;
    // The tailer goes to the end before the topic snapshot is read (README "Reading"): any record
    // appended after this point is read by the scan; from here it only moves back.
    tailer.toEnd();
    long end = tailer.index();
    List<TopicState> topics = store.topicTable().all();
    int n = Math.max(16, topics.size());
    states = new byte[n];
    nextSeqs = new long[n];
    long from = end;
    long matchingEntries = 0;
    long allEntries = 0;
    int matching = 0;
    boolean compacted = false;
    for (TopicState t : topics) {
      allEntries += t.index.retainedCount();
      if (!filter.test(t.name)) {
        states[t.id] = EXCLUDED;
        continue;
      }
      matching++;
      matchingEntries += t.index.retainedCount();
      compacted |= t.compacted();
      long next = startSeqExisting(t, start);
      states[t.id] = ACTIVE;
      nextSeqs[t.id] = next;
      long first = t.index.nextRetained(next);
      if (first >= 0) {
        long pos = t.index.positionOf(first);
        if (pos >= 0 && pos < from) {
          from = pos;
        }
      }
    }
    this.knownTopics = topics.size();
    this.scanFrom = from;
    this.mergeMaxTopics = mode == Mode.MERGE ? Integer.MAX_VALUE : MERGE_MAX_TOPICS;
    this.merging = mode == Mode.MERGE
        || (mode == Mode.AUTO && matching <= MERGE_MAX_TOPICS && !compacted
            && matchingEntries <= allEntries * MERGE_MAX_SHARE);
    if (merging) {
      for (TopicState t : topics) {
        if (states[t.id] == ACTIVE && !join(t)) {
          break;
        }
      }
    }
    if (!merging) {
      startScan(from, end);
    }
  }

  private void startScan(long from, long end) {
    if (from < end && !tailer.moveToIndex(from)) {
      tailer.toStart(); // its file was reclaimed meanwhile: scan from the start, the checks skip the rest
    }
  }

  @Override
  public int poll(EntryHandler handler, int limit) {
    checkOpen();
    return merging ? pollMerging(handler, limit) : pollScanning(handler, limit);
  }

  // ------------------------------------------------------------------ scanning

  private int pollScanning(EntryHandler handler, int limit) {
    TopicTable table = store.topicTable();
    int delivered = 0;
    while (delivered < limit) {
      try (DocumentContext dc = tailer.readingDocument()) {
        if (!dc.isPresent()) {
          break;
        }
        Bytes<?> bytes = dc.wire().bytes();
        long off = bytes.readPosition();
        byte kind = bytes.readByte(off + KIND);
        if (kind != KIND_ENTRY && kind != KIND_RELOCATED) {
          continue;
        }
        int id = bytes.readInt(off + TOPIC_ID);
        byte state = id < states.length ? states[id] : UNKNOWN;
        if (state == UNKNOWN) {
          state = admit(table, id);
        }
        if (state == EXCLUDED) {
          continue;
        }
        long seq = bytes.readLong(off + SEQ);
        if (seq < nextSeqs[id]) {
          continue;
        }
        TopicState topic = table.get(id);
        TopicIndex ix = topic.index;
        if (seq > ix.lastSeq()) {
          dc.rollbackOnClose(); // written, not yet indexed: read it again next poll
          break;
        }
        long live = ix.positionOf(seq);
        if (live != dc.index() && !(live > dc.index() && ix.prevRetained(seq) < nextSeqs[id])) {
          // not the retained copy; unless it is an older copy of an entry relocated ahead of us
          // whose predecessors this cursor has all delivered: then delivering it here keeps
          // the original append order (README "Reclaiming disk space")
          continue;
        }
        nextSeqs[id] = seq + 1;
        if (state == GATED_STATE) {
          if (bytes.readLong(off + TIMESTAMP) < gateMillis) {
            continue; // before the start time (timestamps are non-decreasing within a topic)
          }
          states[id] = ACTIVE;
        }
        handler.onEntry(entry.wrap(bytes, off, topic.name));
        delivered++;
      }
    }
    return delivered;
  }

  /** Decides about a topic created after the cursor opened. */
  private byte admit(TopicTable table, int id) {
    if (id >= states.length) {
      int n = Math.max(id + 1, states.length * 2);
      states = Arrays.copyOf(states, n);
      nextSeqs = Arrays.copyOf(nextSeqs, n);
    }
    TopicState t = table.get(id);
    if (t == null || !filter.test(t.name)) {
      states[id] = EXCLUDED;
      return EXCLUDED;
    }
    long next = startSeqNew(t.name, start);
    byte state = ACTIVE;
    if (next == GATED) {
      next = 1;
      state = GATED_STATE;
    }
    nextSeqs[id] = next;
    states[id] = state;
    return state;
  }

  // ------------------------------------------------------------------ merging

  /** Adds a matching topic to the merge; false (and scanning from now on) if it cannot be merged. */
  private boolean join(TopicState t) {
    if (t.compacted() || memberCount == mergeMaxTopics) {
      switchToScan();
      return false;
    }
    if (memberCount == members.length) {
      members = Arrays.copyOf(members, memberCount * 2);
      candidateSeqs = Arrays.copyOf(candidateSeqs, memberCount * 2);
      candidatePositions = Arrays.copyOf(candidatePositions, memberCount * 2);
    }
    members[memberCount] = t.id;
    candidatePositions[memberCount] = NONE;
    memberCount++;
    return true;
  }

  /** From now on scan the log, from the last entry delivered (the same state carries over). */
  private void switchToScan() {
    merging = false;
    tailer.toEnd();
    startScan(scanFrom, tailer.index());
  }

  /** Admits topics created since the last poll; false if one of them ends the merge. */
  private boolean admitNewTopics(TopicTable table) {
    int n = table.size();
    for (int id = knownTopics; id < n; id++) {
      TopicState t = table.get(id);
      if (admit(table, id) != EXCLUDED && !join(t)) {
        knownTopics = id + 1;
        return false;
      }
    }
    knownTopics = n;
    return true;
  }

  private int pollMerging(EntryHandler handler, int limit) {
    TopicTable table = store.topicTable();
    // everything at or before this position is in the indexes read next (acquire), and in the
    // topic table: a topic whose first entry is at or before it is admitted below
    long upTo = store.indexedUpTo();
    if (!admitNewTopics(table)) {
      return pollScanning(handler, limit);
    }
    for (int m = 0; m < memberCount; m++) {
      if (candidatePositions[m] == NONE) {
        findCandidate(table, m);
      }
    }
    int delivered = 0;
    while (delivered < limit) {
      int best = -1;
      long bestPos = NONE;
      for (int m = 0; m < memberCount; m++) {
        if (candidatePositions[m] < bestPos) {
          bestPos = candidatePositions[m];
          best = m;
        }
      }
      if (best < 0 || bestPos > upTo) {
        break;
      }
      int id = members[best];
      TopicState topic = table.get(id);
      long seq = candidateSeqs[best];
      if (tailer.index() != bestPos && !tailer.moveToIndex(bestPos)) {
        if (topic.index.positionOf(seq) == bestPos) {
          break; // the tailer does not see it yet: next poll
        }
        findCandidate(table, best); // dropped by retention meanwhile: its next one
        continue;
      }
      if (topic.index.positionOf(seq) != bestPos) {
        findCandidate(table, best);
        continue;
      }
      try (DocumentContext dc = tailer.readingDocument()) {
        if (!dc.isPresent()) {
          dc.rollbackOnClose();
          break;
        }
        Bytes<?> bytes = dc.wire().bytes();
        long off = bytes.readPosition();
        if (bytes.readInt(off + TOPIC_ID) != id || bytes.readLong(off + SEQ) != seq) {
          throw new IllegalStateException("history index of " + topic.name + " points seq " + seq
              + " at log index " + Long.toHexString(bestPos) + " which holds another record");
        }
        nextSeqs[id] = seq + 1;
        scanFrom = bestPos;
        findCandidate(table, best);
        if (states[id] == GATED_STATE) {
          if (bytes.readLong(off + TIMESTAMP) < gateMillis) {
            continue;
          }
          states[id] = ACTIVE;
        }
        handler.onEntry(entry.wrap(bytes, off, topic.name));
        delivered++;
      }
    }
    return delivered;
  }

  /** The next retained entry of member {@code m} at or after its next seq, or NONE. */
  private void findCandidate(TopicTable table, int m) {
    TopicIndex ix = table.get(members[m]).index;
    while (true) {
      long seq = ix.nextRetained(nextSeqs[members[m]]);
      if (seq < 0) {
        candidatePositions[m] = NONE;
        return;
      }
      long pos = ix.positionOf(seq);
      if (pos >= 0) {
        candidateSeqs[m] = seq;
        candidatePositions[m] = pos;
        return;
      }
      // dropped between the two lookups: look again
    }
  }

  /** True while the cursor merges topic indexes (tests). */
  boolean merging() {
    return merging;
  }

  @Override
  public Map<String, Long> positions() {
    TopicTable table = store.topicTable();
    Map<String, Long> out = new HashMap<>();
    for (int id = 0; id < states.length; id++) {
      if (states[id] == ACTIVE || states[id] == GATED_STATE) {
        out.put(table.get(id).name, nextSeqs[id]);
      }
    }
    return out;
  }
}
