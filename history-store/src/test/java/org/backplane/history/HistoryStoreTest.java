package org.backplane.history;

import static org.backplane.history.StoreFixture.append;
import static org.backplane.history.StoreFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class HistoryStoreTest {
  @TempDir
  Path dir;

  private HistoryStore open() throws Exception {
    return HistoryStore.open(HistoryConfig.builder(dir).build());
  }

  @Test
  void appendReturnsConsecutiveSeqsPerTopicAndReadsBackExactContent() throws Exception {
    try (HistoryStore store = open()) {
      TopicLog a = store.topic("/A");
      ByteBuffer key = utf8("k");
      ByteBuffer headers = utf8("h=1");
      ByteBuffer payload = ByteBuffer.allocateDirect(13).put(utf8("direct-buffer")).flip();
      assertEquals(1, store.append(a, 1000, 7, 70, key, headers, payload));
      assertEquals(0, key.position());
      assertEquals(0, payload.position());
      assertEquals(1, append(store, "/B", 1001, null, "b1"));
      assertEquals(2, append(store, "/A", 1002, null, "a2"));
      store.commit();
      List<Recorded> got = Recorded.drain(store.openCursor("/A", StartPosition.BEGINNING));
      assertEquals(List.of(new Recorded("/A", 1, 1000, 7, 70, "k", "h=1", "direct-buffer"),
          new Recorded("/A", 2, 1002, 0, 0, null, null, "a2")), got);
      TopicInfo info = store.info("/A").orElseThrow();
      assertEquals(1, info.firstSeq());
      assertEquals(2, info.lastSeq());
      assertEquals(2, info.retainedCount());
      assertEquals(1002, info.lastTimestampMillis());
      assertTrue(store.info("/C").isEmpty());
    }
  }

  @Test
  void latestTimestampIsTheNewestLastEntryOfAnyTopicAndSurvivesARestart() throws Exception {
    try (HistoryStore store = open()) {
      assertEquals(0, store.latestTimestampMillis());
      append(store, "/A", 1_000, null, "a1");
      append(store, "/B", 5_000, null, "b1");
      append(store, "/A", 3_000, null, "a2");
      assertEquals(5_000, store.latestTimestampMillis());
    }
    try (HistoryStore store = open()) {
      assertEquals(5_000, store.latestTimestampMillis(), "after reopening");
    }
  }

  @Test
  void entryCopiesIntoHeapAndDirectBuffers() throws Exception {
    try (HistoryStore store = open()) {
      append(store, "/A", 1, "key", "payload-bytes-longer-than-eight");
      AtomicReference<String> heap = new AtomicReference<>();
      AtomicReference<String> direct = new AtomicReference<>();
      store.openCursor("/A", StartPosition.BEGINNING).poll(e -> {
        ByteBuffer h = ByteBuffer.allocate(64);
        e.copyPayload(h);
        heap.set(new String(h.array(), 0, h.position()));
        ByteBuffer d = ByteBuffer.allocateDirect(64);
        e.copyKey(d);
        e.copyPayload(d);
        d.flip();
        byte[] b = new byte[d.remaining()];
        d.get(b);
        direct.set(new String(b));
        assertEquals(-1, e.headersLength());
        assertNull(e.headers());
      }, 10);
      assertEquals("payload-bytes-longer-than-eight", heap.get());
      assertEquals("keypayload-bytes-longer-than-eight", direct.get());
    }
  }

  @Test
  void everyStartPositionOnOneTopicAndOnAFilter() throws Exception {
    try (HistoryStore store = open()) {
      for (int i = 1; i <= 10; i++) {
        append(store, "/X/A", i * 100L, null, "a" + i);
        append(store, "/X/B", i * 100L + 1, null, "b" + i);
        append(store, "/Y", i * 100L + 2, null, "y" + i);
      }
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L),
          Recorded.seqs(Recorded.drain(store.openCursor("/X/A", StartPosition.BEGINNING))));
      assertEquals(List.of(8L, 9L, 10L),
          Recorded.seqs(Recorded.drain(store.openCursor("/X/A", StartPosition.atSeq(8)))));
      assertEquals(List.of(9L, 10L),
          Recorded.seqs(Recorded.drain(store.openCursor("/X/A", StartPosition.lastN(2)))));
      assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L), Recorded.seqs(Recorded.drain(
          store.openCursor("/X/A", StartPosition.atTime(Instant.ofEpochMilli(450))))));
      HistoryCursor end = store.openCursor("/X/A", StartPosition.END);
      assertEquals(List.of(), Recorded.drain(end));
      append(store, "/X/A", 2000, null, "a11");
      assertEquals(List.of(11L), Recorded.seqs(Recorded.drain(end)));
      assertEquals(Map.of("/X/A", 12L), end.positions());

      // a filter: global append order, per topic start
      List<Recorded> last1 = Recorded.drain(store.openCursor(n -> n.startsWith("/X/"), StartPosition.lastN(1)));
      assertEquals(List.of("/X/B#10", "/X/A#11"), last1.stream().map(r -> r.topic() + "#" + r.seq()).toList());
      List<Recorded> fromBeginning = Recorded.drain(store.openCursor(n -> n.startsWith("/X/"), StartPosition.BEGINNING));
      assertEquals(21, fromBeginning.size());
      assertEquals("/X/A", fromBeginning.get(0).topic());
      assertEquals("/X/B", fromBeginning.get(1).topic());
      assertEquals("a11", fromBeginning.get(20).payload());
      List<Recorded> resumed = Recorded.drain(store.openCursor(n -> n.startsWith("/X/"),
          new StartPosition.Resume(Map.of("/X/A", 10L), StartPosition.lastN(2))));
      assertEquals(List.of("/X/B#9", "/X/A#10", "/X/B#10", "/X/A#11"),
          resumed.stream().map(r -> r.topic() + "#" + r.seq()).toList());
      List<Recorded> byTime = Recorded.drain(store.openCursor(n -> n.startsWith("/X/"),
          StartPosition.atTime(Instant.ofEpochMilli(1001))));
      assertEquals(List.of("/X/B#10", "/X/A#11"), byTime.stream().map(r -> r.topic() + "#" + r.seq()).toList());
    }
  }

  @Test
  void filterCursorPicksUpTopicsCreatedLaterInAppendOrder() throws Exception {
    try (HistoryStore store = open()) {
      append(store, "/P/old", 1, null, "o1");
      HistoryCursor end = store.openCursor(n -> n.startsWith("/P/"), StartPosition.END);
      HistoryCursor all = store.openCursor(n -> n.startsWith("/P/"), StartPosition.BEGINNING);
      append(store, "/P/new", 2, null, "n1");
      append(store, "/Q/other", 3, null, "q1");
      append(store, "/P/old", 4, null, "o2");
      assertEquals(List.of("/P/new#1", "/P/old#2"),
          Recorded.drain(end).stream().map(r -> r.topic() + "#" + r.seq()).toList());
      assertEquals(List.of("/P/old#1", "/P/new#1", "/P/old#2"),
          Recorded.drain(all).stream().map(r -> r.topic() + "#" + r.seq()).toList());
      assertEquals(Map.of("/P/old", 3L, "/P/new", 2L), all.positions());
    }
  }

  @Test
  void singleTopicCursorOnATopicThatDoesNotExistYet() throws Exception {
    try (HistoryStore store = open()) {
      HistoryCursor c = store.openCursor("/later", StartPosition.END);
      assertEquals(0, c.poll(e -> { }, 10));
      append(store, "/later", 1, null, "x");
      assertEquals(List.of(1L), Recorded.seqs(Recorded.drain(c)));
    }
  }

  @Test
  void writerMethodsRejectASecondThreadAndOversizedEntries() throws Exception {
    HistoryConfig config = HistoryConfig.builder(dir).maxEntryBytes(10).build();
    try (HistoryStore store = HistoryStore.open(config)) {
      append(store, "/A", 1, null, "ok");
      assertThrows(IllegalArgumentException.class, () -> append(store, "/A", 1, null, "far too long"));
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread other = new Thread(() -> {
        try {
          append(store, "/A", 1, null, "x");
        } catch (Throwable t) {
          thrown.set(t);
        }
      });
      other.start();
      other.join();
      assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
      assertEquals(1, store.info("/A").orElseThrow().lastSeq());
    }
  }

  @Test
  void reopenKeepsEntriesAndContinuesSeqs() throws Exception {
    try (HistoryStore store = open()) {
      for (int i = 0; i < 100; i++) {
        append(store, "/T" + (i % 3), i, null, "p" + i);
      }
    }
    try (HistoryStore store = open()) {
      assertEquals(34, store.info("/T0").orElseThrow().lastSeq());
      assertEquals(35, append(store, "/T0", 1000, null, "after"));
      List<Recorded> all = Recorded.drain(store.openCursor(n -> true, StartPosition.BEGINNING));
      assertEquals(101, all.size());
      assertEquals("after", all.get(100).payload());
    }
  }
}
