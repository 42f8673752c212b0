package org.backplane.history;

import static org.backplane.history.RecordLayout.SEQ;
import static org.backplane.history.RecordLayout.TIMESTAMP;
import static org.backplane.history.RecordLayout.TOPIC_ID;

import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A cursor over one topic: walks the topic's index in seq order and reads each record at its
 * position, so it never scans other topics' records (README "Reading"). Replay and live are one
 * loop: it asks the index for the next retained seq after the last one delivered.
 */
final class TopicCursor extends LogCursor {
  private final String topic;
  private final StartPosition start;
  private TopicState state;
  private long nextSeq;
  private long gateMillis = Long.MIN_VALUE;

  TopicCursor(HistoryStore store, String topic, StartPosition start) {
    super(store);
    this.topic = topic;
    this.start = start;
    this.state = store.topicTable().get(topic);
    if (state != null) {
      nextSeq = startSeqExisting(state, start);
    }
  }

  private boolean resolve() {
    if (state != null) {
      return true;
    }
    state = store.topicTable().get(topic);
    if (state == null) {
      return false;
    }
    long s = startSeqNew(topic, start);
    if (s == GATED) {
      gateMillis = ((StartPosition.AtTime) innermost(start)).time().toEpochMilli();
      s = 1;
    }
    nextSeq = s;
    return true;
  }

  static StartPosition innermost(StartPosition p) {
    return p instanceof StartPosition.Resume r ? innermost(r.otherwise()) : p;
  }

  @Override
  public int poll(EntryHandler handler, int limit) {
    checkOpen();
    if (!resolve()) {
      return 0;
    }
    TopicIndex ix = state.index;
    int delivered = 0;
    while (delivered < limit) {
      long seq = ix.nextRetained(nextSeq);
      if (seq < 0) {
        break;
      }
      long pos = ix.positionOf(seq);
      if (pos < 0) {
        continue; // dropped between the two lookups: look again
      }
      if (tailer.index() != pos && !tailer.moveToIndex(pos)) {
        if (ix.positionOf(seq) == pos) {
          break; // the log does not show it yet
        }
        continue; // relocated or dropped meanwhile
      }
      try (DocumentContext dc = tailer.readingDocument()) {
        if (!dc.isPresent()) {
          dc.rollbackOnClose();
          break;
        }
        Bytes<?> bytes = dc.wire().bytes();
        long off = bytes.readPosition();
        if (bytes.readInt(off + TOPIC_ID) != state.id || bytes.readLong(off + SEQ) != seq) {
          throw new IllegalStateException("history index of " + topic + " points seq " + seq
              + " at log index " + Long.toHexString(pos) + " which holds another record");
        }
        nextSeq = seq + 1;
        if (gateMillis != Long.MIN_VALUE) {
          if (bytes.readLong(off + TIMESTAMP) < gateMillis) {
            continue;
          }
          gateMillis = Long.MIN_VALUE;
        }
        handler.onEntry(entry.wrap(bytes, off, state.name));
        delivered++;
      }
    }
    return delivered;
  }

  @Override
  public Map<String, Long> positions() {
    return state == null ? Map.of() : Map.of(topic, nextSeq);
  }
}
