package org.backplane.history;

import static org.backplane.history.RecordLayout.HEADER_BYTES;
import static org.backplane.history.RecordLayout.HEADERS_LENGTH;
import static org.backplane.history.RecordLayout.KEY_LENGTH;
import static org.backplane.history.RecordLayout.KIND;
import static org.backplane.history.RecordLayout.KIND_ENTRY;
import static org.backplane.history.RecordLayout.KIND_RELOCATED;
import static org.backplane.history.RecordLayout.KIND_RELOCATE_BEGIN;
import static org.backplane.history.RecordLayout.KIND_RELOCATE_END;
import static org.backplane.history.RecordLayout.PAYLOAD_LENGTH;
import static org.backplane.history.RecordLayout.PRODUCER_ID;
import static org.backplane.history.RecordLayout.PRODUCER_SEQ;
import static org.backplane.history.RecordLayout.SEQ;
import static org.backplane.history.RecordLayout.TIMESTAMP;
import static org.backplane.history.RecordLayout.TOPIC_ID;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the in-memory state when a store opens (README "Recovery"): the index checkpoint
 * if there is an intact one whose entries still exist, then a replay of the log after the
 * position it covers; without a checkpoint, a replay of the whole log. Replay applies each
 * record as the writer did (compaction, count and byte limits, producer memory), and a
 * relocation block only once its END marker is seen. A record left incomplete by a crash is
 * where Chronicle's reader stops, so it is never applied.
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  record Result(boolean fromCheckpoint, long replayed, long retained) {
  }

  private final HistoryStore store;
  private final TopicTable table;

  Recovery(HistoryStore store) {
    this.store = store;
    this.table = store.topicTable();
  }

  Result run() throws IOException {
    SingleChronicleQueue q = store.queue();
    Set<Integer> cycles = presentCycles(q);
    long covered = Long.MIN_VALUE;
    try {
      covered = loadCheckpoint(cycles);
    } catch (IOException | RuntimeException e) {
      log.warn("history: index checkpoint unusable ({}); scanning the whole log", e.toString());
      covered = Long.MIN_VALUE;
    }
    if (covered == Long.MIN_VALUE) {
      resetAll();
    } else {
      rebuildCompactedMaps();
    }
    long replayed = replay(covered);
    CycleLedger ledger = store.ledger();
    ledger.clear();
    long retained = 0;
    for (TopicState t : table.all()) {
      store.enforceLimitsAfterReplay(t);
      boolean compacted = t.compacted();
      long[] n = {0};
      t.index.forEachRetained((seq, pos, size) -> {
        ledger.added(store.rollCycle().toCycle(pos), compacted);
        n[0]++;
      });
      retained += n[0];
    }
    for (int c : presentCycles(q)) {
      ledger.touch(c);
    }
    return new Result(covered != Long.MIN_VALUE, replayed, retained);
  }

  private static Set<Integer> presentCycles(SingleChronicleQueue q) {
    Set<Integer> out = new HashSet<>();
    int first = q.firstCycle();
    int last = q.lastCycle();
    if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || first > last) {
      return out;
    }
    for (Long c : q.listCyclesBetween(first, last)) {
      out.add(c.intValue());
    }
    return out;
  }

  private void resetAll() {
    for (TopicState t : table.all()) {
      t.index.clear();
      if (t.compacted()) {
        t.latestByKey.clear();
        t.keyless.clear();
        t.keylessBytes = 0;
      }
    }
    store.producerTable().clear();
  }

  private long loadCheckpoint(Set<Integer> cycles) throws IOException {
    long[] missing = {0};
    long covered = store.checkpointer().load(store.rollCycle().lengthInMillis(), new Checkpointer.Loader() {
          @Override
          public void topic(int id, long lastSeq, long lastTs, long firstSeq, TopicIndex.Segment[] segs) {
            TopicState t = table.get(id);
            if (t == null) {
              throw new IllegalStateException("checkpoint names topic id " + id + " missing from "
                  + HistoryStore.TOPICS_FILE);
            }
            for (TopicIndex.Segment s : segs) {
              missing[0] += dropMissing(s, cycles);
            }
            t.index.restore(segs, firstSeq, lastSeq, lastTs);
          }

          @Override
          public void producer(long id, long highest) {
            store.producerTable().restoreHighest(id, highest);
          }

          @Override
          public void producerEntry(long id, long producerSeq, int topicId, long seq) {
            store.producerTable().record(id, producerSeq, topicId, seq);
          }
        });
    if (covered != Long.MIN_VALUE && missing[0] > 0) {
      log.info("history: {} checkpointed entries are in deleted log files and are not retained", missing[0]);
    }
    return covered;
  }

  /** Marks DEAD the slots whose log file was deleted after the checkpoint was written. */
  private int dropMissing(TopicIndex.Segment s, Set<Integer> cycles) {
    if (s.count == 0) {
      return 0;
    }
    int firstCycle = store.rollCycle().toCycle(s.basePos);
    int lastCycle = store.rollCycle().toCycle(s.basePos + Integer.MAX_VALUE);
    if (cycles.contains(firstCycle) && (lastCycle == firstCycle || cycles.contains(lastCycle))) {
      return 0; // a segment spans at most two files (offsets fit in an int; a file's seqs use 32 bits)
    }
    int dropped = 0;
    for (int slot = 0; slot < s.count; slot++) {
      long pos = s.positionAt(slot);
      if (pos >= 0 && !cycles.contains(store.rollCycle().toCycle(pos))) {
        s.posOffsets[slot] = TopicIndex.DEAD;
        s.dirty = true;
        dropped++;
      }
    }
    return dropped;
  }

  /** After a checkpoint load: latest seq per key and keyless entries of compacted topics. */
  private void rebuildCompactedMaps() {
    ExcerptTailer tl = store.newTailer();
    try {
      for (TopicState t : table.all()) {
        if (!t.compacted()) {
          continue;
        }
        List<long[]> lost = new ArrayList<>();
        t.index.forEachRetained((seq, pos, size) -> {
          if (!tl.moveToIndex(pos)) {
            lost.add(new long[] {seq});
            return;
          }
          try (DocumentContext dc = tl.readingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            ByteBuffer key = keyOf(b, b.readPosition());
            if (key == null) {
              t.keyless.addLast(seq);
              t.keylessBytes += size;
            } else {
              t.latestByKey.put(key, seq);
            }
          }
        });
        for (long[] l : lost) {
          t.index.drop(l[0], (s, p, z) -> { });
        }
      }
    } finally {
      tl.close();
    }
  }

  private static ByteBuffer keyOf(Bytes<?> b, long off) {
    int k = b.readInt(off + KEY_LENGTH);
    if (k < 0) {
      return null;
    }
    byte[] key = new byte[k];
    b.read(off + HEADER_BYTES, key, 0, k);
    return ByteBuffer.wrap(key);
  }

  /** A relocation block being collected. */
  private static final class Block {
    final TopicState topic;
    final int expected;
    final List<long[]> entries = new ArrayList<>(); // seq, pos, size
    final List<ByteBuffer> keys = new ArrayList<>();

    Block(TopicState topic, int expected) {
      this.topic = topic;
      this.expected = expected;
    }
  }

  private long replay(long covered) {
    ExcerptTailer tl = store.newTailer();
    long replayed = 0;
    long last = covered == Long.MIN_VALUE ? -1 : covered;
    try {
      boolean skipCovered = false;
      if (covered == Long.MIN_VALUE || covered < 0) {
        tl.toStart();
      } else if (tl.moveToIndex(covered)) {
        try (DocumentContext covered0 = tl.readingDocument()) {
          skipCovered = !covered0.isPresent(); // normally the covered record itself, now passed
        }
      } else {
        tl.toStart();
        skipCovered = true;
      }
      Block block = null;
      while (true) {
        try (DocumentContext dc = tl.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          if (!dc.isData()) {
            continue;
          }
          long idx = dc.index();
          if (skipCovered && idx <= covered) {
            continue;
          }
          last = idx;
          replayed++;
          Bytes<?> b = dc.wire().bytes();
          long off = b.readPosition();
          if (b.readLimit() - off < HEADER_BYTES) {
            log.warn("history: skipping a short record at log index {}", Long.toHexString(idx));
            continue;
          }
          byte kind = b.readByte(off + KIND);
          TopicState t = table.get(b.readInt(off + TOPIC_ID));
          if (t == null) {
            log.warn("history: skipping a record of unknown topic id {} at log index {}",
                b.readInt(off + TOPIC_ID), Long.toHexString(idx));
            continue;
          }
          long seq = b.readLong(off + SEQ);
          int size = RecordLayout.storedBytes(b.readInt(off + KEY_LENGTH),
              b.readInt(off + HEADERS_LENGTH), b.readInt(off + PAYLOAD_LENGTH));
          if (kind == KIND_ENTRY) {
            if (seq <= t.index.lastSeq()) {
              continue;
            }
            ByteBuffer key = t.compacted() ? keyOf(b, off) : null;
            store.indexed(t, seq, idx, size, b.readLong(off + TIMESTAMP), key);
            store.producerTable().record(b.readLong(off + PRODUCER_ID), b.readLong(off + PRODUCER_SEQ), t.id, seq);
          } else if (kind == KIND_RELOCATE_BEGIN) {
            block = new Block(t, (int) seq);
          } else if (kind == KIND_RELOCATED) {
            if (block != null && block.topic == t) {
              block.entries.add(new long[] {seq, idx, size});
              block.keys.add(keyOf(b, off));
            }
          } else if (kind == KIND_RELOCATE_END) {
            if (block != null && block.topic == t && block.entries.size() == block.expected) {
              apply(block);
            }
            block = null;
          }
        }
      }
    } finally {
      tl.close();
    }
    store.lastAppendedIndex(last);
    return replayed;
  }

  private static void apply(Block block) {
    TopicState t = block.topic;
    int n = block.entries.size();
    long[] seqs = new long[n];
    long[] positions = new long[n];
    int[] sizes = new int[n];
    t.latestByKey.clear();
    t.keyless.clear();
    t.keylessBytes = 0;
    for (int i = 0; i < n; i++) {
      long[] e = block.entries.get(i);
      seqs[i] = e[0];
      positions[i] = e[1];
      sizes[i] = (int) e[2];
      ByteBuffer key = block.keys.get(i);
      if (key == null) {
        t.keyless.addLast(e[0]);
        t.keylessBytes += sizes[i];
      } else {
        t.latestByKey.put(key, e[0]);
      }
    }
    t.index.replaceRetained(seqs, positions, sizes, n);
  }
}
