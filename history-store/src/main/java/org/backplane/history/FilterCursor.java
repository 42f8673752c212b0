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
 * A cursor over every topic matching a filter, including topics created later: it reads the
 * shared log in order and so delivers in the store's global append order, which is what
 * carries cross-topic causal order (B5) to pattern subscribers (README "Reading").
 *
 * <p>A record is delivered when its topic matches, its seq is at or after the cursor's next
 * seq for the topic, and the topic's index says the record is the retained copy of that seq
 * (an entry dropped by retention, compacted away, or relocated elsewhere is skipped). A record
 * the writer has written but not yet indexed stops the poll; the next poll picks it up.
 */
final class FilterCursor extends LogCursor {
  private static final byte UNKNOWN = 0;
  private static final byte EXCLUDED = 1;
  private static final byte ACTIVE = 2;
  private static final byte GATED_STATE = 3;

  private final Predicate<String> filter;
  private final StartPosition start;
  private final long gateMillis;
  private byte[] states;
  private long[] nextSeqs;

  FilterCursor(HistoryStore store, Predicate<String> filter, StartPosition start) {
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
    for (TopicState t : topics) {
      if (!filter.test(t.name)) {
        states[t.id] = EXCLUDED;
        continue;
      }
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
    if (from < end && !tailer.moveToIndex(from)) {
      tailer.toStart(); // its file was reclaimed meanwhile: scan from the start, the checks skip the rest
    }
  }

  @Override
  public int poll(EntryHandler handler, int limit) {
    checkOpen();
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
        if (state == GATED_STATE) {
          if (bytes.readLong(off + TIMESTAMP) < gateMillis) {
            continue;
          }
          states[id] = ACTIVE;
        }
        nextSeqs[id] = seq + 1;
        handler.onEntry(entry.wrap(bytes, off, topic.name));
        delivered++;
      }
    }
    return delivered;
  }

  /** Decides about a topic first met in the log (created after the cursor opened). */
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
