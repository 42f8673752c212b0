package org.backplane.history;

import static org.backplane.history.RecordLayout.TIMESTAMP;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * What both cursor kinds share: a Chronicle tailer of their own, the entry flyweight, and how
 * a {@link StartPosition} maps to a first seq per topic (README "Reading"). A cursor is used
 * by one thread at a time; Chronicle's owner-thread check is off so that the thread may change
 * (Netty may hand a channel to another loop only through a handoff, which orders the accesses).
 */
abstract class LogCursor implements HistoryCursor {
  /** Start seq for a topic that gets its first-entry-at-or-after-time gate while reading. */
  static final long GATED = -2;

  final HistoryStore store;
  final ExcerptTailer tailer;
  final LogEntry entry = new LogEntry();
  private boolean closed;

  LogCursor(HistoryStore store) {
    this.store = store;
    this.tailer = store.newTailer();
  }

  /** First seq to deliver of a topic that existed when the cursor opened. */
  final long startSeqExisting(TopicState t, StartPosition start) {
    TopicIndex ix = t.index;
    if (start instanceof StartPosition.Beginning) {
      return 1;
    } else if (start instanceof StartPosition.AtSeq a) {
      return Math.max(1, a.seq());
    } else if (start instanceof StartPosition.End) {
      return ix.lastSeq() + 1;
    } else if (start instanceof StartPosition.LastN l) {
      long last = ix.lastSeq();
      long s = ix.startOfLast(l.n());
      return s < 0 ? last + 1 : s;
    } else if (start instanceof StartPosition.AtTime at) {
      return firstAtOrAfter(ix, at.time().toEpochMilli());
    } else if (start instanceof StartPosition.Resume r) {
      Long next = r.nextSeqByTopic().get(t.name);
      return next != null ? Math.max(1, next) : startSeqExisting(t, r.otherwise());
    }
    throw new IllegalArgumentException("unknown start position " + start);
  }

  /** First seq to deliver of a topic created after the cursor opened ({@link #GATED} for time). */
  static long startSeqNew(String topic, StartPosition start) {
    if (start instanceof StartPosition.AtSeq a) {
      return Math.max(1, a.seq());
    } else if (start instanceof StartPosition.AtTime) {
      return GATED;
    } else if (start instanceof StartPosition.Resume r) {
      Long next = r.nextSeqByTopic().get(topic);
      return next != null ? Math.max(1, next) : startSeqNew(topic, r.otherwise());
    }
    return 1; // Beginning, LastN, End: everything of a topic born after the cursor
  }

  /**
   * The first retained seq whose timestamp is {@code >= timeMillis} (lastSeq + 1 if none), by
   * binary search over the retained seqs (timestamps are stamped by the single writer and
   * assumed non-decreasing within a topic).
   */
  private long firstAtOrAfter(TopicIndex ix, long timeMillis) {
    long last = ix.lastSeq();
    long lo = ix.nextRetained(1);
    if (lo < 0) {
      return last + 1;
    }
    long hi = last;
    long answer = last + 1;
    while (lo <= hi) {
      long mid = lo + (hi - lo) / 2;
      long s = ix.nextRetained(mid);
      if (s < 0 || s > hi) {
        hi = mid - 1;
        continue;
      }
      long ts = timestampAt(ix.positionOf(s));
      if (ts == Long.MIN_VALUE) {
        lo = s + 1; // dropped meanwhile
      } else if (ts >= timeMillis) {
        answer = s;
        hi = mid - 1;
      } else {
        lo = s + 1;
      }
    }
    return answer;
  }

  private long timestampAt(long pos) {
    if (pos < 0 || !tailer.moveToIndex(pos)) {
      return Long.MIN_VALUE;
    }
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return Long.MIN_VALUE;
      }
      return dc.wire().bytes().readLong(dc.wire().bytes().readPosition() + TIMESTAMP);
    }
  }

  final void checkOpen() {
    if (closed) {
      throw new IllegalStateException("cursor is closed");
    }
    store.checkOpen();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      tailer.close();
      store.cursorClosed(this);
    }
  }
}
