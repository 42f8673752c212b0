package org.backplane.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** 10,000 topics share one log: append, read every one back, restart, filter cursors. */
@Timeout(120)
class ManyTopicsTest {
  @TempDir
  Path dir;

  private static String name(int t) {
    return "/M/" + (t % 10) + "/" + t;
  }

  @Test
  void tenThousandTopicsAppendReadRestartAndFilter() throws Exception {
    int topics = 10_000;
    int rounds = 5;
    HistoryConfig config = HistoryConfig.builder(dir).build();
    try (HistoryStore store = HistoryStore.open(config)) {
      ByteBuffer payload = ByteBuffer.allocate(8);
      for (int r = 1; r <= rounds; r++) {
        for (int t = 0; t < topics; t++) {
          payload.clear();
          payload.putInt(0, t).putInt(4, r);
          assertEquals(r, store.append(store.topic(name(t)), r, 0, 0, null, null, payload));
        }
      }
      store.commit();
      checkAll(store, topics, rounds);
    }
    try (HistoryStore store = HistoryStore.open(config)) {
      checkAll(store, topics, rounds);
      assertEquals(topics, store.topics(n -> true).size());
      List<TopicInfo> sevens = store.topics(n -> n.startsWith("/M/7/"));
      assertEquals(topics / 10, sevens.size());
      assertEquals("/M/7/1007", sevens.get(0).name()); // sorted by name, not by creation
      assertEquals("/M/7/1017", sevens.get(1).name());
      HistoryCursor c = store.openCursor(n -> n.startsWith("/M/7/"), StartPosition.lastN(1));
      List<Recorded> last = Recorded.drain(c);
      assertEquals(topics / 10, last.size());
      for (Recorded r : last) {
        assertEquals(rounds, r.seq());
      }
      store.append(store.topic(name(17)), 99, 0, 0, null, null, ByteBuffer.wrap(new byte[] {1}));
      assertEquals(List.of(6L), Recorded.seqs(Recorded.drain(c)));
    }
  }

  private static void checkAll(HistoryStore store, int topics, int rounds) {
    for (int t = 0; t < topics; t++) {
      List<byte[]> payloads = new java.util.ArrayList<>();
      List<Recorded> got = new java.util.ArrayList<>();
      try (HistoryCursor c = store.openCursor(name(t), StartPosition.BEGINNING)) {
        c.poll(e -> {
          payloads.add(e.payload());
          got.add(Recorded.of(e));
        }, 100);
      }
      assertEquals(rounds, got.size(), name(t));
      for (int r = 0; r < rounds; r++) {
        ByteBuffer p = ByteBuffer.wrap(payloads.get(r));
        assertEquals(t, p.getInt(0));
        assertEquals(r + 1, p.getInt(4));
        assertEquals(r + 1, got.get(r).seq());
        assertEquals(r + 1, got.get(r).timestampMillis());
      }
    }
  }
}
