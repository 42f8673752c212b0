package org.backplane.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** B2: a cursor opened mid-stream on another thread replays then follows: no gap, no duplicate. */
@Timeout(120)
class FollowTest {
  @TempDir
  Path dir;

  @Test
  void cursorsFollowingAWriterOnAnotherThreadSeeEveryEntryOnceWithExactContent() throws Exception {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println("FollowTest seed=" + seed + " (rerun with -Dseed=" + seed + ")");
    int total = 200_000;
    int topicCount = 7;
    try (HistoryStore store = HistoryStore.open(HistoryConfig.builder(dir).build())) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicBoolean done = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        Random rnd = new Random(seed);
        ByteBuffer payload = ByteBuffer.allocate(64);
        try {
          for (int i = 0; i < total; i++) {
            int t = rnd.nextInt(topicCount);
            payload.clear();
            payload.putLong(i).putInt(t).limit(8 + 4 + rnd.nextInt(40)).position(0);
            store.append(store.topic("/F/" + t), i, 1, i + 1, null, null, payload);
            if ((i & 1023) == 0) {
              store.commit();
              LockSupport.parkNanos(50_000);
            }
          }
          store.commit();
        } catch (Throwable e) {
          failure.set(e);
        } finally {
          done.set(true);
        }
      }, "writer");
      writer.start();
      // a pattern cursor and a one-topic cursor opened while the writer runs
      while (store.info("/F/3").isEmpty()) {
        Thread.onSpinWait();
      }
      HistoryCursor all = store.openCursor(n -> n.startsWith("/F/"), StartPosition.BEGINNING);
      HistoryCursor one = store.openCursor("/F/3", StartPosition.BEGINNING);
      HistoryCursor fromEnd = store.openCursor(n -> n.startsWith("/F/"), StartPosition.END);
      // a cursor merging two topics' indexes (README "Reading") must keep the global order too
      FilterCursor merging = store.openCursor(n -> n.equals("/F/2") || n.equals("/F/5"),
          StartPosition.BEGINNING, FilterCursor.Mode.MERGE);
      long[] mergedLast = {-1};
      Map<String, Long> mergedNext = new HashMap<>();
      int[] mergedCount = {0};
      EntryHandler onMerged = e -> {
        long i = ByteBuffer.wrap(e.payload()).getLong();
        if (i <= mergedLast[0]) {
          throw new AssertionError("merging cursor: global order broken: " + i + " after " + mergedLast[0]);
        }
        mergedLast[0] = i;
        long expect = mergedNext.getOrDefault(e.topic(), 1L);
        if (e.seq() != expect) {
          throw new AssertionError("merging cursor " + e.topic() + ": seq " + e.seq() + " expected " + expect);
        }
        mergedNext.put(e.topic(), expect + 1);
        mergedCount[0]++;
      };
      Map<String, Long> endNext = new HashMap<>();
      EntryHandler onEnd = e -> {
        Long expect = endNext.get(e.topic());
        if (expect != null && e.seq() != expect) {
          throw new AssertionError("END cursor " + e.topic() + ": seq " + e.seq() + " expected " + expect);
        }
        endNext.put(e.topic(), e.seq() + 1);
      };
      long[] lastGlobal = {-1};
      Map<String, Long> nextSeq = new HashMap<>();
      long[] oneNext = {1};
      int[] counts = {0, 0};
      EntryHandler onAll = e -> {
        long i = e.payload().length >= 12 ? ByteBuffer.wrap(e.payload()).getLong() : -1;
        if (i <= lastGlobal[0]) {
          throw new AssertionError("global order broken: " + i + " after " + lastGlobal[0]);
        }
        lastGlobal[0] = i;
        long expect = nextSeq.getOrDefault(e.topic(), 1L);
        if (e.seq() != expect) {
          throw new AssertionError(e.topic() + ": seq " + e.seq() + " expected " + expect);
        }
        nextSeq.put(e.topic(), expect + 1);
        ByteBuffer p = ByteBuffer.wrap(e.payload());
        assertEquals("/F/" + p.getInt(8), e.topic());
        assertEquals(i, e.timestampMillis());
        assertEquals(i + 1, e.producerSeq());
        counts[0]++;
      };
      EntryHandler onOne = e -> {
        if (e.seq() != oneNext[0]) {
          throw new AssertionError("/F/3: seq " + e.seq() + " expected " + oneNext[0]);
        }
        oneNext[0]++;
        counts[1]++;
      };
      while (true) {
        boolean finished = done.get();
        int n = all.poll(onAll, 500) + one.poll(onOne, 500) + fromEnd.poll(onEnd, 500)
            + merging.poll(onMerged, 7);
        if (n == 0 && finished) {
          break;
        }
      }
      writer.join();
      assertNull(failure.get());
      assertEquals(total, counts[0]);
      assertEquals(store.info("/F/3").orElseThrow().lastSeq(), counts[1]);
      assertEquals(total, lastGlobal[0] + 1);
      assertTrue(merging.merging());
      assertEquals(store.info("/F/2").orElseThrow().lastSeq() + store.info("/F/5").orElseThrow().lastSeq(),
          mergedCount[0]);
      for (int t = 0; t < topicCount; t++) {
        String name = "/F/" + t;
        assertEquals(store.info(name).orElseThrow().lastSeq() + 1, endNext.get(name), name);
      }
      // and the END cursor started where its positions said, with nothing before it
      assertEquals(endNext, fromEnd.positions());
    }
  }
}
